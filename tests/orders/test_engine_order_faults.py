"""What a customer sees when the order system misbehaves behind the HTTP backend.

Drives the real chat engine (``chat_turn``) against the loopback fault server: the reply
is the apology, the tool-call record says the order system was unavailable, and the turn
stays within the order client's time budget.
"""

from __future__ import annotations

import time

import pytest

from assistant.services import chat_turn
from tests.orders.fault_server import FaultServer, hang, respond

pytestmark = pytest.mark.django_db
BUDGET = 1.0
SLACK = 0.5  # the engine's own work on a busy 2-core machine
APOLOGY = "can't reach the order system"
ORDER_PATH = "/api/orders/ORD-4567"


@pytest.fixture
def server(settings):
    server = FaultServer().start()
    settings.ORDER_CLIENT_BACKEND = "http"
    settings.ORDER_API_BASE_URL = server.url
    settings.ORDER_API_KEY = "ok_test.key"
    settings.ORDER_API_TIMEOUT_SECONDS = BUDGET
    settings.ORDER_CIRCUIT_FAILURE_THRESHOLD = 2
    yield server
    server.stop()


def ask_about_order(session_id: str):
    """The customer names the order, then gives the email the engine asks for; returns the
    second turn's reply and how long it took."""
    first = chat_turn(session_id=session_id, message="Where is my order ORD-4567?", channel="api")
    started = time.monotonic()
    reply = chat_turn(session_id=session_id, session_token=first.session_token, message="alex@example.com", channel="api")
    return reply, time.monotonic() - started


def failed_tools(reply) -> list[dict]:
    return [call for call in reply.tool_calls if call["result"].get("error") == "order_system_unavailable"]


def test_hanging_order_system_gets_an_apology_within_the_budget(server):
    server.script(ORDER_PATH, hang)
    reply, elapsed = ask_about_order("fault-hang-1")
    assert APOLOGY in reply.response
    assert failed_tools(reply)
    assert elapsed < BUDGET + SLACK


@pytest.mark.parametrize("behaviour", [respond(500), respond(200, b"<html>oops</html>")], ids=["server-error", "garbage-json"])
def test_failing_order_system_gets_an_apology(server, behaviour):
    server.script(ORDER_PATH, behaviour)
    reply, elapsed = ask_about_order("fault-bad-1")
    assert APOLOGY in reply.response
    assert failed_tools(reply)
    assert elapsed < BUDGET + SLACK


def test_open_circuit_answers_at_once_and_recovers(server):
    server.script(ORDER_PATH, respond(500))
    ask_about_order("fault-circuit-1")
    ask_about_order("fault-circuit-2")  # the second failed call opens the circuit
    calls_so_far = server.count(ORDER_PATH)

    reply, elapsed = ask_about_order("fault-circuit-3")

    assert APOLOGY in reply.response
    assert elapsed < 0.3
    assert server.count(ORDER_PATH) == calls_so_far  # nothing was sent
