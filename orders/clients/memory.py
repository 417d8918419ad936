"""An order system held in memory: what the engine's unit tests and the language evaluation
(``assistant.engine.language_evaluation``) run turns against, without a database or HTTP.

It applies the same cancellation rule as the real clients (``orders.domain``) and records
every cancel call, so a caller can check that nothing was cancelled that should not be.
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from orders.domain import (
    CancelOutcome,
    CancelStatus,
    OrderNotFound,
    OrderRecord,
    OrderStatus,
    OrderSystemUnavailable,
    Requester,
    cancellation_refusal,
)


class InMemoryOrderClient:
    """``orders`` by id; ``down``: every call fails as an unreachable order system does."""

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
