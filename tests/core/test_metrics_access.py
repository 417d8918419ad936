"""/metrics is for the monitoring system: allowed addresses, or the bearer token."""

from __future__ import annotations

import json
import secrets

import pytest
from django.test import override_settings

from tests.config.test_production import production_env, run

TOKEN = "scrape-" + "k" * 20


@override_settings(METRICS_ALLOWED_IPS=["127.0.0.1", "10.1.0.0/16"], METRICS_TOKEN="")
@pytest.mark.parametrize("address, status", [("127.0.0.1", 200), ("10.1.2.3", 200), ("203.0.113.9", 403)])
def test_metrics_are_served_only_to_allowed_addresses(client, address, status):
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == status
    assert (b"assistant_turns_total" in response.content) is (status == 200)


@override_settings(METRICS_ALLOWED_IPS=["127.0.0.1"], METRICS_TOKEN=TOKEN)
def test_a_scraper_with_the_bearer_token_is_served_from_anywhere(client):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    refused = client.get("/metrics", **outside, HTTP_AUTHORIZATION="Bearer wrong-token")
    assert refused.status_code == 403 and refused["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", **outside).status_code == 403


@override_settings(METRICS_ALLOWED_IPS=["127.0.0.1"], METRICS_TOKEN="", TRUSTED_PROXIES=["10.0.0.1"])
def test_a_forwarded_for_header_counts_only_from_a_trusted_proxy(client):
    # A client cannot claim to be loopback; a trusted proxy's word about its client counts.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


PROBE = r"""
import json, django
django.setup()
from django.test import Client
client = Client()
get = lambda address, **extra: client.get("/metrics", REMOTE_ADDR=address, secure=True, **extra).status_code
print(json.dumps({"loopback": get("127.0.0.1"), "ipv6_loopback": get("::1"), "outside": get("198.51.100.7"),
                  "token": get("198.51.100.7", HTTP_AUTHORIZATION="Bearer " + __import__("os").environ["METRICS_TOKEN"])}))
"""


@pytest.mark.slow
def test_production_defaults_to_loopback_only(tmp_path):
    result = run(production_env(tmp_path, METRICS_TOKEN=secrets.token_urlsafe(32)), "-c", PROBE)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"loopback": 200, "ipv6_loopback": 200, "outside": 403, "token": 200}


def test_the_compose_prometheus_scrapes_with_the_bearer_token():
    import yaml

    from tests.config.test_deploy_files import DEPLOY

    scrape = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())["scrape_configs"][0]
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert scrape["authorization"] == {"type": "Bearer", "credentials_file": "/run/secrets/metrics_token"}
    assert compose["services"]["prometheus"]["secrets"] == ["metrics_token"]
    assert compose["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    assert "METRICS_TOKEN=" in (DEPLOY / "env.example").read_text()
