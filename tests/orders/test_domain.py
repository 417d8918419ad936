"""The order rules: the 24-hour cancellation window (at its boundaries and across
daylight-saving changes), which orders can be cancelled, and the order-number format and parser."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest

from orders.domain import (
    InvalidOrderId,
    OrderStatus,
    cancellation_deadline,
    cancellation_refusal,
    cancellation_window_open,
    find_order_ids,
    is_cancellable,
    is_valid_order_id,
    order_id_checked,
    parse_order_id,
)

PLACED = datetime(2026, 3, 10, 9, 30, tzinfo=dt_timezone.utc)


def test_order_placed_23h59m59s_ago_is_cancellable():
    assert cancellation_window_open(placed_at=PLACED, now=PLACED + timedelta(hours=23, minutes=59, seconds=59))


def test_order_placed_exactly_24h_ago_is_not_cancellable():
    assert not cancellation_window_open(placed_at=PLACED, now=PLACED + timedelta(hours=24))


def test_order_placed_24h_and_1s_ago_is_not_cancellable():
    assert not cancellation_window_open(placed_at=PLACED, now=PLACED + timedelta(hours=24, seconds=1))


def test_window_is_the_same_whatever_time_zone_the_datetimes_carry():
    tokyo_now = (PLACED + timedelta(hours=23, minutes=59, seconds=59)).astimezone(ZoneInfo("Asia/Tokyo"))
    assert cancellation_window_open(placed_at=PLACED.astimezone(ZoneInfo("America/New_York")), now=tokyo_now)


@pytest.mark.parametrize(
    "zone, placed_local",
    [
        # Spring forward: Berlin's clocks jump 02:00 → 03:00 on 29 March 2026 (a 23-hour day).
        ("Europe/Berlin", datetime(2026, 3, 28, 12, 0)),
        # Fall back: Berlin's clocks go 03:00 → 02:00 on 25 October 2026 (a 25-hour day).
        ("Europe/Berlin", datetime(2026, 10, 24, 12, 0)),
        ("America/New_York", datetime(2026, 3, 7, 12, 0)),
        ("America/New_York", datetime(2026, 10, 31, 12, 0)),
    ],
)
def test_window_is_24_real_hours_across_a_daylight_saving_change(zone, placed_local):
    tz = ZoneInfo(zone)
    placed_at = placed_local.replace(tzinfo=tz)
    # "Same wall-clock time tomorrow" is 23 or 25 real hours away across the change.
    same_wall_clock_tomorrow = (placed_local + timedelta(days=1)).replace(tzinfo=tz)
    real_hours = (same_wall_clock_tomorrow - placed_at.astimezone(dt_timezone.utc)).total_seconds() / 3600
    assert real_hours in (23, 25)

    deadline = cancellation_deadline(placed_at=placed_at)
    assert deadline - placed_at == timedelta(hours=24)
    assert cancellation_window_open(placed_at=placed_at, now=(deadline - timedelta(seconds=1)).astimezone(tz))
    assert not cancellation_window_open(placed_at=placed_at, now=deadline.astimezone(tz))
    # The wall clock says 24 h, but 23 real hours have passed (still open) or 25 (closed).
    assert cancellation_window_open(placed_at=placed_at, now=same_wall_clock_tomorrow) is (real_hours == 23)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        cancellation_window_open(placed_at=datetime(2026, 1, 1, 12, 0), now=PLACED)


@pytest.mark.parametrize("value", ["ORD-1234", "ORD-0000"])
def test_canonical_order_ids_are_valid(value):
    assert is_valid_order_id(value)


@pytest.mark.parametrize("value", ["ord-1234", "ORD-123", "ORD-12345", " ORD-1234", "ORD-12a4", "", None, 1234])
def test_other_order_ids_are_invalid(value):
    assert not is_valid_order_id(value)


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.PROCESSING])
def test_a_placed_or_processing_order_within_the_window_is_cancellable(status):
    now = PLACED + timedelta(hours=23, minutes=59, seconds=59)
    assert cancellation_refusal(status=status, placed_at=PLACED, now=now) is None
    assert is_cancellable(status=status, placed_at=PLACED, now=now)


def test_a_placed_order_past_the_window_is_refused_as_window_expired():
    now = PLACED + timedelta(hours=24)
    assert cancellation_refusal(status=OrderStatus.PLACED, placed_at=PLACED, now=now) == "window_expired"
    assert not is_cancellable(status=OrderStatus.PLACED, placed_at=PLACED, now=now)


@pytest.mark.parametrize("status", ["shipped", "out_for_delivery", "delivered", "cancelled", "on_hold", ""])
def test_an_order_past_cancelling_is_refused_with_its_status_even_within_the_window(status):
    now = PLACED + timedelta(minutes=5)
    assert cancellation_refusal(status=status, placed_at=PLACED, now=now) == status
    assert not is_cancellable(status=status, placed_at=PLACED, now=now)


def test_order_id_checked_returns_a_canonical_id_and_refuses_any_other():
    assert order_id_checked("ORD-4567") == "ORD-4567"
    with pytest.raises(InvalidOrderId):
        order_id_checked("ORD-45")


@pytest.mark.parametrize(
    "text, valid, malformed",
    [
        ("Where is ORD-4567?", ["ORD-4567"], []),
        ("ord 4567 and ORD4567 and ORD_4567 and ORD #4567", ["ORD-4567"], []),
        ("my order number is 4549", ["ORD-4549"], []),
        ("order #1234, then order no. 2345 and order id = 3456", ["ORD-1234", "ORD-2345", "ORD-3456"], []),
        ("order 1234 please", ["ORD-1234"], []),
        ("#4567 arrived broken", ["ORD-4567"], []),
        ("cancel ORD-45 and ORD-12345, not ORD-1234", ["ORD-1234"], ["ORD-45", "ORD-12345"]),
        ("I paid 4567 dollars", [], []),
        ("cancelar el pedido nº 4567 y el pedido 4549", ["ORD-4567", "ORD-4549"], []),
        ("mi número de pedido es el 4567", ["ORD-4567"], []),
        ("Bestellung Nr. 4567, Bestellnummer: 45", ["ORD-4567"], ["ORD-45"]),
        ("commande n°4567 et numéro de commande 4549", ["ORD-4567", "ORD-4549"], []),
        ("pedido de 2 lámparas, Bestellung 2024 Stück, commande 12 articles", [], []),
    ],
)
def test_order_numbers_are_found_in_free_text_in_canonical_form(text, valid, malformed):
    assert find_order_ids(text) == (valid, malformed)


def test_parse_order_id_gives_the_first_valid_order_number_or_none():
    assert parse_order_id("not ORD-12 but ord 7890 or ORD-1111") == "ORD-7890"
    assert parse_order_id("ORD-12") is None
    assert parse_order_id("hello") is None
