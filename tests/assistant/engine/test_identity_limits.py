"""Failed identity checks are limited across sessions: per order and per client address.

A guesser who starts a new session for every try still meets the limits; the locked
reply is the same as a wrong email's, and tells the real customer to ask for a person.
"""

from __future__ import annotations

import pytest

from assistant.engine.agents.identity_limits import address_key
from orders.models import Order, OrderStatus
from tests.assistant.conftest import ChatSession, placed_order, tools_called

pytestmark = pytest.mark.django_db

EMAIL = "kim@example.com"


@pytest.fixture
def order():
    return placed_order(customer_email=EMAIL)


def visitor(client, n: int, address: str) -> ChatSession:
    client.defaults["REMOTE_ADDR"] = address
    return ChatSession(client, session_id=f"guess-{n}")


def test_six_failures_from_six_sessions_and_addresses_lock_the_order(client, order):
    wrong = None
    for n in range(6):
        wrong = visitor(client, n, f"203.0.113.{n + 1}").say(f"cancel ORD-4567 guess{n}@example.com")
        assert "couldn't match" in wrong["response"]

    real = visitor(client, 99, "198.51.100.7").say(f"cancel ORD-4567 {EMAIL}")
    assert real["response"] == wrong["response"].replace("guess5@example.com", EMAIL)
    assert "person" in real["response"]  # the real customer is told what to do
    assert "OrderCancellationAPI" not in tools_called(real)
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.PLACED


def test_twenty_five_failures_from_one_address_stop_that_address(client, order):
    for n in range(25):
        visitor(client, n, "203.0.113.50").say(f"track ORD-{1000 + n} nobody@example.com")

    blocked = visitor(client, 100, "203.0.113.50").say(f"track ORD-4567 {EMAIL}")
    assert "couldn't match" in blocked["response"] and "OrderTrackingAPI" not in tools_called(blocked)

    elsewhere = visitor(client, 101, "198.51.100.8").say(f"track ORD-4567 {EMAIL}")
    assert "OrderTrackingAPI" in tools_called(elsewhere)


def test_ipv6_addresses_count_by_their_64_prefix():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:203.0.113.9") == "203.0.113.9"
