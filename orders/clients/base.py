"""The order-client interface the assistant's agents see.

Two backends implement it: ``DatabaseOrderClient`` (this project's own orders, in
process) and ``HttpOrderClient`` (any order system that speaks this project's order
API). Agents never see which one they talk to; they get records and typed errors.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class OrderItemRecord:
    product_name: str
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderRecord:
    order_id: str
    status: str
    placed_at: datetime
    customer_name: str
    customer_email: str
    eta: date | None = None
    cancelled_at: datetime | None = None
    carrier: str = ""
    tracking_number: str = ""
    total: Decimal = Decimal("0.00")
    currency: str = "USD"
    items: tuple[OrderItemRecord, ...] = field(default_factory=tuple)

    @property
    def product_names(self) -> list[str]:
        return [item.product_name for item in self.items]


@dataclass(frozen=True)
class Requester:
    """Who asked for a change, for the audit trail: a chat session, a user or an API key."""

    channel: str  # "chat", "websocket", "api", "admin"
    session_id: str = ""
    user_id: int | None = None
    api_key_name: str = ""
    api_key_id: int | None = None
    requested_by: str = ""  # free text a remote caller sent (the HTTP backend fills it)

    def as_dict(self) -> dict:
        return asdict(self)


class CancelStatus:
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    NOT_CANCELLABLE = "not_cancellable"  # the order exists but policy refuses


@dataclass(frozen=True)
class CancelOutcome:
    """What a cancel request did. ``status`` is one of ``CancelStatus``.

    ``reason`` explains a refusal: ``window_expired`` (placed 24 h ago or more) or the
    order's status (``shipped``, ``out_for_delivery``, ``delivered``).
    """

    status: str
    order: OrderRecord
    refunded: bool = False
    reason: str = ""
    # True when this is the stored first answer to an earlier request with the same
    # idempotency key: nothing was done this time.
    replayed: bool = False


class OrderClientError(Exception):
    """Base of the typed errors an order client raises.

    ``code`` names the kind of error and is stable (the engine maps it to a reply);
    ``reason`` is the finer cause (``timeout``, ``bad_response``, ``circuit_open``...),
    a bounded set used as a metric label. ``reason`` defaults to ``code``.
    """

    code = "order_client_error"

    def __init__(self, message: str = "", *, reason: str = ""):
        super().__init__(message or self.code)
        self.reason = reason or self.code


class OrderNotFound(OrderClientError):
    code = "not_found"


class InvalidOrderId(OrderClientError):
    code = "invalid_order_id"


class IdempotencyKeyReused(OrderClientError):
    """The idempotency key was already used for a different order."""

    code = "idempotency_key_reused"


class OrderSystemUnavailable(OrderClientError):
    """The order system could not be reached or answered nonsense: timeouts, 5xx,
    malformed JSON, an open circuit. Nothing is known to have changed.

    ``reason`` is one of ``UNAVAILABLE_REASONS``.
    """

    code = "unavailable"


# The causes an ``OrderSystemUnavailable`` can carry (bounded: they are metric labels).
UNAVAILABLE_REASONS = (
    "timeout",  # no complete answer within the time budget
    "connect_error",  # could not connect (nothing was sent)
    "server_error",  # 5xx
    "bad_response",  # 2xx whose body is not the JSON the API promises
    "bad_status",  # a status code the API never answers
    "auth_failed",  # 401/403: ORDER_API_KEY is missing or wrong
    "circuit_open",  # recent failures: not calling the order system during the cool-down
    "unavailable",
)


class OrderClient(Protocol):
    def get_order(self, order_id: str) -> OrderRecord: ...

    def cancel_order(self, order_id: str, *, idempotency_key: str, requester: Requester) -> CancelOutcome: ...
