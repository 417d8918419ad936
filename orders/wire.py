"""The order API's wire contract, in one place: its paths, its headers and its JSON.

The API view writes the JSON shapes below, the idempotency store keeps them, the HTTP
client reads them back and the OpenAPI schema documents them (``orders/openapi.py``). All
four are derived from the field tables here, so they cannot drift apart. Decoding is
strict: anything that is not exactly the promised shape raises ``MalformedPayload``, so a
remote system's nonsense never reaches an agent as a half-filled record.

The error shape ``{"error": code, "message": text, "fields": {...}}`` is the project's
one error shape (``core/exceptions.py`` writes it for every API); the codes are the typed
errors' ``code`` (``orders/domain.py``) and ``INVALID_IDEMPOTENCY_KEY``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from orders.domain import (
    CancelOutcome,
    CancelStatus,
    OrderItemRecord,
    OrderRecord,
    OrderStatus,
    is_valid_order_id,
)

# --- Paths and headers ------------------------------------------------------------------

ORDER_PATH = "/api/orders/{order_id}"
CANCEL_PATH = "/api/orders/{order_id}/cancel"

API_KEY_HEADER = "X-API-Key"
# Required on a cancel: the first answer is stored under (API key, key) and replayed.
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces
# "true" on an answer that is the stored first answer to an earlier request.
REPLAYED_HEADER = "Idempotent-Replayed"
# On a 5xx, "false" promises the request changed nothing, so the client may retry a cancel.
PROCESSED_HEADER = "X-Order-Request-Processed"

INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"


class MalformedPayload(ValueError):
    """A JSON body that is not the shape the order API promises."""


# --- Kinds of value ---------------------------------------------------------------------


class Kind:
    """How one kind of value is written in JSON and read back.

    ``json_types`` are the JSON types a decoder accepts (a JSON boolean is never a number);
    ``encode`` and ``decode`` convert between the record's value and the JSON one.
    """

    json_types: tuple[type, ...] = (str,)

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any, name: str) -> Any:
        return value


class Text(Kind):
    """A string. ``choices`` documents the values this project's API answers; with
    ``closed`` the decoder refuses any other (``what`` names the value in the error)."""

    def __init__(self, *, choices: tuple[str, ...] = (), closed: bool = False, what: str = ""):
        self.choices, self.closed, self.what = choices, closed, what

    def decode(self, value: Any, name: str) -> Any:
        if self.closed and value not in self.choices:
            raise MalformedPayload(f"unknown {self.what or name} {value!r}")
        return value


class Email(Text):
    pass


class OrderId(Text):
    def decode(self, value: Any, name: str) -> Any:
        if not is_valid_order_id(value):
            raise MalformedPayload(f"field {name!r} is not a valid order ID")
        return value


class Timestamp(Kind):
    """An aware datetime, written in UTC as ISO 8601 with ``Z``."""

    def encode(self, value: Any) -> str | None:
        return value.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z") if value else None

    def decode(self, value: Any, name: str) -> datetime:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise MalformedPayload(f"field {name!r} is not an ISO 8601 datetime") from None
        if parsed.tzinfo is None:
            raise MalformedPayload(f"field {name!r} has no time zone")
        return parsed.astimezone(dt_timezone.utc)


class Day(Kind):
    """A date, ISO 8601; an empty string is no date."""

    def encode(self, value: Any) -> str | None:
        return value.isoformat() if value else None

    def decode(self, value: Any, name: str) -> date | None:
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise MalformedPayload(f"field {name!r} is not an ISO 8601 date") from None


class Money(Kind):
    """A decimal amount, written as a string ("129.00"); read from a string or a number."""

    json_types = (str, int, float)
    max_digits, decimal_places = 10, 2  # as the order tables store it

    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, value: Any, name: str) -> Decimal:
        try:
            parsed = Decimal(str(value))
        except InvalidOperation:
            raise MalformedPayload(f"field {name!r} is not a number") from None
        if not parsed.is_finite():
            raise MalformedPayload(f"field {name!r} is not a finite number")
        return parsed


class Integer(Kind):
    json_types = (int,)


class Boolean(Kind):
    json_types = (bool,)


class Mapping(Kind):
    json_types = (dict,)


class Nested(Kind):
    """An object of another shape."""

    json_types: tuple[type, ...] = (dict,)

    def __init__(self, shape: Shape):
        self.shape = shape

    def encode(self, value: Any) -> Any:
        return self.shape.encode(value)

    def decode(self, value: Any, name: str) -> Any:
        return self.shape.decode(value)


class ListOf(Nested):
    """A list of objects of another shape (a tuple in the record)."""

    json_types: tuple[type, ...] = (list,)

    def encode(self, value: Any) -> Any:
        return [self.shape.encode(item) for item in value]

    def decode(self, value: Any, name: str) -> Any:
        return tuple(self.shape.decode(item) for item in value)


# --- Fields and shapes ------------------------------------------------------------------

_REQUIRED: Any = object()


@dataclass(frozen=True)
class WireField:
    """One key of a JSON object, named like the record's attribute it carries.

    ``default``: what the decoder makes of the key when it is absent, null or empty (``""``,
    ``[]``, ``false``); without one the key is required and null is the wrong type. The
    rest documents what the API writes: ``nullable`` (may be null), ``blank`` (may be
    ``""``), ``always`` (in every answer) and ``help_text``.
    """

    name: str
    kind: Kind
    default: Any = _REQUIRED
    nullable: bool = False
    blank: bool = False
    always: bool = True
    help_text: str = ""

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    def decode_from(self, data: dict[str, Any]) -> Any:
        if self.name not in data or (data[self.name] is None and not self.required):
            if self.required:
                raise MalformedPayload(f"missing field {self.name!r}")
            return self.default
        value = data[self.name]
        if not isinstance(value, self.kind.json_types) or isinstance(value, bool) and bool not in self.kind.json_types:
            raise MalformedPayload(f"field {self.name!r} has the wrong type")
        decoded = self.kind.decode(value, self.name)
        return decoded if self.required else decoded or self.default


@dataclass(frozen=True)
class Shape:
    """A JSON object: its fields, in the order the API writes them, and the record it is.

    ``name`` ("an order") says what was expected when a value is not an object.
    """

    name: str
    record: Callable[..., Any]
    fields: tuple[WireField, ...]

    def encode(self, record: Any) -> dict[str, Any]:
        return {f.name: f.kind.encode(getattr(record, f.name)) for f in self.fields}

    def decode(self, data: Any, **extra: Any) -> Any:
        if not isinstance(data, dict):
            raise MalformedPayload(f"{self.name} must be a JSON object")
        return self.record(**{f.name: f.decode_from(data) for f in self.fields}, **extra)


ORDER_ITEM = Shape(
    "an order item",
    OrderItemRecord,
    (
        WireField("product_name", Text()),
        WireField("sku", Text(), default=""),
        WireField("quantity", Integer()),
        WireField("unit_price", Money()),
    ),
)

ORDER = Shape(
    "an order",
    OrderRecord,
    (
        WireField("order_id", OrderId()),
        # Open: another order system may answer a status this project does not have.
        WireField("status", Text(choices=tuple(OrderStatus.values))),
        WireField("placed_at", Timestamp(), help_text="UTC, ISO 8601."),
        WireField("cancelled_at", Timestamp(), default=None, nullable=True),
        WireField("eta", Day(), default=None, nullable=True, help_text="Estimated delivery date."),
        WireField("carrier", Text(), default="", blank=True),
        WireField("tracking_number", Text(), default="", blank=True),
        WireField("total", Money()),
        WireField("currency", Text(), default="USD"),
        WireField("customer_name", Text(), default=""),
        WireField("customer_email", Email(), default=""),
        WireField("items", ListOf(ORDER_ITEM), default=()),
    ),
)

CANCEL_OUTCOME = Shape(
    "a cancel outcome",
    CancelOutcome,
    (
        WireField("status", Text(choices=tuple(s.value for s in CancelStatus), closed=True, what="cancel status")),
        WireField(
            "reason",
            Text(),
            default="",
            blank=True,
            help_text="Why it was refused: window_expired, or the order's status (shipped, delivered...).",
        ),
        WireField("refunded", Boolean(), default=False),
        WireField("order", Nested(ORDER)),
    ),
)

# Documented only: the client reads no more of an error than its code (``error_code``).
ERROR = Shape(
    "an error",
    dict,
    (
        WireField("error", Text()),
        WireField("message", Text()),
        WireField("fields", Mapping(), default=None, always=False),
    ),
)


# --- Encoding and decoding --------------------------------------------------------------


def order_to_dict(order: OrderRecord) -> dict[str, Any]:
    return ORDER.encode(order)


def outcome_to_dict(outcome: CancelOutcome) -> dict[str, Any]:
    """The answer to a cancel; ``replayed`` travels in ``REPLAYED_HEADER``, not the body."""
    return CANCEL_OUTCOME.encode(outcome)


def order_from_dict(data: Any) -> OrderRecord:
    order: OrderRecord = ORDER.decode(data)
    return order


def outcome_from_dict(data: Any, *, replayed: bool = False) -> CancelOutcome:
    outcome: CancelOutcome = CANCEL_OUTCOME.decode(data, replayed=replayed)
    return outcome


def error_to_dict(code: str, message: str) -> dict[str, str]:
    """An error body the order API writes itself (the exception handler writes the rest)."""
    return {"error": code, "message": message}


def error_code(body: bytes) -> str:
    """The ``error`` code of an error answer's body; ``""`` when it has none."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    code = data.get("error") if isinstance(data, dict) else None
    return code if isinstance(code, str) else ""
