"""The order API as another system sees it: auth, errors, cancel outcomes, idempotency, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import CancellationAudit, IdempotencyRecord, Order, OrderStatus
from tests.orders.factories import ApiKeyFactory, OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_key():
    return ApiKeyFactory(name="assistant")


@pytest.fixture
def api(api_key):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_key.raw_key)
    return client


def cancel(api, order_id, key="key-1", **body):
    return api.post(f"/api/orders/{order_id}/cancel", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_order_detail_shows_status_times_shipping_items_and_total(api):
    order = OrderFactory(order_id="ORD-4567", status=OrderStatus.SHIPPED, carrier="UPS", tracking_number="1Z999", total="129.00")
    OrderItemFactory(order=order, product_name="Trail shoes", sku="TS-1", quantity=2, unit_price="64.50")

    response = api.get("/api/orders/ORD-4567")

    assert response.status_code == 200
    body = response.json()
    assert body["order_id"] == "ORD-4567"
    assert body["status"] == "shipped"
    assert body["placed_at"].endswith("Z")
    assert body["eta"] == order.eta.isoformat()
    assert (body["carrier"], body["tracking_number"], body["total"]) == ("UPS", "1Z999", "129.00")
    assert body["items"] == [{"product_name": "Trail shoes", "sku": "TS-1", "quantity": 2, "unit_price": "64.50"}]


def test_request_without_api_key_is_401():
    OrderFactory(order_id="ORD-4567")
    response = APIClient().get("/api/orders/ORD-4567")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "X-API-Key"


@pytest.mark.parametrize("bad_key", ["nonsense", "ok_abcdef123456.wrong-secret"])
def test_request_with_wrong_api_key_is_403(api_key, bad_key):
    response = APIClient().get("/api/orders/ORD-4567", HTTP_X_API_KEY=bad_key)
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


def test_revoked_api_key_is_403(api, api_key):
    api_key.is_active = False
    api_key.save()
    assert api.get("/api/orders/ORD-4567").status_code == 403


def test_key_with_right_prefix_but_wrong_secret_is_403(api_key):
    forged = api_key.raw_key[:-4] + "AAAA"
    assert APIClient().get("/api/orders/ORD-4567", HTTP_X_API_KEY=forged).status_code == 403


def test_api_key_is_stored_hashed(api_key):
    api_key.refresh_from_db()
    assert api_key.raw_key not in (api_key.key_hash, api_key.prefix)
    assert len(api_key.key_hash) == 64


@pytest.mark.parametrize("order_id", ["ORD-12", "ord-4567", "ORD-45678", "4567", "ORD-45%2067"])
def test_malformed_order_id_is_400(api, order_id):
    response = api.get(f"/api/orders/{order_id}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_order_id"
    assert "ORD-" in body["message"]
    assert cancel(api, order_id).status_code == 400


def test_unknown_order_is_404(api):
    response = api.get("/api/orders/ORD-9999")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "No order ORD-9999."}
    assert cancel(api, "ORD-9999").status_code == 404


def test_recent_order_is_cancelled_and_refunded(api):
    OrderFactory(order_id="ORD-4567", placed_at=timezone.now() - timedelta(hours=2))

    response = cancel(api, "ORD-4567")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["refunded"], body["reason"]) == ("cancelled", True, "")
    assert body["order"]["status"] == "cancelled"
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.CANCELLED


def test_order_older_than_24_hours_is_not_cancellable(api):
    OrderFactory(order_id="ORD-4567", placed_at=timezone.now() - timedelta(hours=24, seconds=1))
    body = cancel(api, "ORD-4567").json()
    assert (body["status"], body["reason"], body["refunded"]) == ("not_cancellable", "window_expired", False)
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.PLACED


def test_shipped_order_is_not_cancellable(api):
    OrderFactory(order_id="ORD-4567", status=OrderStatus.SHIPPED)
    body = cancel(api, "ORD-4567").json()
    assert (body["status"], body["reason"]) == ("not_cancellable", "shipped")


def test_second_cancel_with_a_new_key_is_already_cancelled(api):
    OrderFactory(order_id="ORD-4567")
    cancel(api, "ORD-4567", key="first")
    body = cancel(api, "ORD-4567", key="second").json()
    assert (body["status"], body["refunded"]) == ("already_cancelled", False)


def test_retry_with_the_same_key_replays_the_first_answer_and_does_nothing_more(api):
    OrderFactory(order_id="ORD-4567")
    first = cancel(api, "ORD-4567", key="retry-me")

    retry = cancel(api, "ORD-4567", key="retry-me")

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.json()["status"] == "cancelled"
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert CancellationAudit.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_same_key_for_another_order_is_400(api):
    OrderFactory(order_id="ORD-4567")
    OrderFactory(order_id="ORD-4568")
    cancel(api, "ORD-4567", key="k")
    response = cancel(api, "ORD-4568", key="k")
    assert response.status_code == 400
    assert response.json()["error"] == "idempotency_key_reused"
    assert Order.objects.get(order_id="ORD-4568").status == OrderStatus.PLACED


def test_two_api_keys_may_use_the_same_idempotency_key(api):
    OrderFactory(order_id="ORD-4567")
    OrderFactory(order_id="ORD-4568")
    other = APIClient()
    other.credentials(HTTP_X_API_KEY=ApiKeyFactory(name="other shop tool").raw_key)
    assert cancel(api, "ORD-4567", key="k").json()["status"] == "cancelled"
    assert cancel(other, "ORD-4568", key="k").json()["status"] == "cancelled"


@pytest.mark.parametrize("key", [None, "", "has space", "x" * 256, "naïve"])
def test_cancel_without_a_valid_idempotency_key_is_400(api, key):
    OrderFactory(order_id="ORD-4567")
    extra = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = api.post("/api/orders/ORD-4567/cancel", {}, format="json", **extra)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_idempotency_key"
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.PLACED


@pytest.mark.parametrize(
    "body, content_type",
    [('{"requested_by": ', "application/json"), ("[1, 2]", "application/json"), ("x=1", "text/plain")],
)
def test_malformed_cancel_body_is_400(api, body, content_type):
    OrderFactory(order_id="ORD-4567")
    response = api.post("/api/orders/ORD-4567/cancel", body, content_type=content_type, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400
    assert set(response.json()) >= {"error", "message"}


def test_requested_by_too_long_is_400(api):
    OrderFactory(order_id="ORD-4567")
    response = cancel(api, "ORD-4567", requested_by="x" * 201)
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"requested_by"}


def test_cancel_without_body_works(api):
    OrderFactory(order_id="ORD-4567")
    response = api.post("/api/orders/ORD-4567/cancel", HTTP_IDEMPOTENCY_KEY="k")
    assert response.json()["status"] == "cancelled"


def test_cancellation_is_audited_with_api_key_channel_and_caller(api, api_key):
    OrderFactory(order_id="ORD-4567")
    cancel(api, "ORD-4567", key="audit-key", requested_by="chat session 8f2c")

    audit = CancellationAudit.objects.get()
    assert audit.order.order_id == "ORD-4567"
    assert (audit.outcome, audit.channel, audit.api_key, audit.requested_by, audit.idempotency_key) == (
        "cancelled",
        "api",
        api_key,
        "chat session 8f2c",
        "audit-key",
    )
    assert timezone.now() - audit.created_at < timedelta(seconds=10)


def test_refused_cancel_is_audited_too(api):
    OrderFactory(order_id="ORD-4567", status=OrderStatus.DELIVERED)
    cancel(api, "ORD-4567")
    assert CancellationAudit.objects.get().outcome == "not_cancellable"


def test_schema_documents_both_calls_and_the_api_key(client):
    schema = client.get("/schema", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/orders/{order_id}/cancel" in schema
    assert "/api/orders/{order_id}" in schema
    assert "Idempotency-Key" in schema
    assert "X-API-Key" in schema
