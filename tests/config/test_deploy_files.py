"""The deployment files stay true to the code: every metric an alert or a dashboard panel
reads is one the app exports, and the topology is what docs/operations.md describes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
METRIC_RE = re.compile(r"\b((?:assistant|django|order_client)_[a-z0-9_]+)\b")


@pytest.fixture
def exported_names(client) -> set[str]:
    """Every sample name the app can export (a labelled series appears once it has a value)."""
    from prometheus_client import REGISTRY

    client.get("/healthz")  # django-prometheus registers its metrics with its middleware

    import orders.metrics  # noqa: F401  (registered when the HTTP order client is loaded)

    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"], "gauge": [""], "summary": ["_count", "_sum"]}
    return {family.name + suffix for family in REGISTRY.collect() for suffix in suffixes.get(family.type, [""])}


def alert_rules() -> dict[str, dict]:
    groups = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"]}


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "assistant-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_metric_in_the_alerts_and_the_dashboard_is_exported(exported_names):
    exprs = [rule["expr"] for rule in alert_rules().values()] + dashboard_exprs()
    referenced = {name for expr in exprs for name in METRIC_RE.findall(expr)}
    assert referenced, "the files read metrics"
    assert referenced - exported_names == set()


def test_alerts_cover_errors_latency_and_the_order_system_circuit():
    rules = alert_rules()
    assert "5.." in rules["AssistantHighErrorRate"]["expr"]
    assert "histogram_quantile(0.99" in rules["AssistantChatTurnLatencyP99High"]["expr"]
    assert "order_client_circuit_state" in rules["OrderSystemCircuitOpen"]["expr"]
    assert all(rule["labels"]["severity"] and rule["annotations"]["summary"] for rule in rules.values())


def test_the_image_runs_as_a_non_root_user_with_a_healthcheck():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.M)
    assert "collectstatic" in dockerfile


def test_compose_runs_two_app_processes_behind_a_proxy_on_postgres_and_redis():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "app-1", "app-2", "nginx"} <= set(services)
    for app in ("app-1", "app-2"):
        env = services[app]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
        assert env["DJANGO_ENV"] == "production" and env["TRUSTED_PROXIES"]
    nginx = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert "server app-1:8000" in nginx and "server app-2:8000" in nginx
    ws = nginx[nginx.index("location /ws/") :]
    assert "proxy_set_header Upgrade" in ws and "$connection_upgrade" in ws
    assert "location = /metrics { return 404; }" in nginx
