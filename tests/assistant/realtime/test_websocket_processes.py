"""Several server processes: two daphne processes on two ports share one Redis (the
channel layer and the cache) and one PostgreSQL database. A message sent through one
process is answered on a socket connected to the other.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import uuid
from pathlib import Path

import pytest
import websockets

from tests.live_daphne import live_daphne, postgres_database, prepare_demo_database, server_env

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

TIMEOUT = 15


async def next_frame(socket) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))


async def converse(url_a: str, url_b: str, origin: str, session_id: str) -> tuple[list[dict], list[dict]]:
    path = f"/ws/chat/{session_id}/"
    async with websockets.connect(url_b + path, origin=origin) as tab_b, websockets.connect(url_a + path, origin=origin) as tab_a:
        assert (await next_frame(tab_b))["type"] == "history"
        assert (await next_frame(tab_a))["type"] == "history"
        # Tab A starts the conversation and is issued its token; tab B (another process)
        # presents it, as the widget's tabs share it, and from then on hears every turn.
        await tab_a.send(json.dumps({"type": "message", "message": "Hello"}))
        started = [await next_frame(tab_a) for _ in range(3)]
        assert [frame["type"] for frame in started] == ["typing", "session", "reply"]
        await tab_b.send(json.dumps({"type": "resume", "token": started[1]["token"]}))
        resumed = await next_frame(tab_b)
        assert resumed["type"] == "history" and resumed["resumed"] is True and len(resumed["messages"]) == 2
        await tab_a.send(json.dumps({"type": "message", "message": "Where is my order ORD-4567?"}))
        frames_a = [await next_frame(tab_a), await next_frame(tab_a)]
        frames_b = [await next_frame(tab_b), await next_frame(tab_b), await next_frame(tab_b)]
        return frames_a, frames_b


def test_a_reply_reaches_a_socket_of_the_same_session_on_another_server_process(redis_url, postgres_url):
    workdir = Path(tempfile.mkdtemp(prefix="ws-processes-"))
    with postgres_database(postgres_url) as database_url:
        env = server_env(DATABASE_URL=database_url, REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"rt-{uuid.uuid4().hex[:8]}")
        prepare_demo_database(env)
        with live_daphne(env, workdir) as first, live_daphne(env, workdir) as second:
            assert first.port != second.port
            frames_a, frames_b = asyncio.run(
                converse(first.ws_url, second.ws_url, origin=first.http_url, session_id=f"multi-{uuid.uuid4().hex}")
            )

    typing, reply = frames_a
    assert typing == {"type": "typing"}
    assert reply["type"] == "reply" and reply["agent"] == "OrderTrackingAgent"
    assert "email" in reply["response"].lower()
    assert frames_b == [
        {"type": "user_message", "message": "Where is my order ORD-4567?"},
        {"type": "typing"},
        reply,
    ]
