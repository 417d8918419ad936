"""Order policies, each defined once and imported wherever it applies.

The API, the order clients and the assistant's agents all call these functions, so a
change of policy is a change in one place.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.utils import timezone

ORDER_ID_RE = re.compile(r"^ORD-\d{4}$")
ORDER_ID_FORMAT_HINT = "ORD- followed by exactly four digits, for example ORD-4567"

CANCELLATION_WINDOW = timedelta(hours=24)


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
