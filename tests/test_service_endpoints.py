"""The endpoints an operator's load balancer and a developer's browser hit first."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_as_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_readyz_names_the_cache_when_it_is_unreachable(client):
    # A real Redis client pointed at a port where nothing listens.
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"] == "ok"


def test_metrics_are_served_in_prometheus_format(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content or b"django_http" in response.content


def test_openapi_schema_describes_chat(client):
    response = client.get("/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert b"/chat" in response.content


def test_docs_page_loads_no_asset_from_the_internet(client):
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    assert external == []


def test_docs_assets_are_served_locally(client):
    html = client.get("/docs").content.decode()
    for asset in re.findall(r"""src=["'](/static/[^"']+)""", html):
        assert client.get(asset).status_code == 200, asset
