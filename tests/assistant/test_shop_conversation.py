"""What customers write besides cancel and track, through POST /chat: other order requests,
out-of-scope messages, small talk, follow-ups and order numbers as people type them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.models import HandoffTicket
from orders.models import OrderStatus
from tests.assistant.conftest import tool_call, tools_called
from tests.assistant.test_conversations import EMAIL, make_order

pytestmark = pytest.mark.django_db

ORDER_FLOWS = ("OrderCancellationAgent", "OrderTrackingAgent")
ORDER_TOOLS = ("OrderCancellationAPI", "OrderTrackingAPI")


@pytest.mark.parametrize(
    "message",
    [
        "i'd like to take the charger out of order ORD-3820",
        "could you help me amend order ORD-2127",
        "please put one more mug on order ORD-5397",
    ],
)
def test_a_change_to_an_order_starts_no_cancel_or_track_flow(chat, demo_kb, message):
    reply = chat.say(message)
    assert reply["agent"] == "OrderSupportAgent"
    assert not set(tools_called(reply)) & set(ORDER_TOOLS)


def test_a_cancellation_fee_question_is_answered_and_cancels_nothing(chat, demo_kb):
    reply = chat.say("would I be charged anything for cancelling?")
    assert reply["agent"] not in ORDER_FLOWS
    assert "OrderCancellationAPI" not in tools_called(reply)
    assert "order number" not in reply["response"].lower()


@pytest.mark.parametrize(
    "message",
    ["is it bad manners to wear white to a wedding", "what color is water", "when is the next full moon"],
)
def test_out_of_scope_messages_get_a_friendly_reply_and_no_shop_answer(chat, demo_kb, message):
    reply = chat.say(message)
    assert reply["agent"] == "FallbackAgent"
    assert reply["tool_calls"] == []
    assert "track" in reply["response"] and "order number" not in reply["response"].lower()


@pytest.mark.parametrize("message", ["are you a robot?", "what are you able to do?", "who am I chatting with?"])
def test_small_talk_gets_a_natural_reply(chat, message):
    reply = chat.say(message)
    assert reply["agent"] == "FallbackAgent"
    assert "can't help" not in reply["response"]
    assert reply["tool_calls"] == []


def test_small_talk_never_opens_a_ticket_for_the_staff_inbox(chat):
    for message in ["are you a bot?", "what can you do?", "who am I talking to?", "thanks", "👍", "ok cool"]:
        reply = chat.say(message)
        assert reply["agent"] == "FallbackAgent", message
    assert not HandoffTicket.objects.exists()
    assert chat.conversation.unanswered_streak == 0


def test_a_follow_up_about_another_product_asks_the_last_question_again(chat, demo_kb):
    from knowledge.models import FAQEntry

    chat.say("how long does the battery last on the aura headphones?")
    reply = chat.say("what about the smartwatch?")
    assert reply["agent"] == "ProductQAAgent"
    best = FAQEntry.objects.get(pk=tool_call(reply, "KnowledgeBaseSearch")["result"]["matches"][0]["id"])
    assert best.product == "Pulse Smartwatch" and "battery" in best.question.lower()
    assert reply["response"] == best.answer


def test_a_carrier_question_after_tracking_is_about_the_tracked_order(chat, demo_kb):
    make_order("ORD-4567", status=OrderStatus.SHIPPED, carrier="DHL", tracking_number="JD0001")
    chat.say(f"where is ORD-4567? {EMAIL}")
    reply = chat.say("what carrier is it with?")
    assert reply["agent"] == "OrderTrackingAgent"
    assert "DHL" in reply["response"]


@pytest.mark.parametrize(
    "message, order_id",
    [
        ("my order number is 4549 and I'd like to cancel it", "ORD-4549"),
        ("the order # is 4567, cancel it", "ORD-4567"),
        ("cancel order no. 4567", "ORD-4567"),
    ],
)
def test_order_numbers_as_people_write_them(chat, message, order_id):
    make_order(order_id)
    reply = chat.say(message)
    assert reply["agent"] == "OrderCancellationAgent"
    assert order_id in reply["response"]


def test_an_order_number_of_the_wrong_length_is_explained(chat):
    reply = chat.say("my order number is 45491, please cancel it")
    assert "ORD-45491" in reply["response"] and "four digits" in reply["response"]


def test_a_verified_customer_asking_what_they_ordered_gets_the_order(chat, demo_kb):
    make_order("ORD-4567", status=OrderStatus.SHIPPED, age=timedelta(days=3))
    chat.say(f"where is ORD-4567? {EMAIL}")
    reply = chat.say("what did I order?")
    assert reply["agent"] == "OrderSupportAgent"
    assert "Aura Bluetooth Headphones" in reply["response"]
    assert "OrderCancellationAPI" not in tools_called(reply)


def test_delivered_but_not_received_gets_the_help_entry_and_a_person(chat, demo_kb):
    make_order("ORD-4567", status=OrderStatus.DELIVERED, age=timedelta(days=5))
    chat.say(f"where is ORD-4567? {EMAIL}")
    reply = chat.say("it says delivered but I never got it")
    assert reply["agent"] == "OrderSupportAgent"
    assert "person" in reply["response"]
    assert not set(tools_called(reply)) & {"OrderCancellationAPI"}
