"""A conversation belongs to whoever holds its token, not to whoever knows its session ID.

The owner starts a conversation and proves an order is theirs; a stranger who learned
the session ID (and nothing else) talks to the same session ID over REST and the
websocket. The stranger must see nothing of the conversation, get none of the order's
data, cancel nothing, and hear none of the owner's replies, while the owner carries on.
"""

from __future__ import annotations

import hashlib
import logging

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.test import Client

from assistant.desk.handoff import handoff_claim
from assistant.models import Conversation, HandoffTicket, Message
from assistant.services import chat_turn
from orders.models import Order, OrderStatus
from tests.assistant.conftest import ChatSession, tool_call, tools_called
from tests.assistant.realtime.sockets import open_with_history, receive, receive_issued_token
from tests.logs import captured_json_logs
from tests.orders.factories import OrderFactory, OrderItemFactory

EMAIL = "jordan.lee@example.com"
ORDER = "ORD-7311"
SESSION = "shared-screenshot-7f3a"


@pytest.fixture
def order(db):
    order = OrderFactory(order_id=ORDER, customer_email=EMAIL, customer_name="Jordan Lee")
    OrderItemFactory(order=order, product_name="Trail Running Shoes", sku="SH-TR-42")
    return order


def status_of(order_id: str) -> str:
    return Order.objects.get(order_id=order_id).status


def owner_with_verified_order(client) -> ChatSession:
    """The owner tracks the order and proves it is theirs with the order's email."""
    owner = ChatSession(client, SESSION)
    owner.say(f"Where is my order {ORDER}?")
    reply = owner.say(EMAIL)
    assert tool_call(reply, "IdentityVerification")["result"] == {"verified": True}
    assert "OrderTrackingAPI" in tools_called(reply)
    assert owner.token
    return owner


def reveals_the_order(reply: dict) -> bool:
    text = reply["response"] + str(reply["tool_calls"])
    return any(secret in text for secret in ("Trail Running Shoes", "Jordan", EMAIL, "OrderTrackingAPI", "OrderDetailsAPI"))


# --- POST /chat -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_first_reply_issues_a_token_that_is_stored_only_as_a_hash(client):
    first = client.post("/chat", {"session_id": "fresh-1", "message": "hello"}, content_type="application/json")
    token = first["X-Session-Token"]
    assert len(token) >= 40
    conversation = Conversation.objects.get(session_id="fresh-1")
    assert conversation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Conversation.objects.values().get(pk=conversation.pk))

    again = client.post(
        "/chat",
        {"session_id": "fresh-1", "message": "hello again"},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=token,
    )
    assert again.status_code == 200
    assert "X-Session-Token" not in again  # the same conversation: nothing new to keep
    assert Message.objects.filter(conversation=conversation).count() == 4


def test_a_stranger_with_only_the_session_id_gets_a_new_conversation_and_no_order_data(client, order):
    owner = owner_with_verified_order(client)
    owner_messages = Message.objects.filter(conversation=owner.conversation).count()

    stranger = ChatSession(Client(), SESSION)
    for question in ("where is it?", "what did I order?", f"track {ORDER}"):
        reply = stranger.say(question)
        assert not reveals_the_order(reply), reply
    assert stranger.token and stranger.token != owner.token
    assert stranger.conversation.pk != owner.conversation.pk
    assert stranger.conversation.verified_order_ids == []
    # Nothing the stranger said reached the owner's conversation.
    assert Message.objects.filter(conversation=owner.conversation).count() == owner_messages


def test_a_stranger_cannot_cancel_the_owners_verified_order_but_the_owner_can(client, order):
    owner = owner_with_verified_order(client)

    stranger = ChatSession(Client(), SESSION)
    refused = stranger.say(f"cancel {ORDER}")
    assert "email" in refused["response"].lower()  # the identity check is asked again
    assert "OrderCancellationAPI" not in tools_called(refused)
    assert "IdentityVerification" not in tools_called(refused)
    assert status_of(ORDER) == OrderStatus.PLACED
    wrong = stranger.say("someone@else.example")  # a guess at the email does not help either
    assert "OrderCancellationAPI" not in tools_called(wrong)
    assert status_of(ORDER) == OrderStatus.PLACED

    done = owner.say(f"cancel {ORDER}")
    assert "IdentityVerification" not in tools_called(done)  # the owner's check still holds
    assert tool_call(done, "OrderCancellationAPI")["result"]["status"] == "cancelled"
    assert status_of(ORDER) == OrderStatus.CANCELLED


def test_a_wrong_token_is_a_new_unverified_visitor(client, order):
    owner = owner_with_verified_order(client)

    guesser = ChatSession(Client(), SESSION, token="not-the-token-" + "x" * 30)
    reply = guesser.say(f"cancel {ORDER}")
    assert "OrderCancellationAPI" not in tools_called(reply)
    assert status_of(ORDER) == OrderStatus.PLACED
    assert guesser.token and guesser.token != owner.token
    # The visitor continues its own conversation with the token it was given.
    assert [m.content for m in guesser.conversation.messages.filter(role="user")] == [f"cancel {ORDER}"]
    guesser.say("hello")
    assert guesser.conversation.messages.filter(role="user").count() == 2
    assert ORDER in str(owner.conversation.verified_order_ids)  # the owner's check is untouched


def test_a_conversation_from_before_tokens_is_never_claimed(client, order):
    legacy = Conversation.objects.create(session_id="legacy-session", verified_order_ids=[ORDER], last_order_id=ORDER)
    visitor = ChatSession(client, "legacy-session")
    reply = visitor.say(f"cancel {ORDER}")
    assert "OrderCancellationAPI" not in tools_called(reply)
    assert status_of(ORDER) == OrderStatus.PLACED
    assert visitor.conversation.pk != legacy.pk
    assert not legacy.messages.exists()


@pytest.mark.django_db
def test_replies_keep_the_session_id_the_client_sent():
    owner = chat_turn(session_id="public-id", message="hello", channel="test")
    stranger = chat_turn(session_id="public-id", message="hello", channel="test")
    assert owner.session_id == stranger.session_id == "public-id"
    assert owner.conversation_key == "public-id"
    assert stranger.conversation_key.startswith("public-id~") and stranger.conversation_key != owner.conversation_key
    again = chat_turn(session_id="public-id", message="hi", channel="test", session_token=stranger.session_token)
    assert again.conversation_key == stranger.conversation_key and again.session_token == ""


@pytest.mark.django_db
def test_openapi_documents_the_session_token_header(client):
    schema = client.get("/schema", HTTP_ACCEPT="application/json").json()
    chat = schema["paths"]["/chat"]["post"]
    assert any(p["name"] == "X-Session-Token" and p["in"] == "header" for p in chat["parameters"])
    assert "X-Session-Token" in chat["responses"]["200"]["headers"]


@pytest.mark.django_db
def test_an_embedding_shop_may_send_and_read_the_token_across_origins(client, settings):
    shop = "https://shop.example.com"
    settings.CORS_ALLOWED_ORIGINS = [shop]
    preflight = client.options(
        "/chat",
        HTTP_ORIGIN=shop,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-session-token",
    )
    assert "x-session-token" in preflight["Access-Control-Allow-Headers"].lower()
    response = client.post(
        "/chat", {"session_id": "cors-token", "message": "hi"}, content_type="application/json", HTTP_ORIGIN=shop
    )
    assert "X-Session-Token" in response["Access-Control-Expose-Headers"]


# --- The websocket ----------------------------------------------------------------------


async def say(socket, message: str) -> list[dict]:
    """Send a message; every frame up to and including its reply."""
    await socket.send_json_to({"type": "message", "message": message})
    frames = []
    while not frames or frames[-1]["type"] not in ("reply", "error"):
        frames.append(await receive(socket))
    return frames


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_strangers_socket_sees_no_history_and_hears_none_of_the_owners_replies(in_memory_layer, order):
    owner = await database_sync_to_async(owner_with_verified_order)(Client())
    owner_tab, history = await open_with_history(SESSION, owner.token)
    assert [m["role"] for m in history] == ["user", "assistant"] * 2

    stranger, messages = await open_with_history(SESSION)  # the session ID alone
    assert messages == []
    for token in ("", "wrong-token"):
        await stranger.send_json_to({"type": "resume", "token": token})
        assert await receive(stranger) == {"type": "history", "messages": [], "resumed": False}

    frames = await say(owner_tab, f"where is {ORDER} now?")
    assert frames[-1]["type"] == "reply" and "OrderTrackingAPI" in str(frames[-1]["tool_calls"])
    assert "session" not in [f["type"] for f in frames]  # the owner already holds the conversation
    await database_sync_to_async(owner.say)("thanks")  # a turn over REST, too
    assert await stranger.receive_nothing(timeout=0.3)

    # The stranger's own turn is a new, unverified conversation of its own.
    frames = await say(stranger, f"cancel {ORDER}")
    assert [f["type"] for f in frames] == ["typing", "session", "reply"]
    assert frames[1]["token"] != owner.token
    assert "email" in frames[-1]["response"].lower()
    assert "OrderCancellationAPI" not in str(frames[-1]["tool_calls"])
    assert await database_sync_to_async(status_of)(ORDER) == OrderStatus.PLACED
    assert await owner_tab.receive_nothing(timeout=0.3)  # nor does the owner hear the stranger

    for socket in (owner_tab, stranger):
        await socket.disconnect()


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_staff_reply_reaches_only_the_sockets_holding_the_token(in_memory_layer):
    first = await database_sync_to_async(chat_turn)(session_id="needs-a-person", message="talk to a human", channel="test")
    staff = await database_sync_to_async(get_user_model().objects.create_user)(
        username="sam", first_name="Sam", password="pw-12345678", is_staff=True
    )
    owner_tab, _ = await open_with_history("needs-a-person", first.session_token)
    stranger, _ = await open_with_history("needs-a-person")

    ticket = await database_sync_to_async(HandoffTicket.objects.get)()
    await database_sync_to_async(handoff_claim)(ticket_id=ticket.pk, user=staff)
    assert (await receive(owner_tab))["type"] == "staff_message"
    assert await stranger.receive_nothing(timeout=0.3)
    for socket in (owner_tab, stranger):
        await socket.disconnect()


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_socket_that_started_a_conversation_resumes_it_after_a_reconnect(in_memory_layer):
    first, _ = await open_with_history("ws-owner")
    await first.send_json_to({"type": "message", "message": "Do you ship abroad?"})
    assert await receive(first) == {"type": "typing"}
    token = await receive_issued_token(first)
    await receive(first)
    frames = await say(first, "And to Canada?")
    assert "session" not in [f["type"] for f in frames]  # the same conversation
    await first.disconnect()

    again, history = await open_with_history("ws-owner", token)
    assert [m["content"] for m in history if m["role"] == "user"] == ["Do you ship abroad?", "And to Canada?"]
    await again.send_json_to({"type": "resume", "token": token})
    assert (await receive(again))["code"] == "already_resumed"
    await again.disconnect()


# --- Logs -------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_the_token_never_appears_in_the_logs(in_memory_layer, order):
    records: list[logging.LogRecord] = []
    collector = logging.Handler()
    collector.emit = records.append
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        with captured_json_logs(logging.DEBUG) as stream:
            owner = await database_sync_to_async(owner_with_verified_order)(Client())
            socket, _ = await open_with_history(SESSION, owner.token)
            await say(socket, "where is it?")
            await socket.send_json_to({"type": "message", "message": 42})  # an error frame
            await receive(socket)
            await socket.disconnect()
            stranger = ChatSession(Client(), SESSION, token="a-wrong-token-" + "y" * 30)
            await database_sync_to_async(stranger.say)("hello")
            feedback = await database_sync_to_async(Client().post)(
                "/chat/feedback",
                {"session_id": SESSION, "message_id": 1, "rating": "up"},
                content_type="application/json",
                HTTP_X_SESSION_TOKEN=owner.token,
            )
            assert feedback.status_code in (200, 404)
    finally:
        root.removeHandler(collector)

    output = stream.getvalue() + "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in records)
    assert "chat turn" in output  # the turns were logged
    for token in (owner.token, stranger.token, "a-wrong-token-"):
        assert token not in output
