"""Failing safely and fast: bad input is a 400, a dead database a quick JSON 503.

The database-down tests start a real daphne process pointed at a PostgreSQL port where
nothing listens, and time the answers with the clock: every request used to wait 10 s
for the connection pool before an HTML 500.
"""

from __future__ import annotations

import json
import time
from datetime import date
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from assistant.desk.admin import insights_period
from core.exceptions import server_error
from tests.live_daphne import free_port, live_daphne, server_env

DEEP = 100_000


def post_json(client, path: str, body: bytes | str):
    return client.post(path, body, content_type="application/json")


# --- Bad JSON is the client's mistake: 400, in JSON -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/chat", "/chat/feedback"])
@pytest.mark.parametrize(
    "body",
    ["[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP, '{"session_id": "abc", "message": ' + "[" * DEEP],
    ids=["arrays", "objects", "unterminated"],
)
def test_json_nested_100000_deep_is_a_400_saying_so(client, path, body):
    response = post_json(client, path, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert payload["error"] == "parse_error"
    if body.endswith("]" * 10) or body.endswith("}" * 10):
        assert "nested too deeply" in payload["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"session_id": "abc", "message": "hi"',
        b"\xff\xfe\x00{",
        b"1" * 5000,  # an integer longer than Python converts from text
        b'{"session_id": "abc", "message": NaN}',
        b"",
    ],
    ids=["truncated", "unterminated", "not-utf8", "huge-integer", "nan", "empty"],
)
def test_malformed_json_is_a_400_never_a_500(client, body):
    response = post_json(client, "/chat", body)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"] in {"parse_error", "validation_error"}


@pytest.mark.django_db
def test_too_deep_json_to_the_order_api_is_a_400(client):
    response = client.post("/api/orders/ORD-4567/cancel", "[" * DEEP, content_type="application/json", HTTP_X_API_KEY="not-a-key")
    # Authentication runs first; either way the answer is a client error in JSON, never a 500.
    assert 400 <= response.status_code < 500
    assert response.json()["error"]


# --- Unexpected errors under the API are JSON too ---------------------------------------------


@pytest.mark.django_db
def test_an_unexpected_error_in_chat_is_a_json_500_not_an_html_page(client, monkeypatch):
    def broken_turn(**kwargs):
        raise RuntimeError("a bug in the engine")

    monkeypatch.setattr("assistant.api.views.chat_turn", broken_turn)
    response = post_json(client, "/chat", json.dumps({"session_id": "abc", "message": "hello"}))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "internal_error",
        "message": "Something went wrong on our side; please try again.",
    }
    assert "a bug in the engine" not in response.content.decode()


def test_the_last_resort_500_handler_answers_json_for_the_api_and_html_elsewhere():
    factory = RequestFactory()
    api = server_error(factory.post("/chat"))
    assert api.status_code == 500 and json.loads(api.content)["error"] == "internal_error"
    page = server_error(factory.get("/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


# --- The staff insights page: a mistyped link shows the default period ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["days=abc", "days=0", "days=-5", "days=99999999999", "days=1e3", "start=2025-02-30", "end=garbage", "end=9999-12-31"],
)
def test_insights_with_a_bad_period_is_not_a_500(staff_client, query):
    response = staff_client.get(reverse("admin:assistant_insights") + "?" + query)
    assert response.status_code == 200
    if not query.startswith("end=9999"):  # a far future end is only clamped to today
        assert "Ignored" in response.content.decode()


def test_insights_period_falls_back_to_the_last_30_days_and_names_what_it_ignored():
    today = date(2026, 5, 31)
    start, end, ignored = insights_period(QueryDict("days=abc"), today=today)
    assert (start, end) == (date(2026, 5, 2), today)
    assert ignored == ["Ignored days='abc': a whole number from 1 to 366; showing the last 30 days."]
    assert insights_period(QueryDict("days=7"), today=today) == (date(2026, 5, 25), today, [])
    assert insights_period(QueryDict("start=2026-05-01&end=2026-05-10"), today=today) == (
        date(2026, 5, 1),
        date(2026, 5, 10),
        [],
    )


# --- PostgreSQL down: a JSON 503 within about 2 s, /readyz within 1 s -------------------------------


def _timed(request: Request | str) -> tuple[int, dict, str, float]:
    started = time.monotonic()
    try:
        with urlopen(request, timeout=20) as response:
            status, content_type, body = response.status, response.headers["Content-Type"], response.read()
    except HTTPError as error:
        status, content_type, body = error.code, error.headers["Content-Type"], error.read()
    return status, json.loads(body), content_type, time.monotonic() - started


@pytest.mark.slow
def test_with_postgresql_down_chat_is_a_json_503_within_2s_and_readyz_within_1s(tmp_path):
    pytest.importorskip("psycopg")
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/test"
    # The production default: a connection pool per process (DATABASE_POOL).
    with live_daphne(server_env(DATABASE_URL=dead, DATABASE_POOL="true"), tmp_path) as server:
        chat = Request(
            f"{server.http_url}/chat",
            data=json.dumps({"session_id": "db-down", "message": "where is my order ORD-4567?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        for _ in range(2):  # the first request and the ones after it
            status, body, content_type, seconds = _timed(chat)
            assert status == 503, body
            assert content_type == "application/json"
            assert body["error"] == "service_unavailable" and body["detail"] and body["message"]
            assert seconds < 3.0, f"/chat took {seconds:.2f} s with the database down"

            status, body, content_type, seconds = _timed(f"{server.http_url}/readyz")
            assert status == 503
            assert body["failing"] == ["database"]
            assert seconds < 1.5, f"/readyz took {seconds:.2f} s with the database down"

        status, body, _, seconds = _timed(f"{server.http_url}/healthz")  # liveness touches no dependency
        assert status == 200 and seconds < 0.5
