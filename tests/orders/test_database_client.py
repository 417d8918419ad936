"""The default (in-process) order client the agents use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.session_hash import session_hash
from orders.clients import get_order_client
from orders.clients.database import DatabaseOrderClient
from orders.domain import IdempotencyKeyReused, InvalidOrderId, OrderNotFound, Requester
from orders.models import CancellationAudit
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db
CHAT = Requester(channel="chat", session_id="sess-1")


def test_database_backend_is_the_default():
    assert isinstance(get_order_client(), DatabaseOrderClient)


def test_get_order_returns_the_record_with_items():
    order = OrderFactory(order_id="ORD-4567")
    OrderItemFactory(order=order, product_name="Kettle")
    record = DatabaseOrderClient().get_order("ORD-4567")
    assert (record.order_id, record.product_names) == ("ORD-4567", ["Kettle"])


def test_typed_errors_for_bad_and_unknown_ids():
    client = DatabaseOrderClient()
    with pytest.raises(InvalidOrderId):
        client.get_order("ORD-45")
    with pytest.raises(OrderNotFound):
        client.get_order("ORD-9999")
    with pytest.raises(OrderNotFound):
        client.cancel_order("ORD-9999", idempotency_key="k", requester=CHAT)


def test_chat_cancel_is_audited_with_session_and_user(django_user_model):
    user = django_user_model.objects.create_user(username="ann")
    OrderFactory(order_id="ORD-4567")
    requester = Requester(channel="websocket", session_id="sess-9", user_id=user.pk)

    outcome = DatabaseOrderClient().cancel_order("ORD-4567", idempotency_key="turn-1", requester=requester)

    assert outcome.status == "cancelled"
    audit = CancellationAudit.objects.get()
    # The row keeps the session ID's keyed hash, never the ID (core/session_hash.py).
    assert (audit.channel, audit.session_id, audit.user, audit.idempotency_key) == (
        "websocket",
        session_hash("sess-9"),
        user,
        "turn-1",
    )


def test_unknown_user_id_does_not_block_the_cancellation():
    OrderFactory(order_id="ORD-4567")
    outcome = DatabaseOrderClient().cancel_order(
        "ORD-4567", idempotency_key="k", requester=Requester(channel="chat", user_id=987654)
    )
    assert outcome.status == "cancelled"
    assert CancellationAudit.objects.get().user is None


def test_retried_cancel_with_same_key_replays_first_answer():
    OrderFactory(order_id="ORD-4567", placed_at=timezone.now() - timedelta(hours=1))
    client = DatabaseOrderClient()
    first = client.cancel_order("ORD-4567", idempotency_key="k", requester=CHAT)
    again = client.cancel_order("ORD-4567", idempotency_key="k", requester=CHAT)
    assert (first.status, first.replayed) == ("cancelled", False)
    assert (again.status, again.replayed, again.refunded) == ("cancelled", True, True)
    assert again.order == first.order
    assert CancellationAudit.objects.count() == 1


def test_same_key_for_another_order_is_refused():
    OrderFactory(order_id="ORD-4567")
    OrderFactory(order_id="ORD-4568")
    client = DatabaseOrderClient()
    client.cancel_order("ORD-4567", idempotency_key="k", requester=CHAT)
    with pytest.raises(IdempotencyKeyReused):
        client.cancel_order("ORD-4568", idempotency_key="k", requester=CHAT)


def test_old_idempotency_records_are_pruned_and_recent_ones_kept():
    from django.core.management import call_command

    from orders.models import IdempotencyRecord

    OrderFactory(order_id="ORD-4567")
    OrderFactory(order_id="ORD-4568")
    client = DatabaseOrderClient()
    client.cancel_order("ORD-4567", idempotency_key="old", requester=CHAT)
    client.cancel_order("ORD-4568", idempotency_key="new", requester=CHAT)
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=8))

    call_command("prune_idempotency_records", "--days", "7")

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
