"""Messages sent at the same time to one session: none is lost, each turn stays whole."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from assistant.models import Conversation, Message
from assistant.services import chat_turn
from assistant.sessions import token_hash

pytestmark = pytest.mark.django_db(transaction=True)
N = 12


def test_concurrent_messages_to_one_session_are_all_stored_in_whole_turns():
    barrier = threading.Barrier(N)
    # One customer's conversation: every tab presents its token.
    Conversation.objects.create(session_id="busy-session", token_hash=token_hash("busy-token"))

    def send(i: int):
        try:
            barrier.wait(timeout=10)
            return chat_turn(session_id="busy-session", session_token="busy-token", message=f"hello number {i}", channel="test")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=N) as pool:
        replies = list(pool.map(send, range(N)))

    assert len(replies) == N
    messages = list(Message.objects.filter(conversation__session_id="busy-session").order_by("id"))
    assert len(messages) == 2 * N
    # Turns never interleave: every user message is directly followed by its answer.
    assert [m.role for m in messages] == ["user", "assistant"] * N
    assert sorted(m.content for m in messages[::2]) == sorted(f"hello number {i}" for i in range(N))
    assert {m.id for m in messages[1::2]} == {reply.message_id for reply in replies}
