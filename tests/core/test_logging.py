"""Structured logs: JSON lines with the request's context, personal data redacted."""

from __future__ import annotations

import json
import logging

import pytest

from core.logs import redact_text
from core.session_hash import session_hash
from tests.logs import captured_json_logs, json_lines
from tests.orders.factories import OrderFactory


@pytest.fixture
def json_log_lines():
    """Every log line written during the test, as production writes it (JSON), parsed."""
    with captured_json_logs(logging.INFO) as stream:
        yield lambda: json_lines(stream)


def _chat(client, message: str, **headers):
    return client.post("/chat", {"session_id": "log-session-1", "message": message}, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_chat_turn_logs_json_lines_carrying_the_request_id_session_agent_and_tools(client, json_log_lines):
    OrderFactory(order_id="ORD-1001", customer_email="jane.doe@example.com")
    response = _chat(
        client, "Where is my order ORD-1001? My email is jane.doe@example.com", HTTP_X_REQUEST_ID="support-ticket-42"
    )

    assert response.status_code == 200
    assert response["X-Request-ID"] == "support-ticket-42"
    lines = json_log_lines()
    turn = next(line for line in lines if line["event"] == "chat turn")
    assert turn["request_id"] == "support-ticket-42"
    # The session ID is logged as its keyed hash (core/session_hash.py), never as itself.
    assert turn["session_id"] == session_hash("log-session-1")
    assert turn["level"] == "info"
    assert turn["timestamp"].endswith("Z")
    assert turn["agent"] == response.json()["agent"]
    assert turn["intent"] == "track"
    assert isinstance(turn["duration_ms"], float)
    assert isinstance(turn["tools"], list)
    tool_lines = [line for line in lines if line["event"] == "tool call"]
    assert tool_lines, "each tool call is logged"
    assert all(line["request_id"] == "support-ticket-42" and "outcome" in line for line in tool_lines)
    assert all(line["session_id"] == session_hash("log-session-1") for line in tool_lines)
    request_line = next(line for line in lines if line["event"] == "request finished")
    assert request_line["status"] == 200 and request_line["path"] == "/chat"
    assert "jane.doe@example.com" not in json.dumps(lines)
    assert "log-session-1" not in json.dumps(lines)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_generated_one_and_a_forged_one_is_replaced(client, json_log_lines):
    generated = _chat(client, "hello")["X-Request-ID"]
    forged = _chat(client, "hello", HTTP_X_REQUEST_ID='x" level=critical\nfake line')["X-Request-ID"]

    assert len(generated) == 32 and generated.isalnum()
    assert forged != 'x" level=critical\nfake line' and len(forged) == 32
    ids = {line.get("request_id") for line in json_log_lines() if line["event"] == "chat turn"}
    assert ids == {generated, forged}


def test_emails_phone_and_card_numbers_are_redacted_from_messages_and_fields(json_log_lines):
    logging.getLogger("tests.logging").warning(
        "customer jane.doe@example.com called from +44 20 7946 0958",
        extra={"note": "paid with 4111 1111 1111 1111", "contacts": ["bob@shop.example"], "order_id": "ORD-4567"},
    )

    (line,) = json_log_lines()
    text = json.dumps(line)
    assert "jane.doe@example.com" not in text and "bob@shop.example" not in text
    assert "7946" not in text and "4111" not in text
    assert line["event"] == "customer [email] called from [phone]"
    assert line["note"] == "paid with [card]"
    assert line["contacts"] == ["[email]"]
    assert line["order_id"] == "ORD-4567"  # order numbers stay: they are what support searches by
    assert line["level"] == "warning" and line["logger"] == "tests.logging"


@pytest.mark.parametrize(
    "text",
    ["ORD-4567", "took 12.5 ms", "peer 192.168.100.200", "at 2025-11-24 12:00:05", "opentelemetry 1.45.2", "42 items"],
)
def test_identifiers_dates_and_addresses_are_not_mistaken_for_personal_data(text):
    assert redact_text(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("call 555-123-4567", "call [phone]"),
        ("call (555) 123 4567 today", "call [phone] today"),
        ("+33612345678", "[phone]"),
        ("card 4111-1111-1111-1111!", "card [card]!"),
        ("card 378282246310005", "card [card]"),
        ("mail J.Doe+shop@mail.example.co.uk now", "mail [email] now"),
    ],
)
def test_personal_data_in_many_shapes_is_redacted(text, expected):
    assert redact_text(text) == expected


def test_an_exception_is_one_json_line_with_its_traceback_redacted(json_log_lines):
    try:
        raise ValueError("no order for jane@example.com")
    except ValueError:
        logging.getLogger("tests.logging").exception("lookup failed")

    (line,) = json_log_lines()
    assert line["level"] == "error"
    assert "ValueError" in line["exception"] and "jane@example.com" not in line["exception"]
