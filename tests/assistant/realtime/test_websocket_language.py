"""The websocket speaks the customer's language as POST /chat does: the frame's hint, the reply's language."""

from __future__ import annotations

import pytest

from tests.assistant.realtime.sockets import open_with_history, receive, receive_issued_token

pytestmark = [pytest.mark.anyio, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]


async def test_the_frames_hint_decides_a_first_message_that_does_not_tell_and_the_reply_names_it():
    communicator, _ = await open_with_history("ws-lang-hint")
    await communicator.send_json_to({"type": "message", "message": "ORD-1234", "language": "es-MX"})
    assert await receive(communicator) == {"type": "typing"}
    await receive_issued_token(communicator)
    reply = await receive(communicator)
    assert reply["type"] == "reply" and reply["language"] == "es"

    # The conversation keeps it: "ok" without a hint is still Spanish.
    await communicator.send_json_to({"type": "message", "message": "ok"})
    assert await receive(communicator) == {"type": "typing"}
    assert (await receive(communicator))["language"] == "es"
    await communicator.disconnect()


async def test_a_language_the_shop_does_not_serve_is_an_error_frame_naming_the_field():
    communicator, _ = await open_with_history("ws-lang-bad")
    await communicator.send_json_to({"type": "message", "message": "hello", "language": "it"})
    frame = await receive(communicator)
    assert frame["type"] == "error"
    assert frame["field"] == "language" and frame["code"] == "unsupported_language"
    # The socket stays open and answers the same message without the hint.
    await communicator.send_json_to({"type": "message", "message": "hello"})
    assert await receive(communicator) == {"type": "typing"}
    await receive_issued_token(communicator)
    assert (await receive(communicator))["type"] == "reply"
    await communicator.disconnect()


async def test_a_message_in_an_unserved_language_gets_the_polite_english_reply():
    communicator, _ = await open_with_history("ws-lang-unserved")
    await communicator.send_json_to({"type": "message", "message": "Vorrei annullare il mio ordine ORD-4567, per favore."})
    assert await receive(communicator) == {"type": "typing"}
    await receive_issued_token(communicator)
    reply = await receive(communicator)
    assert reply["response"] == "Sorry, I can only help in English, Spanish, German and French."
    assert reply["language"] == "en" and reply["tool_calls"] == []
    await communicator.disconnect()
