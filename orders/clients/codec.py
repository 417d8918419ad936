"""The order API's JSON shapes, in one place.

The API writes these shapes, the idempotency store keeps them, and the HTTP backend reads
them back; one encoder and one strict decoder keep the three in step. The decoder raises
``MalformedPayload`` for anything that is not exactly the promised shape, so a remote
system's nonsense never reaches an agent as a half-filled record.
"""

from __future__ import annotations

from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from orders.clients.base import CancelOutcome, CancelStatus, OrderItemRecord, OrderRecord
from orders.policies import is_valid_order_id

CANCEL_STATUSES = {CancelStatus.CANCELLED, CancelStatus.ALREADY_CANCELLED, CancelStatus.NOT_CANCELLABLE}


class MalformedPayload(ValueError):
    """A JSON body that is not the shape the order API promises."""


def _iso_utc(value: datetime | None) -> str | None:
    return value.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z") if value else None


def order_to_dict(order: OrderRecord) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "status": order.status,
        "placed_at": _iso_utc(order.placed_at),
        "cancelled_at": _iso_utc(order.cancelled_at),
        "eta": order.eta.isoformat() if order.eta else None,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "total": str(order.total),
        "currency": order.currency,
        "customer_name": order.customer_name,
        "customer_email": order.customer_email,
        "items": [
            {
                "product_name": item.product_name,
                "sku": item.sku,
                "quantity": item.quantity,
                "unit_price": str(item.unit_price),
            }
            for item in order.items
        ],
    }


def outcome_to_dict(outcome: CancelOutcome) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "reason": outcome.reason,
        "refunded": outcome.refunded,
        "order": order_to_dict(outcome.order),
    }


# --- Strict decoding -------------------------------------------------------------------


def _field(data: dict, name: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
    if name not in data:
        if optional:
            return None
        raise MalformedPayload(f"missing field {name!r}")
    value = data[name]
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise MalformedPayload(f"field {name!r} has the wrong type")
    return value


def _datetime(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedPayload(f"field {name!r} is not an ISO 8601 datetime") from None
    if parsed.tzinfo is None:
        raise MalformedPayload(f"field {name!r} has no time zone")
    return parsed.astimezone(dt_timezone.utc)


def _decimal(value: str | int | float, name: str) -> Decimal:
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise MalformedPayload(f"field {name!r} is not a number") from None
    if not parsed.is_finite():
        raise MalformedPayload(f"field {name!r} is not a finite number")
    return parsed


def order_from_dict(data: Any) -> OrderRecord:
    if not isinstance(data, dict):
        raise MalformedPayload("an order must be a JSON object")
    order_id = _field(data, "order_id", str)
    if not is_valid_order_id(order_id):
        raise MalformedPayload("field 'order_id' is not a valid order ID")
    eta_raw = _field(data, "eta", str, optional=True)
    try:
        eta = date.fromisoformat(eta_raw) if eta_raw else None
    except ValueError:
        raise MalformedPayload("field 'eta' is not an ISO 8601 date") from None
    items_raw = _field(data, "items", list, optional=True) or []
    items = []
    for raw in items_raw:
        if not isinstance(raw, dict):
            raise MalformedPayload("an order item must be a JSON object")
        items.append(
            OrderItemRecord(
                product_name=_field(raw, "product_name", str),
                sku=_field(raw, "sku", str, optional=True) or "",
                quantity=_field(raw, "quantity", int),
                unit_price=_decimal(_field(raw, "unit_price", (str, int, float)), "unit_price"),
            )
        )
    return OrderRecord(
        order_id=order_id,
        status=_field(data, "status", str),
        placed_at=_datetime(_field(data, "placed_at", str), "placed_at"),
        cancelled_at=_datetime(_field(data, "cancelled_at", str, optional=True), "cancelled_at"),
        eta=eta,
        carrier=_field(data, "carrier", str, optional=True) or "",
        tracking_number=_field(data, "tracking_number", str, optional=True) or "",
        total=_decimal(_field(data, "total", (str, int, float)), "total"),
        currency=_field(data, "currency", str, optional=True) or "USD",
        customer_name=_field(data, "customer_name", str, optional=True) or "",
        customer_email=_field(data, "customer_email", str, optional=True) or "",
        items=tuple(items),
    )


def outcome_from_dict(data: Any, *, replayed: bool = False) -> CancelOutcome:
    if not isinstance(data, dict):
        raise MalformedPayload("a cancel outcome must be a JSON object")
    status = _field(data, "status", str)
    if status not in CANCEL_STATUSES:
        raise MalformedPayload(f"unknown cancel status {status!r}")
    return CancelOutcome(
        status=status,
        order=order_from_dict(_field(data, "order", dict)),
        refunded=bool(_field(data, "refunded", bool, optional=True)),
        reason=_field(data, "reason", str, optional=True) or "",
        replayed=replayed,
    )
