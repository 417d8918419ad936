"""How the agents phrase orders, dates and items for a customer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from orders.domain import ORDER_ID_FORMAT_HINT, OrderRecord

ORDER_SYSTEM_APOLOGY = "I'm sorry, I can't reach the order system right now. Please try again in a few minutes."
ASK_ORDER_ID = "Could you give me your order number? It looks like ORD-1234 (ORD- followed by four digits)."

STATUS_PHRASES = {
    "placed": "has been placed and is waiting to be prepared",
    "processing": "is being prepared in our warehouse",
    "shipped": "has shipped",
    "out_for_delivery": "is out for delivery",
    "delivered": "has been delivered",
    "cancelled": "was cancelled",
}


def format_date(value: date) -> str:
    return f"{value:%A}, {value.day} {value:%B %Y}"


def format_datetime(value: datetime) -> str:
    local = value.astimezone(ZoneInfo(settings.SHOP_TIME_ZONE))
    return f"{local.day} {local:%B %Y} at {local:%H:%M} ({settings.SHOP_TIME_ZONE})"


def format_items(order: OrderRecord) -> str:
    parts = [f"{item.quantity} × {item.product_name}" for item in order.items]
    if not parts:
        return "no items"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def malformed_order_id(attempts: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(attempts)
    return (
        f"{shown} doesn't look like one of our order numbers. Order numbers are {ORDER_ID_FORMAT_HINT}. "
        "Could you check it and send it again?"
    )


def which_order(order_ids: tuple[str, ...] | list[str], action: str) -> str:
    listed = " or ".join(order_ids)
    return f"You mentioned more than one order. Which one would you like me to {action}: {listed}?"


def join_ids(order_ids: Iterable[str]) -> str:
    ids = list(order_ids)
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def format_money(order: OrderRecord) -> str:
    return f"{order.currency} {order.total}"


def order_summary(order: OrderRecord) -> str:
    """The order as a confirmation names it: number, items, total and when it was placed."""
    return f"{order.order_id} ({format_items(order)}, total {format_money(order)}, placed on {format_datetime(order.placed_at)})"
