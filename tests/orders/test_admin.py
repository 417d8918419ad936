"""Staff manage API keys and read the cancellation audit in the admin."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from core.session_hash import session_hash
from orders.api_keys import api_key_verify
from orders.models import ApiKey
from tests.orders.factories import ApiKeyFactory, CancellationAuditFactory, OrderFactory

pytestmark = pytest.mark.django_db
ADMIN = f"/{settings.ADMIN_URL}"


def test_new_api_key_is_shown_once_and_then_works(staff_client):
    response = staff_client.post(f"{ADMIN}orders/apikey/add/", {"name": "shop OMS", "is_active": "on"}, follow=True)

    page = response.content.decode()
    raw_key = re.search(r"ok_[0-9a-f]{12}\.[A-Za-z0-9_\-]+", page).group(0)
    assert api_key_verify(raw_key=raw_key) == ApiKey.objects.get(name="shop OMS")

    listing = staff_client.get(f"{ADMIN}orders/apikey/").content.decode()
    assert raw_key not in listing


def test_cancellation_audit_is_listed_and_shown_on_the_order(staff_client):
    order = OrderFactory(order_id="ORD-4567")
    CancellationAuditFactory(order=order, channel="websocket", session_id=session_hash("sess-42"), outcome="cancelled")

    listing = staff_client.get(f"{ADMIN}orders/cancellationaudit/").content.decode()
    assert session_hash("sess-42") in listing and "ORD-4567" in listing

    detail = staff_client.get(f"{ADMIN}orders/order/{order.pk}/change/").content.decode()
    assert "Cancellation requests" in detail and session_hash("sess-42") in detail


def test_staff_find_audit_rows_by_the_session_id_they_copied_from_a_conversation(staff_client):
    CancellationAuditFactory(order=OrderFactory(order_id="ORD-4567"), session_id=session_hash("sess-42"))
    CancellationAuditFactory(order=OrderFactory(order_id="ORD-4568"), session_id=session_hash("sess-43"))

    found = staff_client.get(f"{ADMIN}orders/cancellationaudit/", {"q": "sess-42"}).content.decode()
    assert "ORD-4567" in found and "ORD-4568" not in found


def test_audit_rows_cannot_be_edited_in_the_admin(staff_client):
    audit = CancellationAuditFactory()
    response = staff_client.post(f"{ADMIN}orders/cancellationaudit/{audit.pk}/change/", {"outcome": "forged"})
    audit.refresh_from_db()
    assert audit.outcome == "cancelled"
    assert response.status_code in (403, 200)


def test_api_key_list_shows_prefix_not_secret(staff_client):
    key = ApiKeyFactory(name="visible")
    listing = staff_client.get(f"{ADMIN}orders/apikey/").content.decode()
    assert key.prefix in listing and key.raw_key not in listing
