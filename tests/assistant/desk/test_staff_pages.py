"""The staff inbox and the insights page in the admin."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from assistant.desk.insights import group_similar_questions, insights_for_period
from assistant.models import Feedback, HandoffStatus, HandoffTicket, Message, MessageRole
from tests.assistant.conftest import ChatSession
from tests.assistant.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(client):
    return ChatSession(client, "needs-help")


@pytest.fixture
def ticket(customer):
    customer.say("talk to a human please")
    return HandoffTicket.objects.get()


def test_the_inbox_lists_open_tickets_with_their_waiting_time(staff_client, ticket):
    html = staff_client.get(reverse("admin:assistant_handoffticket_changelist")).content.decode()
    assert "needs-help" in html
    assert "0 min" in html


def test_a_closed_ticket_leaves_the_default_inbox(staff_client, ticket):
    HandoffTicket.objects.update(status=HandoffStatus.CLOSED)
    html = staff_client.get(reverse("admin:assistant_handoffticket_changelist")).content.decode()
    assert "needs-help" not in html
    html_all = staff_client.get(reverse("admin:assistant_handoffticket_changelist") + "?state=all").content.decode()
    assert "needs-help" in html_all


def test_staff_claims_replies_and_hands_back_from_the_chat_page(customer, staff_client, ticket):
    url = reverse("admin:assistant_handoff_chat", args=[ticket.pk])
    page = staff_client.get(url).content.decode()
    assert "talk to a human please" in page and "Take this conversation" in page

    staff_client.post(url, {"action": "claim"})
    ticket.refresh_from_db()
    assert ticket.status == HandoffStatus.ACTIVE

    staff_client.post(url, {"action": "reply", "text": "Hello, I can help with that."})
    assert Message.objects.filter(role=MessageRole.STAFF, content="Hello, I can help with that.").exists()

    silent = customer.say("thanks, my order is ORD-1234")
    assert silent["response"] == ""
    new = staff_client.get(reverse("admin:assistant_handoff_messages", args=[ticket.pk]) + "?after=0").json()
    assert new["status"] == "active"
    assert new["messages"][-1]["content"] == "thanks, my order is ORD-1234"

    staff_client.post(url, {"action": "return"})
    ticket.refresh_from_db()
    assert ticket.status == HandoffStatus.CLOSED and ticket.returned_to_assistant
    assert customer.say("hello")["response"]


@pytest.mark.parametrize("name", ["assistant_handoff_chat", "assistant_handoff_messages"])
def test_staff_pages_are_refused_to_anonymous_and_non_staff_users(client, django_user_model, ticket, name):
    url = reverse(f"admin:{name}", args=[ticket.pk])
    assert client.get(url).status_code == 302
    customer = django_user_model.objects.create_user(username="customer", password="pw-12345678")
    client.force_login(customer)
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(url, {"action": "claim"}).status_code == 302
    assert HandoffTicket.objects.get().status == HandoffStatus.WAITING


def test_insights_page_is_staff_only(staff_client, django_user_model):
    from django.test import Client

    url = reverse("admin:assistant_insights")
    assert Client().get(url).status_code == 302
    customer = Client()
    customer.force_login(django_user_model.objects.create_user(username="customer", password="pw-12345678"))
    assert customer.get(url).status_code == 302
    assert staff_client.get(url).status_code == 200


def _turn(conversation, question, *, agent, outcome, handover=None, feedback=None, reply="..."):
    MessageFactory(conversation=conversation, role=MessageRole.USER, content=question)
    return MessageFactory(
        conversation=conversation,
        role=MessageRole.ASSISTANT,
        content=reply,
        agent=agent,
        outcome=outcome,
        handover=handover or f"OrchestratorAgent → {agent}",
        feedback=feedback,
    )


@pytest.fixture
def known_conversations():
    """Four conversations today whose figures are known by hand."""
    a = ConversationFactory(session_id="a")
    _turn(a, "cancel ORD-1111", agent="OrderCancellationAgent", outcome="asked")
    _turn(a, "a@example.com", agent="OrderCancellationAgent", outcome="cancelled")
    b = ConversationFactory(session_id="b")
    _turn(b, "where is ORD-2222 b@example.com", agent="OrderTrackingAgent", outcome="tracked")
    _turn(b, "is the yoga mat vegan?", agent="ProductQAAgent", outcome="no_answer", feedback=Feedback.DOWN, reply="I don't know")
    c = ConversationFactory(session_id="c")
    _turn(
        c,
        "is the yoga mat made of vegan materials",
        agent="ProductQAAgent",
        outcome="no_answer",
        feedback=Feedback.DOWN,
        reply="I don't know",
    )
    _turn(
        c,
        "do you sell gift cards?",
        agent="ProductQAAgent",
        outcome="no_answer",
        handover="OrchestratorAgent → ProductQAAgent → HumanHandoffAgent",
    )
    HandoffTicket.objects.create(conversation=c, reason="unanswered", transcript="...")
    d = ConversationFactory(session_id="d")
    _turn(d, "hello", agent="FallbackAgent", outcome="smalltalk", feedback=Feedback.UP, reply="Hello!")
    old = ConversationFactory(session_id="old")
    message = _turn(old, "ancient question", agent="ProductQAAgent", outcome="no_answer")
    Message.objects.filter(conversation=old).update(created_at=timezone.now() - timedelta(days=400))
    return message


def test_insights_figures_match_a_known_set_of_conversations(known_conversations):
    today = timezone.localdate()
    report = insights_for_period(start=today - timedelta(days=6), end=today)
    assert report.conversations == 4
    assert report.turns == 7
    assert report.turns_by_agent == {
        "ProductQAAgent": 3,
        "OrderCancellationAgent": 2,
        "OrderTrackingAgent": 1,
        "FallbackAgent": 1,
    }
    assert report.conversations_with_handoff == 1
    assert report.containment_rate == pytest.approx(0.75)
    assert report.cancellations == 1
    assert report.tracking_requests == 1 and report.orders_tracked == 1
    assert report.agent_handovers["OrchestratorAgent → ProductQAAgent"] == 3
    assert report.agent_handovers["ProductQAAgent → HumanHandoffAgent"] == 1
    assert report.human_handoffs_by_reason == {"unanswered": 1}
    assert report.unanswered == 3
    sizes = sorted(group.count for group in report.unanswered_groups)
    assert sizes == [1, 2]  # the two yoga-mat questions are one group
    assert report.worst_rated[0].answer == "I don't know" and report.worst_rated[0].down == 2
    assert sum(count for _, count in report.turns_by_day) == 7


def test_insights_page_shows_the_figures_and_prefills_a_new_faq_entry(staff_client, known_conversations):
    html = staff_client.get(reverse("admin:assistant_insights") + "?days=7").content.decode()
    assert 'id="figure-containment">75%' in html
    assert "<svg" in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "is the yoga mat" in html
    start = html.index("Create FAQ entry") - 400
    link = html[start:].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    question = parse_qs(urlparse(link).query)["question"][0]
    assert "yoga mat" in question
    form = staff_client.get(link).content.decode()
    assert question in form


def test_grouping_puts_paraphrases_together_and_keeps_different_questions_apart():
    groups = group_similar_questions(
        ["do you sell gift cards", "do you sell gift cards?", "can I buy a gift card", "is the lamp dimmable"]
    )
    assert groups[0].count >= 2
    assert any(group.question == "is the lamp dimmable" and group.count == 1 for group in groups)
