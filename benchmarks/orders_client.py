"""Order-client cost: the HTTP backend and cancellations beside an in-process read.

Creates a throw-away SQLite database (or uses DATABASE_URL when set), serves this
project's order API from a threaded WSGI server on loopback, and times per call:

1. baseline: ``DatabaseOrderClient.get_order`` (in process, no HTTP);
2. ``DatabaseOrderClient.cancel_order`` (row lock, audit row, idempotency record);
3. a bare httpx GET of the same endpoint (what HTTP costs before the client's work), then
   ``HttpOrderClient.get_order`` and ``cancel_order`` against the live API;
4. 20 threads cancelling one order at once (wall time for the burst).

Prints p50/p99 per operation and each one's p50 as a ratio of the baseline's p50.

    .venv/bin/python benchmarks/orders_client.py [--calls 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmpdir = tempfile.mkdtemp(prefix="orders-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmpdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()
import logging  # noqa: E402

logging.disable(logging.WARNING)

import httpx  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connections  # noqa: E402

from orders.api_keys import api_key_create  # noqa: E402
from orders.clients.database import DatabaseOrderClient  # noqa: E402
from orders.clients.http import HttpOrderClient  # noqa: E402
from orders.domain import ORDER_ID_PREFIX, Requester, canonical_order_id  # noqa: E402
from orders.models import Order  # noqa: E402
from orders.wire import API_KEY_HEADER, ORDER_PATH  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def timed(fn, calls: int) -> list[float]:
    out = []
    for i in range(calls):
        started = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def order_id(i: int) -> str:
    return canonical_order_id(f"{i:04d}")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    n = args.calls

    call_command("migrate", verbosity=0)
    Order.objects.filter(order_id__startswith=ORDER_ID_PREFIX).delete()
    Order.objects.bulk_create(
        Order(order_id=order_id(i), customer_name="Bench", customer_email="b@example.com") for i in range(4 * n + 1)
    )
    _, raw_key = api_key_create(name="benchmark")

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    db = DatabaseOrderClient()
    http = HttpOrderClient(base_url=url, api_key=raw_key, timeout_seconds=10)
    raw = httpx.Client(base_url=url, headers={API_KEY_HEADER: raw_key})  # the client's overhead baseline
    chat = Requester(channel="chat", session_id="bench")
    results = {
        "db get (baseline)": timed(lambda i: db.get_order(order_id(i)), n),
        "db cancel": timed(lambda i: db.cancel_order(order_id(n + i), idempotency_key=f"d{i}", requester=chat), n),
        "raw httpx get": timed(lambda i: raw.get(ORDER_PATH.format(order_id=order_id(i))).json(), n),
        "http get": timed(lambda i: http.get_order(order_id(i)), n),
        "http cancel": timed(lambda i: http.cancel_order(order_id(2 * n + i), idempotency_key=f"h{i}", requester=chat), n),
    }
    base = statistics.median(results["db get (baseline)"])
    overhead = statistics.median(results["http get"]) - statistics.median(results["raw httpx get"])
    print(f"database: {connections['default'].vendor}, calls per operation: {n}, cores: {os.cpu_count()}")
    print(f"{'operation':<20}{'p50 ms':>9}{'p99 ms':>9}{'p50 / baseline':>16}")
    for name, values in results.items():
        print(f"{name:<20}{statistics.median(values):>9.2f}{pct(values, 99):>9.2f}{statistics.median(values) / base:>16.1f}")

    print(f"HttpOrderClient overhead over a bare httpx GET (p50): {overhead:.2f} ms")

    target = order_id(4 * n)
    barrier = threading.Barrier(20)

    def burst(i: int) -> str:
        barrier.wait()
        try:
            return db.cancel_order(target, idempotency_key=f"burst{i}", requester=chat).status
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(burst, range(20)))
    burst_ms = (time.perf_counter() - started) * 1000
    print(
        f"20 concurrent cancels of one order: {burst_ms:.0f} ms wall, "
        f"{statuses.count('cancelled')} cancelled, {statuses.count('already_cancelled')} already_cancelled"
    )
    http.close()
    server.shutdown()


if __name__ == "__main__":
    main()
