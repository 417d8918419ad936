"""The order-client interface the assistant's agents see.

Two backends implement it: ``DatabaseOrderClient`` (this project's own orders, in
process) and ``HttpOrderClient`` (any order system that speaks this project's order
API). Agents never see which one they talk to; they get the records and typed errors of
``orders/domain.py``.
"""

from __future__ import annotations

from typing import Protocol

from orders.domain import CancelOutcome, OrderRecord, Requester


class OrderClient(Protocol):
    def get_order(self, order_id: str) -> OrderRecord: ...

    def cancel_order(self, order_id: str, *, idempotency_key: str, requester: Requester) -> CancelOutcome: ...
