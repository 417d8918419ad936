"""A turn that fails never half-acts: input checks before any tool, and a side effect that
could not be stored is still what the customer's next turn sees."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.test import Client

from assistant.models import Message
from orders.models import Order, OrderStatus
from tests.assistant.conftest import ChatSession, placed_order, tool_call

pytestmark = pytest.mark.django_db

EMAIL = "robin@example.com"


@pytest.fixture
def cancellable_order():
    return placed_order(customer_email=EMAIL)


def test_a_lone_surrogate_is_refused_before_any_tool_runs(client, cancellable_order):
    body = '{"session_id": "surrogate-1", "message": "cancel ORD-4567 robin@example.com \\ud800"}'
    response = client.post("/chat", body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in str(response.json())
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.PLACED


def test_a_cancellation_whose_turn_could_not_be_stored_is_what_the_next_turn_sees(cancellable_order, monkeypatch):
    chat = ChatSession(Client(raise_request_exception=False))
    chat.say(f"where is ORD-4567? {EMAIL}")
    chat.say("please cancel it")  # inferred from context: a confirmation question

    real_bulk_create = Message.objects.bulk_create
    calls = {"n": 0}

    def failing_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise DatabaseError("disk full")
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(Message.objects, "bulk_create", failing_once)
    failed = chat.client.post(
        "/chat", {"session_id": chat.session_id, "message": "yes"}, content_type="application/json", **chat.headers()
    )
    assert failed.status_code >= 500
    assert failed["Content-Type"].startswith("application/json")
    # The side effect stands ...
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.CANCELLED

    # ... and the next turn reflects it instead of acting again.
    again = chat.say("yes")
    assert tool_call(again, "OrderCancellationAPI")["result"]["status"] == "already_cancelled"
    assert "already cancelled" in again["response"]
