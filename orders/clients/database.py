"""The default order client: this project's own orders, in process, no HTTP."""

from __future__ import annotations

from orders.clients.base import CancelOutcome, InvalidOrderId, OrderRecord, Requester
from orders.policies import is_valid_order_id
from orders.selectors import order_get
from orders.services import order_cancel


class DatabaseOrderClient:
    def get_order(self, order_id: str) -> OrderRecord:
        if not is_valid_order_id(order_id):
            raise InvalidOrderId(order_id)
        return order_get(order_id=order_id)

    def cancel_order(self, order_id: str, *, idempotency_key: str, requester: Requester) -> CancelOutcome:
        if not is_valid_order_id(order_id):
            raise InvalidOrderId(order_id)
        return order_cancel(order_id=order_id, requester=requester, idempotency_key=idempotency_key)
