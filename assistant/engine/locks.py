"""A per-session lock so that turns of one conversation run one at a time.

It lives in the cache: local memory on the embedded default (one process), Redis in
production, so several server processes serialise the same session's turns too. A
held lock expires on its own, so a crashed process cannot wedge a session.

When the cache fails (Redis down) the lock falls back to the database, so chat keeps
answering: on PostgreSQL a session-level advisory lock taken on the turn's own
connection (it holds across processes, and PostgreSQL drops it if the process dies);
on SQLite a lock inside this process (SQLite serves one machine, and this project runs
it as one process). The fallback is per turn, so while Redis flaps a turn under the
Redis lock and one under the database lock may overlap for a moment.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from django.core.cache import cache
from django.db import connection

from assistant import metrics

logger = logging.getLogger(__name__)

LOCK_TTL_SECONDS = 30
WAIT_SECONDS = 15.0
# SQLite fallback: sessions hash onto a fixed set of locks (no registry to clean up; two
# sessions rarely share one, and then only wait for each other during a cache outage).
_PROCESS_LOCKS = tuple(threading.Lock() for _ in range(256))


class SessionBusy(Exception):
    """Another turn of the same session held the lock for longer than we wait."""


@contextmanager
def session_lock(session_id: str, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the session for one turn; ``SessionBusy`` if it stays taken for ``wait`` seconds."""
    key = f"chat-lock:{session_id}"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    if not _cache_acquire(key, token, session_id=session_id, deadline=deadline):
        with database_session_lock(session_id, deadline=deadline):
            yield
        return
    try:
        yield
    finally:
        _cache_release(key, token)


def _cache_acquire(key: str, token: str, *, session_id: str, deadline: float) -> bool:
    """True once the lock is ours in the cache; False when the cache failed (use the database)."""
    delay = 0.002
    while True:
        try:
            if cache.add(key, token, timeout=LOCK_TTL_SECONDS):
                return True
        except Exception:
            logger.warning("session lock: cache unavailable, locking in the database", exc_info=True)
            metrics.CACHE_ERRORS.labels(component="session_lock").inc()
            return False
        if time.monotonic() >= deadline:
            raise SessionBusy(session_id)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _cache_release(key: str, token: str) -> None:
    try:
        # Only release our own lock: if it expired and another turn took it, leave it.
        if cache.get(key) == token:
            cache.delete(key)
    except Exception:  # the turn is done and stored: a lock we cannot delete expires on its own
        logger.warning("session lock: cache unavailable at release; the lock expires in %ss", LOCK_TTL_SECONDS)
        metrics.CACHE_ERRORS.labels(component="session_lock").inc()


@contextmanager
def database_session_lock(session_id: str, *, deadline: float) -> Iterator[None]:
    """The fallback lock: PostgreSQL advisory lock, or a lock in this process on SQLite."""
    if connection.vendor == "postgresql":
        with _advisory_lock(session_id, deadline=deadline):
            yield
    else:
        lock = _PROCESS_LOCKS[_lock_number(session_id) % len(_PROCESS_LOCKS)]
        if not lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise SessionBusy(session_id)
        try:
            yield
        finally:
            lock.release()


def _lock_number(session_id: str) -> int:
    """A signed 64-bit number for the session (PostgreSQL's advisory lock key)."""
    digest = hashlib.sha256(f"chat-lock:{session_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _advisory_lock(session_id: str, *, deadline: float) -> Iterator[None]:
    number = _lock_number(session_id)
    delay = 0.002
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [number])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() >= deadline:
                raise SessionBusy(session_id)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
    # A session-level lock belongs to the connection: release it on the same one.
    held_on = connection.connection
    try:
        yield
    finally:
        if connection.connection is not held_on:
            logger.error("session lock: the database connection changed during the turn; its lock ends with it")
        else:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [number])
            except Exception:
                # The connection is broken or stuck in a failed transaction: closing the
                # driver's connection ends the server session and its lock (a pool would
                # otherwise hand it on, still locked); Django then forgets it.
                logger.warning("session lock: could not unlock in the database; closing the connection", exc_info=True)
                try:
                    held_on.close()
                finally:
                    connection.close()
