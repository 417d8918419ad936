"""The engine's unit tests' order system (orders.clients.memory) and their orders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.clients.memory import InMemoryOrderClient
from orders.domain import OrderItemRecord, OrderRecord


# The engine's tests use the project's in-memory order system under their old name.
FakeOrderClient = InMemoryOrderClient


def order(
    order_id: str = "ORD-4567",
    *,
    status: str = "placed",
    age: timedelta = timedelta(hours=1),
    email: str = "sam@example.com",
    product: str = "Aura Bluetooth Headphones",
    total: str = "129.00",
) -> OrderRecord:
    return OrderRecord(
        order_id=order_id,
        status=status,
        placed_at=timezone.now() - age,
        customer_name="Sam",
        customer_email=email,
        total=Decimal(total),
        items=(OrderItemRecord(product_name=product, sku="SKU-1", quantity=1, unit_price=Decimal(total)),),
    )
