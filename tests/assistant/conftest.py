from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from orders.models import OrderStatus
from tests.orders.factories import OrderFactory, OrderItemFactory


class ChatSession:
    """A customer talking to ``POST /chat`` with one session ID.

    Keeps the session's secret (the ``X-Session-Token`` header of the conversation's first
    reply) and sends it with every later message, as a real client must.
    """

    def __init__(self, client, session_id: str | None = None, token: str = ""):
        self.client = client
        self.session_id = session_id or f"test-{uuid.uuid4().hex[:12]}"
        self.token = token
        self.replies: list[dict] = []

    def headers(self) -> dict:
        return {"HTTP_X_SESSION_TOKEN": self.token} if self.token else {}

    def say(self, message: str, **fields) -> dict:
        """The reply to ``message``; ``fields`` go in the request too (``language="de"``)."""
        response = self.client.post(
            "/chat",
            {"session_id": self.session_id, "message": message, **fields},
            content_type="application/json",
            **self.headers(),
        )
        assert response.status_code == 200, response.content
        self.token = response.headers.get("X-Session-Token") or self.token
        body = response.json()
        assert set(body) == {"response", "agent", "tool_calls", "handover", "language"}
        self.replies.append(body)
        return body

    @property
    def conversation(self):
        from assistant.sessions import conversation_find

        conversation = conversation_find(session_id=self.session_id, token=self.token)
        assert conversation is not None, "this session holds no conversation yet"
        return conversation


@pytest.fixture
def chat(client):
    return ChatSession(client)


@pytest.fixture
def demo_kb(db):
    """The demo shop's FAQ, as a shop would have it."""
    call_command("loaddata", str(Path(settings.BASE_DIR) / "fixtures" / "demo_faq.json"), verbosity=0)


def placed_order(
    order_id: str = "ORD-4567",
    *,
    customer_email: str,
    age: timedelta = timedelta(hours=1),
    status: str = OrderStatus.PLACED,
    product: str = "Aura Bluetooth Headphones",
    item: dict | None = None,
    **fields,
):
    """An order of one ``product``, placed ``age`` ago (by default inside the cancellation window)."""
    order = OrderFactory(
        order_id=order_id, customer_email=customer_email, placed_at=timezone.now() - age, status=status, **fields
    )
    OrderItemFactory(order=order, product_name=product, quantity=1, **(item or {}))
    return order


def tools_called(reply: dict) -> list[str]:
    return [call["tool"] for call in reply["tool_calls"]]


def tool_call(reply: dict, tool: str) -> dict:
    calls = [call for call in reply["tool_calls"] if call["tool"] == tool]
    assert calls, f"{tool} was not called: {tools_called(reply)}"
    return calls[-1]
