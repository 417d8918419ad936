"""The default order client: this project's own orders, in process, no HTTP."""

from __future__ import annotations

from orders.domain import CancelOutcome, OrderRecord, Requester, order_id_checked
from orders.selectors import order_get
from orders.services import order_cancel


class DatabaseOrderClient:
    def get_order(self, order_id: str) -> OrderRecord:
        return order_get(order_id=order_id_checked(order_id))

    def cancel_order(self, order_id: str, *, idempotency_key: str, requester: Requester) -> CancelOutcome:
        return order_cancel(order_id=order_id_checked(order_id), requester=requester, idempotency_key=idempotency_key)
