"""Scale-out: scripts/run_cluster.py runs two daphne processes on one PostgreSQL and one
Redis; a conversation whose turns alternate between them keeps its state.

Runs in CI's PostgreSQL + Redis pass. The servers get a database of their own (created,
migrated and loaded with the demo data by manage.py, dropped afterwards): pytest's test
database is invisible to other processes.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from core.session_hash import session_hash
from tests.live_daphne import free_port, postgres_database

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = BASE_DIR / "scripts" / "run_cluster.py"

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def cluster_database(postgres_url):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the PostgreSQL + Redis pass (DATABASE_URL set to PostgreSQL)")
    with postgres_database(postgres_url) as database_url:
        yield database_url


def read_until_ready(process: subprocess.Popen, timeout: float) -> list[str]:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    output: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=1):
            continue
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.startswith("cluster ready: "):
            return line.split(": ", 1)[1].split()
    raise AssertionError("the cluster did not start:\n" + "".join(output))


@pytest.fixture
def cluster(cluster_database, redis_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DATABASE_URL=cluster_database,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"cluster-{uuid.uuid4().hex[:8]}",
        LOG_FORMAT="json",
    )
    ports = f"{free_port()},{free_port()}"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--prepare", "--demo", "--ports", ports, "--log-dir", str(tmp_path)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        urls = read_until_ready(process, timeout=180)
        yield urls, tmp_path, cluster_database
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
            process.stdout.close()


# Each session's secret, as a client keeps it from the first reply (X-Session-Token).
TOKENS: dict[str, str] = {}


def say(base_url: str, session_id: str, message: str) -> dict:
    headers = {"Content-Type": "application/json"}
    if session_id in TOKENS:
        headers["X-Session-Token"] = TOKENS[session_id]
    request = urllib.request.Request(
        f"{base_url}/chat",
        data=json.dumps({"session_id": session_id, "message": message}).encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        if answer.headers.get("X-Session-Token"):
            TOKENS[session_id] = answer.headers["X-Session-Token"]
        return json.loads(answer.read())


def tools(reply: dict) -> dict[str, dict]:
    return {call["tool"]: call["result"] for call in reply["tool_calls"]}


def test_a_conversation_alternating_between_two_processes_keeps_its_state(cluster):
    (process_a, process_b), log_dir, database_url = cluster
    session = f"cluster-{uuid.uuid4().hex[:8]}"

    asks_number = say(process_a, session, "I want to cancel my order")
    asks_email = say(process_b, session, "ORD-4567")
    cancelled = say(process_a, session, "alex.morgan@example.com")
    status = say(process_b, session, "What's the status of ORD-4567?")

    assert asks_number["agent"] == "OrderCancellationAgent" and "ORD-" in asks_number["response"]
    assert asks_email["agent"] == "OrderCancellationAgent" and "email" in asks_email["response"].lower()
    assert tools(cancelled)["IdentityVerification"] == {"verified": True}
    assert tools(cancelled)["OrderCancellationAPI"]["status"] == "cancelled"
    # Process B knows the customer was verified on process A: no second identity check.
    assert status["agent"] == "OrderTrackingAgent"
    assert "IdentityVerification" not in tools(status)
    assert tools(status)["OrderTrackingAPI"]["status"] == "cancelled"

    import psycopg

    with psycopg.connect(database_url) as conn:
        (order_status,) = conn.execute("SELECT status FROM orders_order WHERE order_id = 'ORD-4567'").fetchone()
        (messages,) = conn.execute(
            "SELECT count(*) FROM assistant_message m JOIN assistant_conversation c ON c.id = m.conversation_id"
            " WHERE c.session_id = %s",
            [session],
        ).fetchone()
    assert order_status == "cancelled" and messages == 8

    # Both processes answered turns of this conversation (their JSON logs say so).
    for port in (urlparse(process_a).port, urlparse(process_b).port):
        lines = [json.loads(line) for line in (log_dir / f"app-{port}.log").read_text().splitlines() if line.startswith("{")]
        # Log lines carry the session ID's keyed hash (same SECRET_KEY in both processes).
        turns = [line for line in lines if line.get("event") == "chat turn" and line.get("session_id") == session_hash(session)]
        assert len(turns) == 2, f"process on port {port} answered {len(turns)} turns"
