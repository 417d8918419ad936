"""What an order is and when it can be cancelled: each fact once, for every part that needs it.

The order service, the order clients, the order API and the assistant's agents all import
from here: the records the clients return, the statuses, the typed errors and their codes,
the order-number format and its parser, and the cancellation rule (which statuses, and the
24-hour window). A change of policy is a change in this one module. Nothing here touches
the database or the network.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone as dt_timezone
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# --- Statuses ---------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class CancelStatus(StrEnum):
    """What a cancel request did (``CancelOutcome.status``)."""

    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    NOT_CANCELLABLE = "not_cancellable"  # the order exists but policy refuses


# --- Records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderItemRecord:
    product_name: str
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class OrderRecord:
    """An order as the order clients return it, whichever system it comes from.

    ``status`` is a plain string: another order system may answer a status this project
    does not have, and such an order is simply not cancellable.
    """

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CancelOutcome:
    """What a cancel request did. ``status`` is one of ``CancelStatus``.

    ``reason`` explains a refusal (see ``cancellation_refusal``): ``window_expired`` or the
    order's status (``shipped``, ``out_for_delivery``, ``delivered``); ``cancelled`` with
    ``already_cancelled``.
    """

    status: str
    order: OrderRecord
    refunded: bool = False
    reason: str = ""
    # True when this is the stored first answer to an earlier request with the same
    # idempotency key: nothing was done this time.
    replayed: bool = False


# --- Typed errors -----------------------------------------------------------------------


class OrderClientError(Exception):
    """Base of the typed errors an order client raises.

    ``code`` names the kind of error and is stable (the engine maps it to a reply and the
    order API answers it as ``error``); ``reason`` is the finer cause (``timeout``,
    ``bad_response``, ``circuit_open``...), a bounded set used as a metric label.
    ``reason`` defaults to ``code``.
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


# --- Order numbers ----------------------------------------------------------------------

ORDER_ID_RE = re.compile(r"^ORD-\d{4}$")
ORDER_ID_PREFIX, ORDER_ID_DIGITS = "ORD-", 4
ORDER_ID_FORMAT_HINT = "ORD- followed by exactly four digits, for example ORD-4567"

# How customers write an order number in a message.
# "ORD-4567", "ord 4567", "ORD4567", "ORD_4567", "ORD #4567": the ORD prefix makes any
# digit run an order number attempt, so wrong lengths are reported, not ignored.
_ORD_PREFIXED = re.compile(r"(?<![A-Za-z0-9])ORD(?:ER)?\s*[-_#:]?\s*#?\s*(\d+)(?![\d])", re.IGNORECASE)
# "order #4567", "order number 4567", "order no. 4567", "order 4567": the word "order"
# counts only with a number marker or exactly four digits, so "order 2 lamps" is not one.
_ORDER_WORD = re.compile(
    # "my order number is 4549", "the order # is 4567", "order id = 4567"
    r"\border\s*(?:number|num|no\.?|nr\.?|id|#)\s*(?:is|was|=)\s*[:#]?\s*(\d+)\b"
    r"|\border(?:\s+(?:number|num|no\.?|nr\.?|id|#))?\s*[:#]\s*(\d+)\b"
    r"|\border\s+(?:number|num|no\.?|nr\.?|id)\s*[:#]?\s*(\d+)\b"
    r"|\border\s+(\d{4})\b(?!\s*(?:x|pcs|items|units))",
    re.IGNORECASE,
)
# The same in Spanish, German and French: "pedido nº 4567", "número de pedido: 4567",
# "Bestellung Nr. 4567", "Bestellnummer ist 4567", "commande n°4567", "numéro de commande 4567",
# "pedido 4567" (a bare number again only with exactly four digits).
_ORDER_NOUN = r"(?:pedidos?|orden|ordenes|bestellung(?:en)?|auftrag|auftr[aä]ge|commandes?)"
_NUMBER_MARK = r"(?:n[°ºo]\.?|nr\.?|nro\.?|num\.?|n[uú]m[eé]ro|nummer|#)"
_IS = r"(?:\s+(?:es|era|ist|war|lautet|est|[eé]tait)(?:\s+(?:el|le|la))?)?"
_ORDER_WORD_ES_DE_FR = re.compile(
    rf"\b{_ORDER_NOUN}\s*{_NUMBER_MARK}{_IS}\s*[:#]?\s*(\d+)\b"
    rf"|\b{_ORDER_NOUN}{_IS}\s*[:#]\s*(\d+)\b"
    rf"|\b(?:bestell|auftrags)(?:nummer|-?nr\.?)\s*{_IS}\s*[:#]?\s*(\d+)\b"
    rf"|\b(?:n[uú]m[eé]ro|nummer|n[°ºo]\.?|nr\.?)\s+(?:de|del|der)\s+(?:la\s+|ma\s+|mi\s+|meiner\s+)?{_ORDER_NOUN}{_IS}\s*[:#]?\s*(\d+)\b"
    rf"|\b{_ORDER_NOUN}\s+(\d{{4}})\b(?!\s*(?:x|uds?|unidades|st[uü]ck|stk|pcs|pi[eè]ces?|articles?))",
    re.IGNORECASE,
)
_HASH_NUMBER = re.compile(r"(?<![\w#])#\s?(\d{3,6})\b")


def is_valid_order_id(value: object) -> bool:
    """True when ``value`` is a canonical order ID (``ORD-`` and four digits)."""
    return isinstance(value, str) and ORDER_ID_RE.fullmatch(value) is not None


def validate_order_id(value: object) -> None:
    """Model/serializer validator for the canonical order-ID format."""
    if not is_valid_order_id(value):
        raise ValidationError(
            "%(value)s is not a valid order ID: expected " + ORDER_ID_FORMAT_HINT + ".",
            code="invalid_order_id",
            params={"value": value},
        )


def order_id_checked(order_id: str) -> str:
    """``order_id`` itself when it is canonical; ``InvalidOrderId`` otherwise."""
    if not is_valid_order_id(order_id):
        raise InvalidOrderId(order_id)
    return order_id


def canonical_order_id(digits: str) -> str:
    """The order ID written with ``digits``: valid when there are exactly four of them."""
    return f"{ORDER_ID_PREFIX}{digits}"


def find_order_ids(text: str) -> tuple[list[str], list[str]]:
    """The order numbers a message names: valid ones in canonical form, in order of
    appearance, and malformed attempts (an ``ORD`` or "order number" with the wrong
    number of digits), each list without repeats.
    """
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for match in _ORD_PREFIXED.finditer(text):
        found.append((match.start(), match.group(1)))
        taken.append(match.span())
    for pattern in (_ORDER_WORD, _ORDER_WORD_ES_DE_FR, _HASH_NUMBER):
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            found.append((match.start(), next(g for g in match.groups() if g)))
            taken.append(match.span())
    found.sort()
    valid: list[str] = []
    malformed: list[str] = []
    for _, digits in found:
        order_id = canonical_order_id(digits)
        bucket = valid if len(digits) == ORDER_ID_DIGITS else malformed
        if order_id not in bucket:
            bucket.append(order_id)
    return valid, malformed


def parse_order_id(text: str) -> str | None:
    """The first valid order number in ``text``, in canonical form (``"order 4567"`` and
    ``"ord#4567"`` give ``"ORD-4567"``), or None."""
    valid, _ = find_order_ids(text)
    return valid[0] if valid else None


# --- Cancellation -----------------------------------------------------------------------

CANCELLATION_WINDOW = timedelta(hours=24)
# Statuses from which a customer may still cancel; later ones need a return instead.
CANCELLABLE_STATUSES = (OrderStatus.PLACED, OrderStatus.PROCESSING)
WINDOW_EXPIRED = "window_expired"


def cancellation_window_open(*, placed_at: datetime, now: datetime | None = None) -> bool:
    """Whether an order placed at ``placed_at`` may still be cancelled at ``now``.

    The window is strictly less than 24 hours: an order placed exactly 24 hours ago is no
    longer cancellable. Both datetimes must be timezone-aware; they are compared in UTC so
    that a daylight-saving change in the shop's time zone neither adds nor removes an hour.
    """
    now = now or timezone.now()
    if timezone.is_naive(placed_at) or timezone.is_naive(now):
        raise ValueError("cancellation_window_open needs timezone-aware datetimes")
    age = now.astimezone(dt_timezone.utc) - placed_at.astimezone(dt_timezone.utc)
    return age < CANCELLATION_WINDOW


def cancellation_deadline(*, placed_at: datetime) -> datetime:
    """The first instant (UTC) at which the order can no longer be cancelled."""
    return placed_at.astimezone(dt_timezone.utc) + CANCELLATION_WINDOW


def cancellation_refusal(*, status: str, placed_at: datetime, now: datetime | None = None) -> str | None:
    """None when an order in ``status`` placed at ``placed_at`` may be cancelled at ``now``;
    otherwise why not: the status itself when it is past cancelling (``cancelled``,
    ``shipped``, ``out_for_delivery``, ``delivered``, or one this project does not know),
    or ``window_expired``.
    """
    if status not in CANCELLABLE_STATUSES:
        return status
    if not cancellation_window_open(placed_at=placed_at, now=now):
        return WINDOW_EXPIRED
    return None


def is_cancellable(*, status: str, placed_at: datetime, now: datetime | None = None) -> bool:
    """Whether an order in ``status`` placed at ``placed_at`` may be cancelled at ``now``."""
    return cancellation_refusal(status=status, placed_at=placed_at, now=now) is None
