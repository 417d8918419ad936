from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from orders.clients.base import CancelOutcome, CancelStatus, OrderNotFound, Requester
from orders.models import Order, OrderStatus
from orders.policies import cancellation_window_open
from orders.selectors import order_to_record

logger = logging.getLogger(__name__)

# Statuses from which a customer may still cancel; later ones need a return instead.
CANCELLABLE_STATUSES = (OrderStatus.PLACED, OrderStatus.PROCESSING)


def order_cancel(*, order_id: str, requester: Requester) -> CancelOutcome:
    """Cancel an order if policy allows, exactly once however many requests race.

    The row is locked for the whole decision (``select_for_update`` on PostgreSQL; the
    IMMEDIATE transaction holds SQLite's write lock), so of N concurrent requests one
    cancels and the others see ``already_cancelled``.
    """
    now = timezone.now()
    with transaction.atomic():
        try:
            order = Order.objects.select_for_update().get(order_id=order_id)
        except Order.DoesNotExist:
            raise OrderNotFound(order_id) from None

        if order.status == OrderStatus.CANCELLED:
            outcome_status, reason = CancelStatus.ALREADY_CANCELLED, "cancelled"
        elif order.status not in CANCELLABLE_STATUSES:
            outcome_status, reason = CancelStatus.NOT_CANCELLABLE, order.status
        elif not cancellation_window_open(placed_at=order.placed_at, now=now):
            outcome_status, reason = CancelStatus.NOT_CANCELLABLE, "window_expired"
        else:
            order.status = OrderStatus.CANCELLED
            order.cancelled_at = now
            order.save(update_fields=["status", "cancelled_at", "updated_at"])
            outcome_status, reason = CancelStatus.CANCELLED, ""
            logger.info("order cancelled", extra={"order_id": order_id, "channel": requester.channel})

    order = Order.objects.prefetch_related("items").get(pk=order.pk)
    return CancelOutcome(
        status=outcome_status,
        order=order_to_record(order),
        refunded=outcome_status == CancelStatus.CANCELLED,
        reason=reason,
    )
