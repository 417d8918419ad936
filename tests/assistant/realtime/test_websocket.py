"""The chat websocket, frame by frame, through Channels' WebsocketCommunicator.

The whole ASGI websocket stack runs (origin check, auth middleware, URL routing, the
consumer, the engine, the database); only the network socket is replaced.
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from assistant import metrics
from assistant.models import Message
from assistant.realtime.consumers import CLOSE_FLOODING, CLOSE_INVALID_SESSION
from tests.assistant.realtime.sockets import (
    TIMEOUT,
    application,
    open_socket,
    open_with_history,
    receive,
    receive_issued_token,
)

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


async def test_a_new_session_receives_an_empty_history_on_connect():
    communicator, messages = await open_with_history("brand-new")
    assert messages == []
    await communicator.disconnect()


async def test_a_message_gets_typing_at_once_then_the_engine_reply():
    communicator, _ = await open_with_history()
    await communicator.send_json_to({"type": "message", "message": "Where is my order ORD-4567?"})
    assert await receive(communicator) == {"type": "typing"}
    await receive_issued_token(communicator)  # a new conversation: its secret, to this socket
    reply = await receive(communicator)
    assert reply["type"] == "reply"
    assert {"response", "agent", "tool_calls", "handover", "id"} <= reply.keys()
    assert reply["response"] and reply["agent"]
    assert isinstance(reply["tool_calls"], list)
    stored = await database_sync_to_async(Message.objects.get)(pk=reply["id"])
    assert stored.content == reply["response"]
    await communicator.disconnect()


async def test_a_reconnecting_socket_resumes_the_conversation_from_history():
    first, _ = await open_with_history("resume-me")
    await first.send_json_to({"type": "message", "message": "Hello there"})
    await receive(first)  # typing
    token = await receive_issued_token(first)
    reply = await receive(first)
    await first.disconnect()

    second, messages = await open_with_history("resume-me", token)
    assert [(m["role"], m["content"]) for m in messages] == [
        ("user", "Hello there"),
        ("assistant", reply["response"]),
    ]
    assert messages[1]["agent"] == reply["agent"]
    await second.disconnect()


async def test_a_frame_that_is_not_json_gets_an_error_and_the_socket_stays_usable():
    communicator, _ = await open_with_history()
    await communicator.send_to(text_data="this is {not json")
    error = await receive(communicator)
    assert error["type"] == "error" and error["code"] == "invalid_json" and error["message"]
    await communicator.send_json_to({"type": "message", "message": "Hello"})
    assert (await receive(communicator))["type"] == "typing"
    await receive_issued_token(communicator)
    assert (await receive(communicator))["type"] == "reply"
    await communicator.disconnect()


@pytest.mark.parametrize(
    "frame, code",
    [
        ([1, 2, 3], "invalid_frame"),
        ("just a string", "invalid_frame"),
        ({"message": "no type"}, "unknown_type"),
        ({"type": "subscribe", "message": "hi"}, "unknown_type"),
        ({"type": "message"}, "required"),
        ({"type": "message", "message": 42}, "invalid_type"),
        ({"type": "message", "message": "   "}, "blank"),
        ({"type": "message", "message": "x" * 2001}, "too_long"),
    ],
)
async def test_an_invalid_frame_gets_an_error_with_its_code(frame, code):
    communicator, _ = await open_with_history()
    await communicator.send_to(text_data=json.dumps(frame))
    error = await receive(communicator)
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    assert await communicator.receive_nothing(timeout=0.05)
    await communicator.disconnect()


async def test_a_message_of_exactly_2000_characters_is_answered():
    communicator, _ = await open_with_history()
    await communicator.send_json_to({"type": "message", "message": "a" * 2000})
    assert (await receive(communicator))["type"] == "typing"
    await receive_issued_token(communicator)
    assert (await receive(communicator))["type"] == "reply"
    await communicator.disconnect()


async def test_a_binary_frame_gets_an_error():
    communicator, _ = await open_with_history()
    await communicator.send_to(bytes_data=b"\x00\x01binary")
    error = await receive(communicator)
    assert error["code"] == "binary_not_supported"
    await communicator.disconnect()


async def test_a_huge_frame_is_refused_before_it_is_parsed():
    communicator, _ = await open_with_history()
    await communicator.send_to(text_data="[" * 100_000)
    error = await receive(communicator)
    assert error["code"] == "frame_too_large"
    await communicator.disconnect()


async def test_an_invalid_session_id_gets_an_error_and_close_code_4400():
    communicator = await open_socket("bad%20id!")
    error = await receive(communicator)
    assert error["code"] == "invalid_session_id"
    closed = await communicator.receive_output(timeout=TIMEOUT)
    assert closed["type"] == "websocket.close" and closed["code"] == CLOSE_INVALID_SESSION
    await communicator.disconnect()


async def test_a_flooding_client_is_throttled_then_closed_with_4429(settings):
    settings.CHAT_WS_RATE_BURST = 3
    settings.CHAT_WS_RATE_PER_SECOND = 0.01
    settings.CHAT_WS_FLOOD_STRIKES = 2
    communicator, _ = await open_with_history()
    for _ in range(3):  # the burst is answered (errors here: wrong type, cheap)
        await communicator.send_json_to({"type": "ping"})
        assert (await receive(communicator))["code"] == "unknown_type"
    for _ in range(2):  # over the limit: throttled, still open
        await communicator.send_json_to({"type": "ping"})
        assert (await receive(communicator))["code"] == "rate_limited"
    await communicator.send_json_to({"type": "ping"})
    closed = await communicator.receive_output(timeout=TIMEOUT)
    assert closed["type"] == "websocket.close" and closed["code"] == CLOSE_FLOODING
    await communicator.disconnect()


async def test_every_tab_of_a_session_sees_the_question_and_the_reply():
    tab_a, _ = await open_with_history("two-tabs")
    await tab_a.send_json_to({"type": "message", "message": "Hello"})
    assert await receive(tab_a) == {"type": "typing"}
    token = await receive_issued_token(tab_a)
    assert (await receive(tab_a))["type"] == "reply"
    tab_b, history = await open_with_history("two-tabs", token)  # the widget shares the token
    assert [m["content"] for m in history][0] == "Hello"
    other_session, _ = await open_with_history("someone-else")

    await tab_a.send_json_to({"type": "message", "message": "Do you ship abroad?"})
    assert await receive(tab_a) == {"type": "typing"}
    reply_a = await receive(tab_a)

    assert await receive(tab_b) == {"type": "user_message", "message": "Do you ship abroad?"}
    assert await receive(tab_b) == {"type": "typing"}
    assert await receive(tab_b) == reply_a
    assert await tab_a.receive_nothing(timeout=0.1)  # the sender gets its reply once
    assert await other_session.receive_nothing(timeout=0.1)
    for communicator in (tab_a, tab_b, other_session):
        await communicator.disconnect()


async def test_a_socket_from_a_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(application(), "/ws/chat/s1/", headers=[(b"origin", b"https://evil.example.net")])
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    await communicator.disconnect()


async def test_a_shop_listed_in_widget_allowed_origins_may_connect(settings):
    settings.WIDGET_ALLOWED_ORIGINS = ["https://shop.example.com"]
    allowed = WebsocketCommunicator(application(), "/ws/chat/s1/", headers=[(b"origin", b"https://shop.example.com")])
    assert (await allowed.connect(timeout=TIMEOUT))[0]
    await allowed.disconnect()
    other_port = WebsocketCommunicator(application(), "/ws/chat/s1/", headers=[(b"origin", b"https://shop.example.com:8443")])
    assert not (await other_port.connect(timeout=TIMEOUT))[0]
    await other_port.disconnect()


async def test_the_open_connections_gauge_follows_connects_and_disconnects():
    before = metrics.WEBSOCKET_CONNECTIONS._value.get()
    communicator, _ = await open_with_history()
    assert metrics.WEBSOCKET_CONNECTIONS._value.get() == before + 1
    await communicator.disconnect()
    assert metrics.WEBSOCKET_CONNECTIONS._value.get() == before
