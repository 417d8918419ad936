#!/usr/bin/env python
"""Load test for POST /chat against a bare DRF endpoint on the same server, in one run.

Starts the server on loopback (daphne, or gunicorn with WSGI workers), seeds one fresh
order per session, then drives a realistic mix of multi-turn conversations from many
concurrent sessions through /chat, and the same request bodies through a bare endpoint
that only validates them. Prints requests/s and p50/p95/p99 latency for both, and the
ratios /chat ÷ bare. Targets: /chat throughput ≥ 50% of bare, /chat p99 ≤ 4× bare p99.

    .venv/bin/python benchmarks/chat_load.py                       # daphne, SQLite
    .venv/bin/python benchmarks/chat_load.py --server gunicorn     # WSGI workers
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/chat_load.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_ROOT_URLCONF="benchmarks.urls",
        DJANGO_DEBUG="false",
        LOG_LEVEL="WARNING",
        CHAT_RATE_LIMIT_IP="off",
        CHAT_RATE_LIMIT_SESSION="off",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare_database(env: dict, sessions: int) -> None:
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    seed = (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from orders.models import Order, OrderItem\n"
        f"ids = [f'ORD-{{7000 + i:04d}}' for i in range({sessions})]\n"
        "Order.objects.filter(order_id__in=ids).delete()\n"
        "orders = Order.objects.bulk_create([Order(order_id=i, customer_name='Bench', customer_email=f'{i.lower()}@example.com',"
        " placed_at=timezone.now() - timedelta(hours=1)) for i in ids])\n"
        "OrderItem.objects.bulk_create([OrderItem(order=o, product_name='Aura Bluetooth Headphones', sku='HP-BT-100') for o in orders])\n"
    )
    subprocess.run([PYTHON, "-c", seed], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"}, check=True)


def start_server(kind: str, port: int, env: dict) -> subprocess.Popen:
    if kind == "daphne":
        cmd = [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    else:
        cmd = [
            PYTHON,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "config.wsgi:application",
        ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{kind} did not start: {process.stderr.read().decode()[-2000:]}")


def conversation(i: int) -> list[str]:
    order_id = f"ORD-{7000 + i:04d}"
    email = f"{order_id.lower()}@example.com"
    scripts = [
        ["hi", "how much does shipping cost?", "is the smartwatch waterproof?", "thanks!"],
        [f"where is my order {order_id}?", email, "when will it arrive?", "thanks"],
        ["I want to cancel my order", order_id, email, "thank you"],
        ["Can I return my Bluetooth headphones?", "Alright, cancel the order for that then.", order_id, email],
    ]
    return scripts[i % len(scripts)]


def drive(port: int, path: str, sessions: int, concurrency: int, tag: str) -> tuple[list[float], float, int]:
    """Run every session's conversation; ``concurrency`` sessions at a time. Returns latencies (s), wall time, errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    next_session = iter(range(sessions))

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local, local_errors = [], 0
        while True:
            with lock:
                i = next(next_session, None)
            if i is None:
                break
            headers = {"Content-Type": "application/json"}
            for message in conversation(i):
                body = json.dumps({"session_id": f"{tag}-{i}", "message": message})
                started = time.perf_counter()
                try:
                    conn.request("POST", path, body, headers)
                    response = conn.getresponse()
                    response.read()
                    token = response.getheader("X-Session-Token")
                    if token:  # continue this conversation on the next message
                        headers = {**headers, "X-Session-Token": token}
                    if response.status != 200:
                        local_errors += 1
                except OSError:
                    local_errors += 1
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                local.append(time.perf_counter() - started)
        with lock:
            latencies.extend(local)
            errors += local_errors

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - started, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(name: str, latencies: list[float], wall: float, errors: int) -> dict:
    row = {
        "name": name,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }
    print(
        f"{name:<14} {row['requests']:>6} req  {row['errors']:>3} err  {row['rps']:>8.1f} req/s  "
        f"p50 {row['p50_ms']:>7.2f} ms  p95 {row['p95_ms']:>7.2f} ms  p99 {row['p99_ms']:>7.2f} ms"
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=["daphne", "gunicorn"], default="daphne")
    parser.add_argument("--sessions", type=int, default=400, help="conversations per endpoint (4 turns each)")
    parser.add_argument("--concurrency", type=int, default=16, help="sessions in flight at once")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL")
    tmp = None
    if not database_url:
        tmp = tempfile.mkdtemp(prefix="chat-bench-")
        database_url = f"sqlite:///{tmp}/bench.sqlite3"
    env = server_env(database_url)
    prepare_database(env, args.sessions)

    port = free_port()
    server = start_server(args.server, port, env)
    try:
        print(
            f"server: {args.server} on 127.0.0.1:{port}; database: {database_url.split('@')[-1]}; "
            f"{args.sessions} sessions × 4 turns, {args.concurrency} concurrent; {os.cpu_count()} CPUs"
        )
        drive(port, "/bench/validate", 32, 4, "warm")  # warm up both paths and the classifier
        drive(port, "/chat", 32, 4, "warm")
        bare = summary("bare validate", *drive(port, "/bench/validate", args.sessions, args.concurrency, "bare"))
        chat = summary("POST /chat", *drive(port, "/chat", args.sessions, args.concurrency, "chat"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)

    throughput_ratio = chat["rps"] / bare["rps"]
    p99_ratio = chat["p99_ms"] / bare["p99_ms"]
    print(f"ratio /chat ÷ bare: throughput {throughput_ratio:.2f} (target ≥ 0.50), p99 {p99_ratio:.2f}× (target ≤ 4)")
    ok = throughput_ratio >= 0.5 and p99_ratio <= 4 and chat["errors"] == 0
    print("RESULT:", "meets targets" if ok else "MISSES targets")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
