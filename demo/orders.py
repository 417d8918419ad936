"""Demo data whose times follow the clock.

The demo fixtures are written relative to a fixed anchor instant. Static timestamps would
make every demo order older than 24 hours a day after the fixture was written, so after
loading them we move each demo order by (now - anchor): an order written as placed one
hour before the anchor is, after the refresh, placed one hour ago.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

from django.db import transaction
from django.utils import timezone

from orders.models import Order

DEMO_ANCHOR = datetime(2026, 1, 1, 12, 0, tzinfo=dt_timezone.utc)


@transaction.atomic
def demo_orders_shift_to_now(*, order_ids: list[str], now: datetime | None = None) -> int:
    """Move the given demo orders' timestamps and ETAs from the anchor to ``now``.

    Call it right after loading the fixture (which resets the orders to their anchored
    times), so it is safe to run again and again. Returns the number of orders moved.
    """
    now = now or timezone.now()
    shift = now - DEMO_ANCHOR
    day_shift = timedelta(days=(now.astimezone(dt_timezone.utc).date() - DEMO_ANCHOR.date()).days)
    moved = 0
    for order in Order.objects.select_for_update().filter(order_id__in=order_ids):
        order.placed_at = order.placed_at + shift
        if order.cancelled_at:
            order.cancelled_at = order.cancelled_at + shift
        if order.eta:
            order.eta = order.eta + day_shift
        order.save(update_fields=["placed_at", "cancelled_at", "eta", "updated_at"])
        moved += 1
    return moved
