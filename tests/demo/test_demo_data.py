"""The demo a newcomer sees after `make run`: fixtures load, and times follow the clock."""

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.core.management import call_command
from django.utils import timezone

from knowledge.models import FAQEntry
from demo.orders import DEMO_ANCHOR, demo_orders_shift_to_now
from orders.domain import cancellation_window_open
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


def test_load_demo_loads_orders_faq_and_a_staff_account(django_user_model):
    call_command("load_demo", verbosity=0)
    assert Order.objects.count() >= 12
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert Order.objects.filter(items__product_name__icontains="Bluetooth Headphones").exists()
    assert FAQEntry.objects.filter(is_published=True).count() >= 60
    assert FAQEntry.objects.exclude(product="").values("product").distinct().count() >= 8
    for category in ("shipping", "delivery", "returns", "refunds", "warranty", "payments", "account"):
        assert FAQEntry.objects.filter(category=category).exists(), category
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_staff and admin.check_password("admin")


def test_demo_always_has_cancellable_and_expired_orders_whatever_the_date():
    call_command("load_demo", verbosity=0)
    open_orders = Order.objects.filter(status__in=[OrderStatus.PLACED, OrderStatus.PROCESSING])
    windows = [cancellation_window_open(placed_at=o.placed_at) for o in open_orders]
    assert any(windows) and not all(windows)
    assert all(o.placed_at <= timezone.now() for o in Order.objects.all())


def test_running_load_demo_twice_does_not_age_the_orders():
    call_command("load_demo", verbosity=0)
    first = dict(Order.objects.values_list("order_id", "placed_at"))
    call_command("load_demo", verbosity=0)
    second = dict(Order.objects.values_list("order_id", "placed_at"))
    assert first.keys() == second.keys()
    for order_id, placed_at in first.items():
        assert abs(second[order_id] - placed_at) < timedelta(seconds=30)


def test_shifting_moves_times_and_eta_by_the_distance_from_the_anchor():
    from tests.orders.factories import OrderFactory

    OrderFactory(
        order_id="ORD-0001",
        placed_at=DEMO_ANCHOR - timedelta(hours=3),
        eta=DEMO_ANCHOR.date() + timedelta(days=2),
        status=OrderStatus.PLACED,
    )
    now = datetime(2031, 7, 15, 9, 30, tzinfo=dt_timezone.utc)
    assert demo_orders_shift_to_now(order_ids=["ORD-0001"], now=now) == 1
    order = Order.objects.get(order_id="ORD-0001")
    assert order.placed_at == now - timedelta(hours=3)
    assert order.eta == now.date() + timedelta(days=2)


def test_an_invalid_order_id_is_refused_by_model_validation():
    from django.core.exceptions import ValidationError

    from tests.orders.factories import OrderFactory

    order = OrderFactory.build(order_id="ORD-123")
    with pytest.raises(ValidationError) as error:
        order.full_clean()
    assert "order_id" in error.value.message_dict


def test_an_faq_entry_with_an_empty_answer_cannot_be_published():
    from django.core.exceptions import ValidationError

    entry = FAQEntry(question="Is it?", answer="   ", is_published=True)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "answer" in error.value.message_dict
