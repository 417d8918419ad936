"""Prometheus metrics at /metrics: the assistant's own beside django-prometheus's.

The registry is process-global, so every check compares values before and after.
"""

from __future__ import annotations

import re

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.orders.factories import OrderFactory


def scrape(client) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples, name: str, **labels) -> float:
    """Sum over every series of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, series), v in samples.items() if n == name and wanted <= series)


def say(client, session_id: str, message: str) -> dict:
    response = client.post("/chat", {"session_id": session_id, "message": message}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_a_tracking_turn_counts_the_turn_handover_tools_and_latencies(client):
    OrderFactory(order_id="ORD-3001", customer_email="kim@example.com")
    before = scrape(client)
    reply = say(client, "metrics-track", "Where is my order ORD-3001? My email is kim@example.com")
    after = scrape(client)

    agent = reply["agent"]
    assert agent == "OrderTrackingAgent"
    delta = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert delta("assistant_turns_total", agent=agent, channel="api") == 1
    assert delta("assistant_handovers_total", from_agent="OrchestratorAgent", to_agent=agent) == 1
    assert delta("assistant_agent_duration_seconds_count", agent=agent) == 1
    assert delta("assistant_turn_duration_seconds_count", channel="api") == 1
    assert delta("assistant_turn_duration_seconds_sum", channel="api") > 0
    tools = [call["tool"] for call in reply["tool_calls"]]
    assert tools
    for tool in set(tools):
        assert delta("assistant_tool_calls_total", tool=tool, outcome="ok") == tools.count(tool)
        assert delta("assistant_tool_duration_seconds_count", tool=tool) == tools.count(tool)
    # django-prometheus: requests by view, database queries, cache reads.
    assert delta("django_http_requests_total_by_view_transport_method_total", view="chat", transport="http", method="POST") == 1
    assert total(after, "django_db_execute_total") > total(before, "django_db_execute_total")
    assert total(after, "django_cache_get_total") > total(before, "django_cache_get_total")


@pytest.mark.django_db
def test_failed_identity_checks_fallbacks_and_unanswered_questions_are_counted(client):
    OrderFactory(order_id="ORD-3002", customer_email="lee@example.com")
    before = scrape(client)
    say(client, "metrics-identity", "Where is my order ORD-3002? My email is someone.else@example.com")
    say(client, "metrics-hello", "hello")
    product = say(client, "metrics-kb", "Does the Aurora kettle come in a purple finish?")  # an empty knowledge base
    after = scrape(client)

    delta = lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)  # noqa: E731
    assert delta("assistant_identity_check_failures_total", reason="no_match") == 1
    assert delta("assistant_fallbacks_total", reason="greeting") == 1
    assert product["agent"] == "ProductQAAgent"
    assert delta("assistant_kb_search_duration_seconds_count") >= 1
    assert delta("assistant_kb_no_answer_total") == 1
    assert ("assistant_websocket_connections", frozenset()) in after


@pytest.mark.django_db
def test_throttled_turns_are_counted_by_limit(client, settings):
    settings.CHAT_RATE_LIMIT_SESSION = "1/min"
    before = scrape(client)
    say(client, "metrics-throttle", "hello")
    assert (
        client.post("/chat", {"session_id": "metrics-throttle", "message": "hello"}, content_type="application/json").status_code
        == 429
    )
    after = scrape(client)
    assert (
        value(after, "assistant_chat_throttled_total", scope="session")
        - value(before, "assistant_chat_throttled_total", scope="session")
        == 1
    )


UNBOUNDED_LABELS = {"session_id", "order_id", "request_id", "trace_id", "email", "user", "ip", "message"}


def test_the_assistants_metric_names_and_labels_follow_prometheus_conventions():
    import orders.metrics  # noqa: F401  (registered when the HTTP order client is loaded)

    ours = [f for f in REGISTRY.collect() if f.name.startswith(("assistant_", "order_client_"))]
    names = {f.name for f in ours}
    assert {
        "assistant_turns", "assistant_handovers", "assistant_tool_calls", "assistant_agent_duration_seconds",
        "assistant_tool_duration_seconds", "assistant_kb_search_duration_seconds", "assistant_kb_no_answer",
        "assistant_identity_check_failures", "assistant_fallbacks", "assistant_websocket_connections",
        "assistant_chat_throttled", "order_client_circuit_state",
    } <= names  # fmt: skip
    for family in ours:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", family.name), family.name
        if family.type == "counter":
            assert not family.name.endswith("_total")  # the client adds _total to the samples
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), f"{family.name}: a histogram of time is in seconds"
        for sample in family.samples:
            assert not set(sample.labels) & UNBOUNDED_LABELS, f"{sample.name} has an unbounded label"
            if family.type == "counter" and not sample.name.endswith("_created"):
                assert sample.name.endswith("_total"), sample.name
