from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


class ChatSession:
    """A customer talking to ``POST /chat`` with one session ID."""

    def __init__(self, client, session_id: str | None = None):
        self.client = client
        self.session_id = session_id or f"test-{uuid.uuid4().hex[:12]}"
        self.replies: list[dict] = []

    def say(self, message: str) -> dict:
        response = self.client.post(
            "/chat", {"session_id": self.session_id, "message": message}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"response", "agent", "tool_calls", "handover"}
        self.replies.append(body)
        return body

    @property
    def conversation(self):
        from assistant.models import Conversation

        return Conversation.objects.get(session_id=self.session_id)


@pytest.fixture
def chat(client):
    return ChatSession(client)


@pytest.fixture
def demo_kb(db):
    """The demo shop's FAQ, as a shop would have it."""
    call_command("loaddata", str(Path(settings.BASE_DIR) / "fixtures" / "demo_faq.json"), verbosity=0)


def tools_called(reply: dict) -> list[str]:
    return [call["tool"] for call in reply["tool_calls"]]


def tool_call(reply: dict, tool: str) -> dict:
    calls = [call for call in reply["tool_calls"] if call["tool"] == tool]
    assert calls, f"{tool} was not called: {tools_called(reply)}"
    return calls[-1]
