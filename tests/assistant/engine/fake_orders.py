"""An in-memory order client for the engine's unit tests (the real clients have their own tests)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.domain import (
    CancelOutcome,
    CancelStatus,
    OrderItemRecord,
    OrderNotFound,
    OrderRecord,
    OrderStatus,
    OrderSystemUnavailable,
    Requester,
    cancellation_refusal,
)


class FakeOrderClient:
    def __init__(self, *orders: OrderRecord, down: bool = False):
        self.orders = {order.order_id: order for order in orders}
        self.cancel_calls: list[str] = []
        self.down = down

    def get_order(self, order_id: str) -> OrderRecord:
        if self.down:
            raise OrderSystemUnavailable(reason="timeout")
        try:
            return self.orders[order_id]
        except KeyError:
            raise OrderNotFound(order_id) from None

    def cancel_order(self, order_id: str, *, idempotency_key: str, requester: Requester) -> CancelOutcome:
        order = self.get_order(order_id)
        self.cancel_calls.append(order_id)
        refusal = cancellation_refusal(status=order.status, placed_at=order.placed_at)
        if refusal == OrderStatus.CANCELLED:
            return CancelOutcome(status=CancelStatus.ALREADY_CANCELLED, order=order)
        if refusal is not None:
            return CancelOutcome(status=CancelStatus.NOT_CANCELLABLE, order=order, reason=refusal)
        cancelled = replace(order, status=OrderStatus.CANCELLED.value, cancelled_at=timezone.now())
        self.orders[order_id] = cancelled
        return CancelOutcome(status=CancelStatus.CANCELLED, order=cancelled, refunded=True)


def order(
    order_id: str = "ORD-4567",
    *,
    status: str = "placed",
    age: timedelta = timedelta(hours=1),
    email: str = "sam@example.com",
    product: str = "Aura Bluetooth Headphones",
    total: str = "129.00",
) -> OrderRecord:
    return OrderRecord(
        order_id=order_id,
        status=status,
        placed_at=timezone.now() - age,
        customer_name="Sam",
        customer_email=email,
        total=Decimal(total),
        items=(OrderItemRecord(product_name=product, sku="SKU-1", quantity=1, unit_price=Decimal(total)),),
    )
