"""Cancellation under load: 20 simultaneous requests for one order cancel it exactly once.

Real threads, each with its own database connection, on the file-based SQLite test
database (IMMEDIATE transactions serialise the writers) and on PostgreSQL (the row lock
of ``select_for_update``) in CI's second pass.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from orders.clients.http import HttpOrderClient
from orders.domain import IdempotencyKeyReused, Requester
from orders.models import CancellationAudit, IdempotencyRecord, Order, OrderStatus
from orders.services import order_cancel
from tests.orders.factories import ApiKeyFactory, OrderFactory

pytestmark = pytest.mark.django_db(transaction=True)
N = 20


def run_concurrently(fn, n: int = N) -> list:
    """Call ``fn(i)`` from ``n`` threads released together; each closes its connection."""
    barrier = threading.Barrier(n)

    def worker(i: int):
        try:
            barrier.wait(timeout=10)
            return fn(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(worker, range(n)))


def assert_cancelled_exactly_once(statuses: list[str]) -> None:
    assert Counter(statuses) == {"cancelled": 1, "already_cancelled": N - 1}
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.CANCELLED
    audits = Counter(CancellationAudit.objects.values_list("outcome", flat=True))
    assert audits == {"cancelled": 1, "already_cancelled": N - 1}


def cancel_from_threads() -> None:
    OrderFactory(order_id="ORD-4567")
    outcomes = run_concurrently(
        lambda i: order_cancel(
            order_id="ORD-4567", requester=Requester(channel="chat", session_id=f"s{i}"), idempotency_key=f"k{i}"
        )
    )
    assert_cancelled_exactly_once([o.status for o in outcomes])


def same_key_from_threads() -> None:
    OrderFactory(order_id="ORD-4567")
    outcomes = run_concurrently(
        lambda i: order_cancel(order_id="ORD-4567", requester=Requester(channel="chat"), idempotency_key="same")
    )
    assert {o.status for o in outcomes} == {"cancelled"}
    assert sorted(o.replayed for o in outcomes) == [False] + [True] * (N - 1)
    assert CancellationAudit.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_twenty_concurrent_cancels_on_sqlite_cancel_once():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant runs on the embedded default database")
    cancel_from_threads()


def test_twenty_concurrent_retries_with_one_key_on_sqlite_act_once():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant runs on the embedded default database")
    same_key_from_threads()


@pytest.mark.postgres
def test_twenty_concurrent_cancels_on_postgresql_cancel_once():
    if connection.vendor != "postgresql":
        pytest.skip("runs when DATABASE_URL is PostgreSQL (CI's second pass)")
    cancel_from_threads()


@pytest.mark.postgres
def test_twenty_concurrent_retries_with_one_key_on_postgresql_act_once():
    if connection.vendor != "postgresql":
        pytest.skip("runs when DATABASE_URL is PostgreSQL (CI's second pass)")
    same_key_from_threads()


def test_twenty_concurrent_cancels_over_http_cancel_once(live_server):
    """End to end: 20 threads through the HTTP backend into the live order API."""
    key = ApiKeyFactory()
    client = HttpOrderClient(base_url=live_server.url, api_key=key.raw_key, timeout_seconds=10, max_workers=N)
    OrderFactory(order_id="ORD-4567")
    try:
        outcomes = run_concurrently(
            lambda i: client.cancel_order("ORD-4567", idempotency_key=f"http-{i}", requester=Requester(channel="chat"))
        )
    finally:
        client.close()
    assert_cancelled_exactly_once([o.status for o in outcomes])


def test_one_key_raced_for_two_orders_cancels_only_one():
    """A key reused for another order is refused even when both requests race past the
    lookup: the loser's transaction, cancellation included, rolls back."""
    OrderFactory(order_id="ORD-4567")
    OrderFactory(order_id="ORD-4568")
    order_ids = ["ORD-4567", "ORD-4568"]

    def attempt(i: int):
        try:
            return order_cancel(order_id=order_ids[i], requester=Requester(channel="chat"), idempotency_key="shared")
        except IdempotencyKeyReused as exc:
            return exc

    results = run_concurrently(attempt, n=2)

    assert sorted(type(r).__name__ for r in results) == ["CancelOutcome", "IdempotencyKeyReused"]
    assert Order.objects.filter(status=OrderStatus.CANCELLED).count() == 1
    assert CancellationAudit.objects.count() == 1
