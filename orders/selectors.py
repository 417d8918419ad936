from __future__ import annotations

from orders.domain import OrderItemRecord, OrderNotFound, OrderRecord
from orders.models import Order


def order_to_record(order: Order) -> OrderRecord:
    return OrderRecord(
        order_id=order.order_id,
        status=order.status,
        placed_at=order.placed_at,
        customer_name=order.customer_name,
        customer_email=order.customer_email,
        eta=order.eta,
        cancelled_at=order.cancelled_at,
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        total=order.total,
        currency=order.currency,
        items=tuple(
            OrderItemRecord(product_name=item.product_name, sku=item.sku, quantity=item.quantity, unit_price=item.unit_price)
            for item in order.items.all()
        ),
    )


def order_get(*, order_id: str) -> OrderRecord:
    """The order with its items, or ``OrderNotFound``."""
    try:
        order = Order.objects.prefetch_related("items").get(order_id=order_id)
    except Order.DoesNotExist:
        raise OrderNotFound(order_id) from None
    return order_to_record(order)
