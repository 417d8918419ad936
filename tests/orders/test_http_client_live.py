"""The HTTP backend against this project's own order API, served by a live server.

This is the contract test: what the API writes, the HTTP client reads, so a shop's own
system that answers like ``orders.api`` works with the assistant.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.session_hash import session_hash
from orders.clients import get_order_client
from orders.clients.http import HttpOrderClient
from orders.domain import InvalidOrderId, OrderNotFound, OrderSystemUnavailable, Requester
from orders.models import CancellationAudit, Order, OrderStatus
from tests.orders.factories import ApiKeyFactory, OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_key():
    return ApiKeyFactory(name="assistant over http")


@pytest.fixture
def http_client(live_server, api_key, settings):
    settings.ORDER_CLIENT_BACKEND = "http"
    settings.ORDER_API_BASE_URL = live_server.url
    settings.ORDER_API_KEY = api_key.raw_key
    client = get_order_client()
    assert isinstance(client, HttpOrderClient)
    return client


def test_http_backend_reads_an_order_from_the_live_api(http_client):
    order = OrderFactory(order_id="ORD-4567", status=OrderStatus.SHIPPED, carrier="DHL", tracking_number="JD01")
    OrderItemFactory(order=order, product_name="Desk lamp", quantity=2)

    record = http_client.get_order("ORD-4567")

    assert (record.order_id, record.status, record.carrier, record.tracking_number) == (
        "ORD-4567",
        "shipped",
        "DHL",
        "JD01",
    )
    assert record.product_names == ["Desk lamp"]
    assert record.placed_at == order.placed_at
    assert record.eta == order.eta


def test_http_backend_cancels_once_and_replays_a_retry(http_client, api_key):
    OrderFactory(order_id="ORD-4567", placed_at=timezone.now() - timedelta(hours=3))
    requester = Requester(channel="websocket", session_id="sess-77", user_id=5)

    first = http_client.cancel_order("ORD-4567", idempotency_key="turn-1", requester=requester)
    retry = http_client.cancel_order("ORD-4567", idempotency_key="turn-1", requester=requester)
    other = http_client.cancel_order("ORD-4567", idempotency_key="turn-2", requester=requester)

    assert (first.status, first.refunded, first.replayed) == ("cancelled", True, False)
    assert (retry.status, retry.replayed) == ("cancelled", True)
    assert other.status == "already_cancelled"
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.CANCELLED
    audits = list(CancellationAudit.objects.order_by("id"))
    assert [a.outcome for a in audits] == ["cancelled", "already_cancelled"]
    assert audits[0].api_key == api_key
    assert audits[0].requested_by == f"websocket session={session_hash('sess-77')} user=5"


def test_http_backend_reports_policy_refusals(http_client):
    OrderFactory(order_id="ORD-4567", placed_at=timezone.now() - timedelta(hours=25))
    outcome = http_client.cancel_order("ORD-4567", idempotency_key="k", requester=Requester(channel="chat"))
    assert (outcome.status, outcome.reason) == ("not_cancellable", "window_expired")


def test_http_backend_maps_unknown_and_malformed_ids(http_client):
    with pytest.raises(OrderNotFound):
        http_client.get_order("ORD-9999")
    with pytest.raises(InvalidOrderId):
        http_client.get_order("ORD-99")


def test_wrong_api_key_is_an_unavailable_order_system(live_server):
    client = HttpOrderClient(base_url=live_server.url, api_key="ok_0123456789ab.wrong", timeout_seconds=2)
    with pytest.raises(OrderSystemUnavailable) as error:
        client.get_order("ORD-4567")
    assert error.value.reason == "auth_failed"
    client.close()
