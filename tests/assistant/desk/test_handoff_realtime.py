"""A staff member's reply reaches the customer's widget over the websocket, live."""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import uuid
from pathlib import Path

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from assistant.desk.handoff import handoff_claim, handoff_reply
from assistant.models import HandoffTicket
from assistant.services import chat_turn
from tests.assistant.realtime.sockets import open_with_history, receive
from tests.live_daphne import live_daphne, postgres_database, prepare_demo_database, server_env

TIMEOUT = 15


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_staff_reply_reaches_the_customers_socket_and_the_assistant_stays_silent(in_memory_layer):
    session_id = "handoff-ws"
    first = await database_sync_to_async(chat_turn)(session_id=session_id, message="talk to a human", channel="test")
    staff = await database_sync_to_async(get_user_model().objects.create_user)(
        username="maya", first_name="Maya", password="pw-12345678", is_staff=True
    )
    ticket = await database_sync_to_async(HandoffTicket.objects.get)()
    socket, history = await open_with_history(session_id, first.session_token)
    assert [m["role"] for m in history] == ["user", "assistant"]

    await database_sync_to_async(handoff_claim)(ticket_id=ticket.pk, user=staff)
    joined = await receive(socket)
    assert joined["type"] == "staff_message" and joined["staff_name"] == "Maya"

    await database_sync_to_async(handoff_reply)(ticket_id=ticket.pk, user=staff, text="I'm looking at your order now.")
    frame = await receive(socket)
    assert frame == {
        "type": "staff_message",
        "id": frame["id"],
        "message": "I'm looking at your order now.",
        "staff_name": "Maya",
    }

    await socket.send_json_to({"type": "message", "message": "thank you!"})
    assert await receive(socket) == {"type": "typing"}
    silent = await receive(socket)
    assert silent["type"] == "reply" and silent["response"] == "" and silent["agent"] == "HumanHandoffAgent"
    await socket.disconnect()

    # A reload shows the person's messages in the history, marked as staff.
    socket, history = await open_with_history(session_id, first.session_token)
    staff_messages = [m for m in history if m["role"] == "staff"]
    assert staff_messages[-1]["content"] == "I'm looking at your order now."
    assert staff_messages[-1]["author_name"] == "Maya"
    await socket.disconnect()


async def _admin_session(client: httpx.AsyncClient) -> str:
    login = await client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    response = await client.post(
        "/admin/login/?next=/admin/",
        data={"username": "admin", "password": "admin", "csrfmiddlewaretoken": token, "next": "/admin/"},
        headers={"Referer": str(client.base_url) + "/admin/login/"},
    )
    assert response.status_code == 302, response.text[:500]
    return client.cookies["csrftoken"]


async def _staff_takes_over_and_replies(staff_url: str, customer_ws: str, origin: str, session_id: str) -> list[dict]:
    async with websockets.connect(f"{customer_ws}/ws/chat/{session_id}/", origin=origin) as customer:
        assert json.loads(await asyncio.wait_for(customer.recv(), TIMEOUT))["type"] == "history"
        await customer.send(json.dumps({"type": "message", "message": "I want to talk to a human"}))
        frames = [json.loads(await asyncio.wait_for(customer.recv(), TIMEOUT)) for _ in range(3)]
        assert [frame["type"] for frame in frames] == ["typing", "session", "reply"]
        assert frames[2]["agent"] == "HumanHandoffAgent"

        async with httpx.AsyncClient(base_url=staff_url, timeout=TIMEOUT) as staff:
            csrf = await _admin_session(staff)
            inbox = await staff.get("/admin/assistant/handoffticket/")
            ticket_id = re.search(r"/admin/assistant/handoffticket/(\d+)/chat/", inbox.text).group(1)
            chat_url = f"/admin/assistant/handoffticket/{ticket_id}/chat/"
            headers = {"Referer": staff_url + chat_url}
            for action in ({"action": "claim"}, {"action": "reply", "text": "Hi, a person here. How can I help?"}):
                response = await staff.post(chat_url, data={**action, "csrfmiddlewaretoken": csrf}, headers=headers)
                assert response.status_code == 302
        return [json.loads(await asyncio.wait_for(customer.recv(), TIMEOUT)) for _ in range(2)]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_a_reply_from_the_admin_on_one_process_reaches_a_socket_on_another(redis_url, postgres_url):
    workdir = Path(tempfile.mkdtemp(prefix="handoff-processes-"))
    with postgres_database(postgres_url) as database_url:
        env = server_env(DATABASE_URL=database_url, REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"ho-{uuid.uuid4().hex[:8]}")
        prepare_demo_database(env)
        with live_daphne(env, workdir) as staff_process, live_daphne(env, workdir) as customer_process:
            frames = asyncio.run(
                _staff_takes_over_and_replies(
                    staff_process.http_url, customer_process.ws_url, customer_process.http_url, f"ho-{uuid.uuid4().hex}"
                )
            )
    assert [f["type"] for f in frames] == ["staff_message", "staff_message"]
    assert frames[1]["message"] == "Hi, a person here. How can I help?"
