"""Every admin changelist and change form renders for staff and is refused to anonymous users."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.assistant.factories import ConversationFactory, MessageFactory
from tests.knowledge.factories import FAQEntryFactory
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"orders", "knowledge", "assistant"}


def project_models():
    return [model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS]


@pytest.fixture
def one_of_each(db):
    item = OrderItemFactory(order=OrderFactory(order_id="ORD-1234"))
    MessageFactory(conversation=ConversationFactory(session_id="admin-test"))
    FAQEntryFactory()
    return item


def test_every_project_model_is_in_the_admin():
    names = {model.__name__ for model in project_models()}
    assert {"Order", "FAQEntry", "Conversation"} <= names


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m.__name__)
def test_changelist_and_change_form_render_for_staff(staff_client, one_of_each, model):
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    instance = model.objects.first()
    if instance is not None:
        change = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
        assert change.status_code == 200


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m.__name__)
def test_admin_pages_are_refused_to_anonymous_users(client, one_of_each, model):
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_conversation_page_shows_the_transcript_with_agent_and_handover(staff_client):
    conversation = ConversationFactory(session_id="transcript")
    MessageFactory(
        conversation=conversation,
        role="assistant",
        content="Done: cancelled.",
        agent="OrderCancellationAgent",
        handover="OrchestratorAgent → OrderCancellationAgent",
    )
    html = staff_client.get(reverse("admin:assistant_conversation_change", args=[conversation.pk])).content.decode()
    assert "Done: cancelled." in html
    assert "OrderCancellationAgent" in html
    assert "OrchestratorAgent → OrderCancellationAgent" in html


def test_a_long_conversation_shows_its_latest_messages(staff_client):
    from assistant.models import Message, MessageRole

    conversation = ConversationFactory(session_id="very-long")
    Message.objects.bulk_create(
        [Message(conversation=conversation, role=MessageRole.USER, content=f"line number {i}") for i in range(1000)]
    )
    html = staff_client.get(reverse("admin:assistant_conversation_change", args=[conversation.pk])).content.decode()
    assert "line number 999" in html and "line number 800" in html
    assert "line number 799" not in html
