"""The conversations in the admin (assistant/admin.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.assistant.factories import ConversationFactory

pytestmark = pytest.mark.django_db


def test_the_conversation_list_shows_each_conversations_language(staff_client):
    ConversationFactory(session_id="spanish-customer", language="es")
    ConversationFactory(session_id="undecided-customer", language="")
    html = staff_client.get(reverse("admin:assistant_conversation_changelist")).content.decode()
    assert "<th" in html and "Language" in html
    assert "Spanish (es)" in html


def test_the_conversation_list_filters_by_language(staff_client):
    ConversationFactory(session_id="spanish-customer", language="es")
    ConversationFactory(session_id="german-customer", language="de")
    html = staff_client.get(reverse("admin:assistant_conversation_changelist") + "?language=de").content.decode()
    assert "german-customer" in html
    assert "spanish-customer" not in html
    # The filter offers the languages that occur, by name.
    assert "German (de)" in html and "Spanish (es)" in html
