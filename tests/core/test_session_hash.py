"""A chat session ID appears in no log line and no audit row: both keep its keyed hash
(core/session_hash.py), and staff still find the rows from the conversation."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from assistant.models import Conversation
from core.session_hash import session_hash, without_session_id
from orders.models import CancellationAudit, IdempotencyRecord, Order, OrderStatus
from tests.assistant.conftest import ChatSession
from tests.logs import captured_json_logs
from tests.orders.factories import OrderFactory

SESSION_ID = "raw-session-7f3a9c"


@pytest.fixture
def log_stream():
    with captured_json_logs(logging.DEBUG) as stream:
        yield stream


def test_the_hash_is_short_stable_keyed_and_not_the_id():
    digest = session_hash(SESSION_ID)
    assert len(digest) == 16 and int(digest, 16) >= 0
    assert session_hash(SESSION_ID) == digest and session_hash("other") != digest
    assert SESSION_ID not in digest and session_hash("") == ""
    with override_settings(SECRET_KEY="another-key-" + "x" * 50):
        assert session_hash(SESSION_ID) != digest  # keyed: not computable without the secret


def test_an_id_embedded_in_a_value_is_replaced_the_same_way_every_time():
    key = f"{SESSION_ID}:ORD-4567:abc"
    assert without_session_id(key, SESSION_ID) == f"{session_hash(SESSION_ID)}:ORD-4567:abc"
    assert without_session_id(key, SESSION_ID) == without_session_id(key, SESSION_ID)
    assert without_session_id("turn-1", SESSION_ID) == "turn-1"


@pytest.mark.django_db
def test_a_cancellation_leaves_the_session_id_in_no_log_line_and_no_audit_row(client, log_stream):
    OrderFactory(order_id="ORD-4567", customer_email="alex.morgan@example.com", placed_at=timezone.now() - timedelta(hours=1))
    chat = ChatSession(client, session_id=SESSION_ID)
    for message in ("I want to cancel my order ORD-4567", "alex.morgan@example.com", "yes", "yes"):
        if Order.objects.get(order_id="ORD-4567").status == OrderStatus.CANCELLED:
            break
        chat.say(message)
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.CANCELLED

    logs = log_stream.getvalue()
    lines = [json.loads(line) for line in logs.splitlines() if line.strip()]
    assert any(line.get("session_id") for line in lines), "lines still carry a (hashed) session_id"
    assert SESSION_ID not in logs

    audit = CancellationAudit.objects.get()
    rows = [audit.__dict__, *IdempotencyRecord.objects.values()]
    assert SESSION_ID not in json.dumps(rows, default=str)
    assert len(audit.session_id) == 16
    # The same hash as the conversation's log lines: a support engineer can go from one to
    # the other, and from the conversation (which keeps its session ID) to both.
    conversation_key = Conversation.objects.get().session_id
    assert audit.session_id == session_hash(conversation_key)
    assert any(line.get("session_id") == audit.session_id for line in lines)


def test_support_staff_get_the_hash_of_a_session_to_search_the_logs():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("session_hash", SESSION_ID, stdout=out)
    assert out.getvalue().split() == [SESSION_ID, session_hash(SESSION_ID)]
