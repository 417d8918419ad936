"""Redis failing under a running service: chat keeps answering, over HTTP and websockets.

Real dependencies only. "Redis down" is either a port where nothing listens, or the
real Redis behind a loopback TCP proxy that the test cuts while a server uses it (every
open connection dropped, new ones refused: what a crashed Redis looks like).
"""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import threading
import time
import uuid
from urllib.error import HTTPError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

import pytest
import websockets
from django.conf import settings
from django.db import connection
from django_redis.cache import RedisCache

from assistant.engine import locks
from assistant.engine.locks import SessionBusy, session_lock
from tests.live_daphne import free_port, live_daphne, manage, postgres_database, server_env


def redis_cache(url: str) -> RedisCache:
    """A real django-redis client, with the project's short timeouts."""
    return RedisCache(
        url,
        {
            "KEY_PREFIX": f"outage-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        },
    )


def dead_redis_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


class TcpProxy:
    """Forwards a loopback port to a real server until ``cut()`` takes the server away."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target, timeout=2)
            except OSError:
                return  # cut
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        """Redis is gone: open connections are reset, new ones refused."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close alone does not
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
                except OSError:
                    pass


# --- The session lock falls back to the database -------------------------------------------------


@pytest.fixture
def cache_down(monkeypatch):
    """The lock's cache is a real Redis client pointed at a port where nothing listens."""
    monkeypatch.setattr(locks, "cache", redis_cache(dead_redis_url()))


def _in_thread(function) -> dict:
    """Run ``function`` in a thread with its own database connection; its result or error."""
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = function()
        except BaseException as exc:  # reported to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_down_a_session_still_runs_one_turn_at_a_time(cache_down):
    held, release = threading.Event(), threading.Event()

    def first_turn():
        with session_lock("outage-session"):
            held.set()
            release.wait(10)
        return "done"

    first = _in_thread(first_turn)
    assert held.wait(5)
    started = time.monotonic()
    second = _in_thread(lambda: session_lock("outage-session", wait=0.3).__enter__())
    second["thread"].join(5)
    assert isinstance(second.get("error"), SessionBusy)  # the database lock held it
    assert 0.25 <= time.monotonic() - started < 2

    release.set()
    first["thread"].join(5)
    assert first.get("result") == "done"

    def after():
        with session_lock("outage-session", wait=2):
            return "got it"

    third = _in_thread(after)
    third["thread"].join(5)
    assert third.get("result") == "got it"  # released with the turn


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_down_the_lock_costs_little_time(cache_down):
    started = time.monotonic()
    for _ in range(5):
        with session_lock(f"fast-{uuid.uuid4().hex[:6]}"):
            pass
    assert time.monotonic() - started < 1.0


@pytest.mark.django_db(transaction=True)
def test_the_lock_lives_in_redis_while_redis_answers(redis_url, monkeypatch):
    cache = redis_cache(redis_url)
    monkeypatch.setattr(locks, "cache", cache)
    with session_lock("redis-session"):
        assert cache.get("chat-lock:redis-session")
        if connection.vendor == "postgresql":  # no database lock taken
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                assert cursor.fetchone()[0] == 0
    assert cache.get("chat-lock:redis-session") is None


# --- A live server whose Redis goes away ----------------------------------------------------------


@pytest.fixture
def live_database_url(db, tmp_path, request):
    """A migrated database of its own for a live server, built from the test database's schema.

    SQLite: a copy of the (already migrated, empty) test database file, in milliseconds.
    PostgreSQL (CI's second pass): a fresh database, migrated, dropped afterwards.
    """
    if connection.vendor == "sqlite":
        target = tmp_path / "live.sqlite3"
        with sqlite3.connect(settings.DATABASES["default"]["NAME"]) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        yield f"sqlite:///{target}"
        return
    with postgres_database(request.getfixturevalue("postgres_url")) as url:
        manage(server_env(DATABASE_URL=url), "migrate", "--noinput")
        yield url


def _post_chat(server, session_id: str, message: str) -> tuple[int, dict, float]:
    request = Request(
        f"{server.http_url}/chat",
        data=json.dumps({"session_id": session_id, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.monotonic()
    try:
        with urlopen(request, timeout=20) as response:
            status, body = response.status, response.read()
    except HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def _readyz(server) -> tuple[int, dict]:
    try:
        with urlopen(f"{server.http_url}/readyz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


async def _reply(ws, timeout: float = 10) -> dict:
    """Frames until the turn's ``reply`` (or an ``error``), skipping typing and the like."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] in {"reply", "error"}:
            return frame


def _assert_normal_reply(status: int, body: dict, seconds: float) -> None:
    assert status == 200, body
    assert body["response"] and body["agent"] and "tool_calls" in body
    assert seconds < 3.0, f"/chat took {seconds:.2f} s with Redis down"


@pytest.mark.slow
@pytest.mark.redis
def test_chat_and_websockets_keep_answering_when_redis_goes_down(redis_url, live_database_url, tmp_path):
    redis = urlparse(redis_url)
    proxy = TcpProxy(redis.hostname or "127.0.0.1", redis.port or 6379)
    env = server_env(
        DATABASE_URL=live_database_url,
        REDIS_URL=f"redis://127.0.0.1:{proxy.port}{redis.path or '/0'}",
        CACHE_KEY_PREFIX=f"outage-{uuid.uuid4().hex[:8]}",
    )
    with live_daphne(env, tmp_path) as server:

        async def scenario() -> None:
            origin = server.http_url
            async with websockets.connect(f"{server.ws_url}/ws/chat/ws-before/", origin=origin) as before:
                assert json.loads(await asyncio.wait_for(before.recv(), 10))["type"] == "history"
                _assert_normal_reply(*_post_chat(server, "rest-1", "What is your return policy?"))
                assert _readyz(server)[0] == 200

                proxy.cut()  # Redis goes away under the running server

                _assert_normal_reply(*_post_chat(server, "rest-1", "And how do I track ORD-4567?"))
                _assert_normal_reply(*_post_chat(server, "rest-2", "hello"))
                status, body = _readyz(server)
                assert status == 503 and body["failing"] == ["cache"]

                # The socket opened before the outage keeps answering its customer...
                await before.send(json.dumps({"type": "message", "message": "where is my order ORD-4567?"}))
                frame = await _reply(before)
                assert frame["type"] == "reply" and frame["response"], frame
                # ...and bad frames still get an error frame, the socket open.
                await before.send("[" * 6000 + "]" * 6000)
                frame = await _reply(before)
                assert frame["code"] == "invalid_json"
                await before.send(json.dumps({"type": "message", "message": "thanks"}))
                assert (await _reply(before))["type"] == "reply"

            # A socket opened during the outage works too.
            async with websockets.connect(f"{server.ws_url}/ws/chat/ws-during/", origin=origin) as during:
                assert json.loads(await asyncio.wait_for(during.recv(), 10))["type"] == "history"
                await during.send(json.dumps({"type": "message", "message": "What is your return policy?"}))
                frame = await _reply(during)
                assert frame["type"] == "reply" and frame["response"], frame

        asyncio.run(scenario())
        log = server.log_path.read_text(errors="replace")
        assert "locking in the database" in log
        assert '" 500 ' not in log and "status=500" not in log  # no request failed


@pytest.mark.slow
def test_with_redis_unreachable_from_the_start_chat_answers(live_database_url, tmp_path):
    env = server_env(DATABASE_URL=live_database_url, REDIS_URL=dead_redis_url())
    with live_daphne(env, tmp_path) as server:
        for session_id in ("never-1", "never-1", "never-2"):
            _assert_normal_reply(*_post_chat(server, session_id, "Can I cancel ORD-4567?"))
        started = time.monotonic()
        status, body = _readyz(server)
        assert status == 503 and body["failing"] == ["cache"]
        assert time.monotonic() - started < 1.5
