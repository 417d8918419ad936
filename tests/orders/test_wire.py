"""The order API's JSON: what the API writes, the HTTP client reads back exactly, refuses
anything else, and the OpenAPI schema documents field for field."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from orders.domain import CancelOutcome, OrderItemRecord, OrderRecord
from orders.openapi import CancelOutcomeSerializer, OrderOutputSerializer
from orders.wire import (
    CANCEL_OUTCOME,
    ORDER,
    MalformedPayload,
    order_from_dict,
    order_to_dict,
    outcome_from_dict,
    outcome_to_dict,
)

ORDER_RECORD = OrderRecord(
    order_id="ORD-4567",
    status="shipped",
    placed_at=datetime(2026, 1, 1, 12, 30, tzinfo=ZoneInfo("Europe/Berlin")),
    customer_name="Alex Morgan",
    customer_email="alex@example.com",
    eta=date(2026, 1, 5),
    carrier="UPS",
    tracking_number="1Z999",
    total=Decimal("129.50"),
    currency="EUR",
    items=(OrderItemRecord(product_name="Trail shoes", sku="TS-1", quantity=2, unit_price=Decimal("64.75")),),
)


def test_an_order_is_written_with_utc_times_and_money_as_strings():
    assert order_to_dict(ORDER_RECORD) == {
        "order_id": "ORD-4567",
        "status": "shipped",
        "placed_at": "2026-01-01T11:30:00Z",
        "cancelled_at": None,
        "eta": "2026-01-05",
        "carrier": "UPS",
        "tracking_number": "1Z999",
        "total": "129.50",
        "currency": "EUR",
        "customer_name": "Alex Morgan",
        "customer_email": "alex@example.com",
        "items": [{"product_name": "Trail shoes", "sku": "TS-1", "quantity": 2, "unit_price": "64.75"}],
    }


def test_an_order_and_a_cancel_outcome_read_back_as_they_were_written():
    assert order_from_dict(json.loads(json.dumps(order_to_dict(ORDER_RECORD)))) == ORDER_RECORD
    outcome = CancelOutcome(status="not_cancellable", order=ORDER_RECORD, reason="shipped")
    body = json.loads(json.dumps(outcome_to_dict(outcome)))
    assert body.keys() == {"status", "reason", "refunded", "order"}
    assert outcome_from_dict(body, replayed=True) == CancelOutcome(
        status="not_cancellable", order=ORDER_RECORD, reason="shipped", replayed=True
    )


def test_optional_fields_absent_null_or_empty_read_as_their_defaults():
    minimal = {"order_id": "ORD-4567", "status": "placed", "placed_at": "2026-01-01T11:30:00+00:00", "total": 10}
    order = order_from_dict({**minimal, "eta": "", "currency": "", "carrier": None, "items": []})
    assert (order.eta, order.currency, order.carrier, order.items, order.total) == (None, "USD", "", (), Decimal("10"))
    outcome = outcome_from_dict({"status": "cancelled", "order": minimal})
    assert (outcome.refunded, outcome.reason, outcome.replayed) == (False, "", False)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"order_id": None}, "field 'order_id' has the wrong type"),
        ({"order_id": "ORD-45"}, "field 'order_id' is not a valid order ID"),
        ({"total": True}, "field 'total' has the wrong type"),
        ({"total": "NaN"}, "field 'total' is not a finite number"),
        ({"placed_at": "2026-01-01T11:30:00"}, "field 'placed_at' has no time zone"),
        ({"cancelled_at": ""}, "field 'cancelled_at' is not an ISO 8601 datetime"),
        ({"eta": "soon"}, "field 'eta' is not an ISO 8601 date"),
        ({"items": [["Trail shoes"]]}, "an order item must be a JSON object"),
        ({"items": [{"product_name": "Trail shoes", "quantity": 1}]}, "missing field 'unit_price'"),
    ],
)
def test_an_order_that_is_not_exactly_the_promised_shape_is_refused(change, message):
    with pytest.raises(MalformedPayload, match=f"^{message}$"):
        order_from_dict({**order_to_dict(ORDER_RECORD), **change})


def test_a_cancel_outcome_with_an_unknown_status_or_no_order_is_refused():
    order = order_to_dict(ORDER_RECORD)
    with pytest.raises(MalformedPayload, match="unknown cancel status 'refused'"):
        outcome_from_dict({"status": "refused", "order": order})
    with pytest.raises(MalformedPayload, match="missing field 'order'"):
        outcome_from_dict({"status": "cancelled"})
    with pytest.raises(MalformedPayload, match="a cancel outcome must be a JSON object"):
        outcome_from_dict([])


def test_the_schema_documents_exactly_the_fields_the_api_writes():
    assert list(OrderOutputSerializer().fields) == [field.name for field in ORDER.fields]
    assert list(CancelOutcomeSerializer().fields) == [field.name for field in CANCEL_OUTCOME.fields]
    assert list(OrderOutputSerializer().fields["items"].child.fields) == list(order_to_dict(ORDER_RECORD)["items"][0])
    assert CancelOutcomeSerializer().fields["order"].__class__ is OrderOutputSerializer


def test_written_times_are_utc_whatever_zone_the_record_carries():
    record = OrderRecord(
        order_id="ORD-0001",
        status="placed",
        customer_name="",
        customer_email="",
        placed_at=datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("America/New_York")),
        cancelled_at=datetime(2026, 6, 1, 13, 5, tzinfo=dt_timezone.utc),
    )
    body = order_to_dict(record)
    assert (body["placed_at"], body["cancelled_at"]) == ("2026-06-01T13:00:00Z", "2026-06-01T13:05:00Z")
