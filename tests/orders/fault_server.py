"""A small order system on loopback that the tests make misbehave.

Each path gets a script: a list of behaviours used one per request, the last one
repeated. The server records every request it receives, so tests can count retries.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from orders.domain import CancelOutcome, OrderItemRecord, OrderRecord
from orders.wire import order_to_dict, outcome_to_dict

SAMPLE_ORDER = OrderRecord(
    order_id="ORD-4567",
    status="placed",
    placed_at=datetime(2026, 1, 1, 11, 0, tzinfo=dt_timezone.utc),
    customer_name="Alex Morgan",
    customer_email="alex@example.com",
    total=Decimal("129.00"),
    items=(OrderItemRecord(product_name="Trail shoes", sku="TS-1", quantity=1, unit_price=Decimal("129.00")),),
)
ORDER_JSON = json.dumps(order_to_dict(SAMPLE_ORDER)).encode()
CANCELLED_JSON = json.dumps(outcome_to_dict(CancelOutcome(status="cancelled", order=SAMPLE_ORDER, refunded=True))).encode()


def respond(status: int, body: bytes = b"", headers: dict | None = None, delay: float = 0.0):
    def behaviour(handler: "_Handler") -> None:
        if delay and handler.server.release.wait(delay):
            return
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return behaviour


def ok(body: bytes = ORDER_JSON, delay: float = 0.0):
    return respond(200, body, delay=delay)


def hang(handler: "_Handler") -> None:
    """Accept the request and never answer (until the test ends)."""
    handler.server.release.wait(30)


def trickle(handler: "_Handler") -> None:
    """Send the headers at once, then the body a byte every 0.2 s: each read is quick,
    the whole answer takes far longer than any budget."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(ORDER_JSON)))
    handler.end_headers()
    for byte in ORDER_JSON:
        if handler.server.release.wait(0.2):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()


def drop(handler: "_Handler") -> None:
    """Close the connection without a word."""
    handler.close_connection = True


class _Handler(BaseHTTPRequestHandler):
    server: "FaultServer"

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.record(self.command, self.path, dict(self.headers), body)
        try:
            self.server.behaviour_for(self.path)(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = _handle

    def log_message(self, format, *args):  # keep test output quiet
        pass


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.release = threading.Event()
        self.requests: list[tuple[str, str, dict, bytes]] = []
        self._scripts: dict[str, list] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def script(self, path: str, *behaviours) -> None:
        with self._lock:
            self._scripts[path] = list(behaviours)

    def behaviour_for(self, path: str):
        with self._lock:
            script = self._scripts.get(path) or [respond(404, b'{"error": "not_found", "message": "no"}')]
            return script.pop(0) if len(script) > 1 else script[0]

    def record(self, method: str, path: str, headers: dict, body: bytes) -> None:
        with self._lock:
            self.requests.append((method, path, headers, body))

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for _, p, _, _ in self.requests if p == path)

    def start(self) -> "FaultServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


def wait_until(predicate, timeout: float = 2.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
