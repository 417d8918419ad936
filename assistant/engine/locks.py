"""A per-session lock so that turns of one conversation run one at a time.

It lives in the cache: local memory on the embedded default (one process), Redis in
production, so several server processes serialise the same session's turns too. A
held lock expires on its own, so a crashed process cannot wedge a session.
"""

from __future__ import annotations

import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from django.core.cache import cache

LOCK_TTL_SECONDS = 30
WAIT_SECONDS = 15.0


class SessionBusy(Exception):
    """Another turn of the same session held the lock for longer than we wait."""


@contextmanager
def session_lock(session_id: str, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    key = f"chat-lock:{session_id}"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    delay = 0.002
    while not cache.add(key, token, timeout=LOCK_TTL_SECONDS):
        if time.monotonic() >= deadline:
            raise SessionBusy(session_id)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    try:
        yield
    finally:
        # Only release our own lock: if it expired and another turn took it, leave it.
        if cache.get(key) == token:
            cache.delete(key)
