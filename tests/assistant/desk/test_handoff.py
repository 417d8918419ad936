"""Handing a conversation to a person: the triggers, the silence, and the staff side."""

from __future__ import annotations

import pytest

from assistant.desk.handoff import HandoffError, handoff_claim, handoff_finish, handoff_reply
from assistant.models import HandoffReason, HandoffStatus, HandoffTicket, Message, MessageRole
from tests.assistant.conftest import tool_call

pytestmark = pytest.mark.django_db

HANDOFF = "OrchestratorAgent → HumanHandoffAgent"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="sam", first_name="Sam", password="pw-12345678", is_staff=True)


@pytest.mark.parametrize("message", ["talk to a human", "agent please", "Can I speak to a real person?", "I want a human"])
def test_asking_for_a_person_opens_a_ticket_and_says_what_happens_next(chat, message):
    chat.say("hi")
    reply = chat.say(message)
    assert reply["agent"] == "HumanHandoffAgent"
    assert reply["handover"] == HANDOFF
    call = tool_call(reply, "HumanHandoff")
    assert call["input"] == {"reason": "requested"}
    ticket = HandoffTicket.objects.get(pk=call["result"]["ticket"])
    assert ticket.status == HandoffStatus.WAITING
    assert ticket.reason == HandoffReason.REQUESTED
    assert "user: hi" in ticket.transcript and message in ticket.transcript
    assert "team" in reply["response"]
    assert chat.conversation.handoff_status == HandoffStatus.WAITING


def test_asking_twice_does_not_open_a_second_ticket(chat):
    chat.say("talk to a human")
    again = chat.say("hello? I asked for a person")
    assert again["agent"] == "HumanHandoffAgent"
    assert HandoffTicket.objects.count() == 1


# Shop questions the demo FAQ has no entry for: real questions that went unanswered. (Not
# "do you accept bitcoin?": the payment-methods entry answers it, by listing what we accept.)
UNANSWERED_SHOP_QUESTIONS = (
    "do you have a loyalty programme?",
    "do you have a store in paris?",
)


def test_two_unanswered_turns_in_a_row_hand_over(chat, demo_kb):
    first = chat.say(UNANSWERED_SHOP_QUESTIONS[0])
    assert first["agent"] == "ProductQAAgent"
    second = chat.say(UNANSWERED_SHOP_QUESTIONS[1])
    assert second["agent"] == "HumanHandoffAgent"
    assert second["handover"].startswith("OrchestratorAgent → ") and second["handover"].endswith("→ HumanHandoffAgent")
    assert HandoffTicket.objects.get().reason == HandoffReason.UNANSWERED


def test_out_of_scope_and_small_talk_never_open_a_ticket(chat, demo_kb):
    # Not questions the shop's staff could answer better: the inbox stays for real ones.
    for message in ("can you write me a haiku about tax law", "what's the capital of mongolia", "are you a bot?", "👍"):
        assert chat.say(message)["agent"] == "FallbackAgent"
    assert not HandoffTicket.objects.exists()


def test_an_answered_turn_resets_the_unanswered_count(chat, demo_kb):
    chat.say(UNANSWERED_SHOP_QUESTIONS[0])
    chat.say("how much does shipping cost?")
    reply = chat.say(UNANSWERED_SHOP_QUESTIONS[1])
    assert reply["agent"] != "HumanHandoffAgent"
    assert not HandoffTicket.objects.exists()


def test_an_upset_customer_is_answered_and_handed_over(chat):
    reply = chat.say("THIS IS RIDICULOUS!!! I have been waiting for ages, worst service ever")
    assert reply["agent"] == "HumanHandoffAgent"
    assert HandoffTicket.objects.get().reason == HandoffReason.UPSET


def test_a_calm_customer_is_not_handed_over(chat):
    chat.say("my parcel is a bit late, any idea why?")
    assert not HandoffTicket.objects.exists()


def test_while_a_person_owns_the_conversation_the_assistant_is_silent(chat, staff):
    chat.say("talk to a human")
    ticket = HandoffTicket.objects.get()
    handoff_claim(ticket_id=ticket.pk, user=staff)

    reply = chat.say("how much does shipping cost?")
    assert reply["response"] == ""
    assert reply["agent"] == "HumanHandoffAgent"
    assert reply["tool_calls"] == []
    last = chat.conversation.messages.order_by("-id").first()
    assert last.role == MessageRole.USER and last.content == "how much does shipping cost?"

    handoff_reply(ticket_id=ticket.pk, user=staff, text="Shipping is free over $50.")
    staff_message = Message.objects.filter(role=MessageRole.STAFF).order_by("-id").first()
    assert staff_message.content == "Shipping is free over $50." and staff_message.author == staff

    handoff_finish(ticket_id=ticket.pk, user=staff, return_to_assistant=True)
    back = chat.say("thanks!")
    assert back["agent"] == "FallbackAgent" and back["response"]


def test_only_the_claiming_staff_member_may_reply(chat, staff, django_user_model):
    other = django_user_model.objects.create_user(username="kim", password="pw-12345678", is_staff=True)
    chat.say("talk to a human")
    ticket = HandoffTicket.objects.get()
    with pytest.raises(HandoffError):
        handoff_reply(ticket_id=ticket.pk, user=staff, text="hello")  # not claimed yet
    handoff_claim(ticket_id=ticket.pk, user=staff)
    with pytest.raises(HandoffError):
        handoff_claim(ticket_id=ticket.pk, user=other)
    with pytest.raises(HandoffError):
        handoff_reply(ticket_id=ticket.pk, user=other, text="hello")


def test_closing_lets_a_later_request_open_a_new_ticket(chat, staff):
    chat.say("talk to a human")
    ticket = HandoffTicket.objects.get()
    handoff_claim(ticket_id=ticket.pk, user=staff)
    handoff_finish(ticket_id=ticket.pk, user=staff, return_to_assistant=False)
    assert chat.conversation.handoff_status == ""
    chat.say("actually, a person again please")
    assert HandoffTicket.objects.count() == 2
