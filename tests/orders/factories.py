from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import ApiKey, CancellationAudit, Order, OrderItem, OrderStatus


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    order_id = factory.Sequence(lambda n: f"ORD-{1000 + n % 9000:04d}")
    customer_name = factory.Faker("name")
    customer_email = factory.Faker("email")
    status = OrderStatus.PLACED
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    eta = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=5)).date())
    total = Decimal("49.90")
    currency = "USD"


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    product_name = factory.Faker("word")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    quantity = 1
    unit_price = Decimal("49.90")


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """An API key; the raw key (what a client sends) is on ``.raw_key``."""

    class Meta:
        model = ApiKey

    name = factory.Sequence(lambda n: f"client {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from orders.api_keys import api_key_fill_new_secret

        api_key = model_class(*args, **kwargs)
        raw_key = api_key_fill_new_secret(api_key)
        api_key.save()
        api_key.raw_key = raw_key
        return api_key


class CancellationAuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CancellationAudit

    order = factory.SubFactory(OrderFactory)
    outcome = "cancelled"
    channel = "chat"
