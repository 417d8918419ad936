"""Staff see the customer's language: the handoff inbox, a ticket's chat page and the insights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assistant.desk.insights import insights_for_period
from assistant.models import HandoffTicket, MessageRole
from tests.assistant.conftest import ChatSession
from tests.assistant.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_ticket(client):
    customer = ChatSession(client, "german-customer")
    customer.say("Guten Tag, ich habe eine Frage zu meiner Bestellung.")
    customer.say("talk to a human")  # too short to switch: the conversation stays German
    return HandoffTicket.objects.get()


def test_the_inbox_shows_and_filters_the_customers_language(staff_client, german_ticket):
    other = ConversationFactory(session_id="french-customer", language="fr")
    HandoffTicket.objects.create(conversation=other, reason="requested", transcript="...")
    url = reverse("admin:assistant_handoffticket_changelist")

    html = staff_client.get(url).content.decode()
    assert "German (de)" in html and "French (fr)" in html

    filtered = staff_client.get(url + "?language=de").content.decode()
    assert "german-customer" in filtered and "french-customer" not in filtered


def test_a_tickets_chat_page_names_the_customers_language(staff_client, german_ticket):
    page = staff_client.get(reverse("admin:assistant_handoff_chat", args=[german_ticket.pk])).content.decode()
    assert '<span id="conversation-language">German (de)</span>' in page


def _turn(conversation, language, *, outcome="answered", agent="ProductQAAgent"):
    MessageFactory(conversation=conversation, role=MessageRole.USER, content="?", language=language)
    MessageFactory(conversation=conversation, role=MessageRole.ASSISTANT, agent=agent, outcome=outcome, language=language)


@pytest.fixture
def turns_in_three_languages():
    spanish = ConversationFactory(session_id="es", language="es")
    _turn(spanish, "es", outcome="no_answer")
    _turn(spanish, "es")
    german = ConversationFactory(session_id="de", language="de")
    _turn(german, "de", outcome="no_answer")
    _turn(german, "it", outcome="unserved_language", agent="OrchestratorAgent")
    _turn(german, "de")
    _turn(german, "de")


def test_insights_count_turns_and_unanswered_questions_per_language(turns_in_three_languages):
    today = timezone.localdate()
    report = insights_for_period(start=today - timedelta(days=6), end=today)
    assert report.turns_by_language == {"de": 3, "es": 2, "it": 1}
    assert report.unanswered_by_language == {"de": 1, "es": 1}


def test_the_insights_page_shows_the_languages_and_which_are_not_served(staff_client, turns_in_three_languages):
    html = staff_client.get(reverse("admin:assistant_insights") + "?days=7").content.decode()
    table = html.split('id="languages"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]
    assert "German (de)" in rows[0] and "<td>3</td><td>1</td>" in rows[0]
    assert "Spanish (es)" in rows[1] and "<td>2</td><td>1</td>" in rows[1]
    assert "Italian (it) · not served" in rows[2] and "<td>1</td><td>0</td>" in rows[2]
