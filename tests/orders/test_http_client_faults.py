"""The HTTP order client against an order system that hangs, fails, lies and stalls.

Every failure must reach the agents as a typed ``OrderSystemUnavailable`` within the
time budget, with a reason for the metric; reads are retried, cancels only when the
server proves it did nothing, and a failing system trips the circuit breaker.
"""

from __future__ import annotations

import socket
import time

import pytest
from prometheus_client import REGISTRY

from orders.clients.circuit import CLOSED, OPEN, CircuitBreaker
from orders.clients.http import HttpOrderClient
from orders.domain import (
    IdempotencyKeyReused,
    InvalidOrderId,
    OrderNotFound,
    OrderSystemUnavailable,
    Requester,
)
from tests.orders.fault_server import (
    CANCELLED_JSON,
    FaultServer,
    drop,
    hang,
    ok,
    respond,
    trickle,
)

BUDGET = 1.0
SLACK = 0.3  # thread scheduling on a busy 2-core machine
GET_PATH = "/api/orders/ORD-4567"
CANCEL_PATH = "/api/orders/ORD-4567/cancel"
CHAT = Requester(channel="chat", session_id="sess-1")


@pytest.fixture
def server():
    server = FaultServer().start()
    yield server
    server.stop()


def make_client(url: str, *, budget: float = BUDGET, retries: int = 2, threshold: int = 50, cooldown: float = 30):
    breaker = CircuitBreaker(f"{url}-{time.monotonic()}", failure_threshold=threshold, cooldown_seconds=cooldown)
    return HttpOrderClient(base_url=url, api_key="ok_test.key", timeout_seconds=budget, read_retries=retries, breaker=breaker)


@pytest.fixture
def client(server):
    client = make_client(server.url)
    yield client
    client.close()


def errors(reason: str) -> float:
    return REGISTRY.get_sample_value("order_client_errors_total", {"reason": reason}) or 0.0


def call_timed(fn, *args, **kwargs):
    started = time.monotonic()
    try:
        fn(*args, **kwargs)
    except Exception as exc:
        return exc, time.monotonic() - started
    raise AssertionError("expected the call to fail")


def test_healthy_server_answers_with_a_record(server, client):
    server.script(GET_PATH, ok())
    record = client.get_order("ORD-4567")
    assert (record.order_id, record.product_names) == ("ORD-4567", ["Trail shoes"])
    method, _, headers, _ = server.requests[0]
    assert method == "GET" and headers["X-API-Key"] == "ok_test.key"


def test_hanging_server_gives_a_timeout_within_the_budget(server, client):
    server.script(GET_PATH, hang)
    before = errors("timeout")

    exc, elapsed = call_timed(client.get_order, "ORD-4567")

    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "timeout"
    assert elapsed < BUDGET + SLACK
    assert errors("timeout") == before + 1


def test_default_budget_bounds_a_call_to_about_three_seconds(server, settings):
    from orders.clients import get_order_client

    settings.ORDER_CLIENT_BACKEND = "http"
    settings.ORDER_API_BASE_URL = server.url
    settings.ORDER_API_KEY = "ok_test.key"
    server.script(GET_PATH, hang)

    exc, elapsed = call_timed(get_order_client().get_order, "ORD-4567")

    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "timeout"
    assert 2.9 < elapsed < 3.0 + SLACK


def test_trickling_server_cannot_stretch_the_call_past_the_budget(server, client):
    server.script(GET_PATH, trickle)
    exc, elapsed = call_timed(client.get_order, "ORD-4567")
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "timeout"
    assert elapsed < BUDGET + SLACK


def test_slow_but_timely_answer_is_accepted(server, client):
    server.script(GET_PATH, ok(delay=0.4))
    assert client.get_order("ORD-4567").order_id == "ORD-4567"


def test_read_is_retried_after_server_errors_and_succeeds(server, client):
    server.script(GET_PATH, respond(500), respond(503), ok())
    assert client.get_order("ORD-4567").order_id == "ORD-4567"
    assert server.count(GET_PATH) == 3


def test_read_gives_up_after_the_configured_retries(server, client):
    server.script(GET_PATH, respond(500))
    before = errors("server_error")
    exc, elapsed = call_timed(client.get_order, "ORD-4567")
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "server_error"
    assert server.count(GET_PATH) == 3  # 1 + ORDER_API_READ_RETRIES (2)
    assert elapsed < BUDGET + SLACK
    assert errors("server_error") == before + 1


def test_dropped_connection_is_retried_for_reads(server, client):
    server.script(GET_PATH, drop, ok())
    assert client.get_order("ORD-4567").order_id == "ORD-4567"


@pytest.mark.parametrize(
    "body",
    [b"<html>Bad gateway</html>", b'{"order_id": "ORD-4567"', b'{"order_id": "ORD-4567"}', b"[]", b"\xff\xfe"],
    ids=["html", "truncated", "missing-fields", "not-an-object", "not-utf8"],
)
def test_garbage_json_is_a_bad_response(server, client, body):
    server.script(GET_PATH, ok(body))
    before = errors("bad_response")
    exc, _ = call_timed(client.get_order, "ORD-4567")
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "bad_response"
    assert errors("bad_response") == before + 1


@pytest.mark.parametrize("status", [201, 302, 405, 418])
def test_unexpected_status_codes_are_bad_status(server, client, status):
    server.script(GET_PATH, respond(status, b"{}", headers={"Location": "/elsewhere"}))
    exc, _ = call_timed(client.get_order, "ORD-4567")
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "bad_status"
    assert server.count(GET_PATH) == 1


def test_rejected_api_key_is_auth_failed(server, client):
    server.script(GET_PATH, respond(403, b'{"error": "permission_denied", "message": "no"}'))
    exc, _ = call_timed(client.get_order, "ORD-4567")
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "auth_failed"


def test_documented_client_errors_keep_their_types(server, client):
    server.script(GET_PATH, respond(404, b'{"error": "not_found", "message": "No order ORD-4567."}'))
    with pytest.raises(OrderNotFound):
        client.get_order("ORD-4567")
    server.script(CANCEL_PATH, respond(400, b'{"error": "idempotency_key_reused", "message": "x"}'))
    with pytest.raises(IdempotencyKeyReused):
        client.cancel_order("ORD-4567", idempotency_key="k", requester=CHAT)
    with pytest.raises(InvalidOrderId):
        client.get_order("ORD-45")  # refused before any request
    assert server.count("/api/orders/ORD-45") == 0


def test_cancel_is_not_retried_after_a_server_error(server, client):
    server.script(CANCEL_PATH, respond(500), ok(CANCELLED_JSON))
    exc, _ = call_timed(client.cancel_order, "ORD-4567", idempotency_key="k", requester=CHAT)
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "server_error"
    assert server.count(CANCEL_PATH) == 1


def test_cancel_is_not_retried_after_a_timeout(server, client):
    server.script(CANCEL_PATH, hang, ok(CANCELLED_JSON))
    exc, elapsed = call_timed(client.cancel_order, "ORD-4567", idempotency_key="k", requester=CHAT)
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "timeout"
    assert server.count(CANCEL_PATH) == 1
    assert elapsed < BUDGET + SLACK


def test_cancel_is_retried_when_the_server_proves_nothing_was_done(server, client):
    server.script(CANCEL_PATH, respond(503, b"{}", headers={"X-Order-Request-Processed": "false"}), ok(CANCELLED_JSON))
    outcome = client.cancel_order("ORD-4567", idempotency_key="key-7", requester=CHAT)
    assert outcome.status == "cancelled"
    assert server.count(CANCEL_PATH) == 2
    keys = [headers["Idempotency-Key"] for _, path, headers, _ in server.requests if path == CANCEL_PATH]
    assert keys == ["key-7", "key-7"]


def test_cancel_is_retried_when_the_connection_was_never_made():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed as soon as the block ends: nobody listens
    client = make_client(f"http://127.0.0.1:{port}")
    before = errors("connect_error")
    exc, elapsed = call_timed(client.cancel_order, "ORD-4567", idempotency_key="k", requester=CHAT)
    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "connect_error"
    assert elapsed < BUDGET + SLACK
    assert errors("connect_error") == before + 1
    client.close()


def test_failing_system_opens_the_circuit_and_calls_stop(server):
    client = make_client(server.url, retries=0, threshold=3, cooldown=0.5)
    server.script(GET_PATH, respond(500))
    for _ in range(3):
        with pytest.raises(OrderSystemUnavailable):
            client.get_order("ORD-4567")
    assert client.breaker.state() == OPEN
    assert REGISTRY.get_sample_value("order_client_circuit_state") == OPEN
    before = errors("circuit_open")

    exc, elapsed = call_timed(client.get_order, "ORD-4567")

    assert isinstance(exc, OrderSystemUnavailable) and exc.reason == "circuit_open"
    assert elapsed < 0.05
    assert server.count(GET_PATH) == 3  # the open circuit sent nothing
    assert errors("circuit_open") == before + 1
    client.close()


def test_circuit_closes_after_the_cool_down_when_the_probe_succeeds(server):
    client = make_client(server.url, retries=0, threshold=2, cooldown=0.3)
    server.script(GET_PATH, respond(500), respond(500), ok())
    for _ in range(2):
        with pytest.raises(OrderSystemUnavailable):
            client.get_order("ORD-4567")
    assert client.breaker.state() == OPEN
    time.sleep(0.35)

    assert client.get_order("ORD-4567").order_id == "ORD-4567"
    assert client.breaker.state() == CLOSED
    assert REGISTRY.get_sample_value("order_client_circuit_state") == CLOSED
    client.close()


def test_failed_probe_reopens_the_circuit(server):
    client = make_client(server.url, retries=0, threshold=1, cooldown=0.3)
    server.script(GET_PATH, respond(500))
    with pytest.raises(OrderSystemUnavailable):
        client.get_order("ORD-4567")
    time.sleep(0.35)
    with pytest.raises(OrderSystemUnavailable) as probe:
        client.get_order("ORD-4567")
    assert probe.value.reason == "server_error"
    with pytest.raises(OrderSystemUnavailable) as after:
        client.get_order("ORD-4567")
    assert after.value.reason == "circuit_open"
    assert server.count(GET_PATH) == 2
    client.close()


def test_not_found_answers_do_not_open_the_circuit(server):
    client = make_client(server.url, threshold=2)
    for _ in range(4):
        with pytest.raises(OrderNotFound):
            client.get_order("ORD-4567")  # the default script answers 404
    assert client.breaker.state() == CLOSED
    client.close()


@pytest.mark.redis
def test_circuit_state_is_shared_through_redis(server, redis_url):
    from django_redis.cache import RedisCache

    shared = RedisCache(
        redis_url, {"OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}, "KEY_PREFIX": "orders-test"}
    )
    name = f"{server.url}-shared-{time.monotonic()}"
    first_process = CircuitBreaker(name, failure_threshold=1, cooldown_seconds=5, cache=shared)
    second_process = CircuitBreaker(name, failure_threshold=1, cooldown_seconds=5, cache=shared)
    try:
        first_process.record_failure()
        assert second_process.state() == OPEN
        second_process.record_success()
        assert first_process.state() == CLOSED
    finally:
        first_process.reset()
