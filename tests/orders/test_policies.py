"""The 24-hour cancellation window, at its boundaries and across daylight-saving changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

import pytest

from orders.policies import cancellation_deadline, cancellation_window_open, is_valid_order_id

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
