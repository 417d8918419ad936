"""The widget's POST /chat fallback from a shop's own site (a cross-origin request)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.com"


@override_settings(CORS_ALLOWED_ORIGINS=[SHOP])
def test_an_embedding_shop_may_post_to_chat_across_origins(client):
    preflight = client.options(
        "/chat",
        HTTP_ORIGIN=SHOP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == SHOP
    response = client.post("/chat", {"session_id": "cors", "message": "hi"}, content_type="application/json", HTTP_ORIGIN=SHOP)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SHOP
    assert "X-Message-Id" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@override_settings(CORS_ALLOWED_ORIGINS=[SHOP])
def test_other_origins_and_other_endpoints_get_no_cors(client):
    response = client.post(
        "/chat", {"session_id": "cors", "message": "hi"}, content_type="application/json", HTTP_ORIGIN="https://evil.example.net"
    )
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get("/api/orders/ORD-1234", HTTP_ORIGIN=SHOP)
