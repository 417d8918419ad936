"""Multi-turn conversations through POST /chat, as customers have them.

Each test is one script: what the customer says, and what they must see (the agent, the
tools called with their input and result, the handover trail), plus the state the
session remembers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from tests.assistant.conftest import ChatSession, placed_order, tool_call, tools_called

pytestmark = pytest.mark.django_db

EMAIL = "alex.morgan@example.com"
CANCEL = "OrchestratorAgent → OrderCancellationAgent"
TRACK = "OrchestratorAgent → OrderTrackingAgent"
PRODUCT = "OrchestratorAgent → ProductQAAgent"
FALLBACK = "OrchestratorAgent → FallbackAgent"


def make_order(order_id="ORD-4567", *, customer_email=EMAIL, **fields):
    return placed_order(order_id, customer_email=customer_email, item={"sku": "HP-BT-100"}, **fields)


def status_of(order_id: str) -> str:
    return Order.objects.get(order_id=order_id).status


# --- Cancellation ----------------------------------------------------------------------


def test_explicit_cancel_asks_for_the_email_then_cancels(chat, demo_kb):
    make_order()
    first = chat.say("I want to cancel my order ORD-4567")
    assert first["agent"] == "OrderCancellationAgent"
    assert first["handover"] == CANCEL
    assert first["tool_calls"] == []
    assert "email" in first["response"].lower()
    assert status_of("ORD-4567") == OrderStatus.PLACED

    second = chat.say(EMAIL)
    assert second["agent"] == "OrderCancellationAgent"
    assert second["handover"] == CANCEL
    assert tools_called(second) == ["IdentityVerification", "OrderCancellationAPI"]
    cancel = tool_call(second, "OrderCancellationAPI")
    assert cancel["input"] == {"orderId": "ORD-4567"}
    assert cancel["result"] == {"status": "cancelled", "refunded": True}
    assert "cancelled" in second["response"]
    assert status_of("ORD-4567") == OrderStatus.CANCELLED


def test_email_given_with_the_request_cancels_in_one_turn(chat):
    make_order()
    reply = chat.say(f"please cancel ORD-4567, my email is {EMAIL.upper()}")
    assert tool_call(reply, "IdentityVerification")["result"] == {"verified": True}
    assert tool_call(reply, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_slot_filling_asks_for_the_order_number_and_continues(chat):
    make_order()
    first = chat.say("I want to cancel my order")
    assert first["agent"] == "OrderCancellationAgent"
    assert "ORD-" in first["response"]
    assert chat.conversation.pending_intent == "cancel"
    assert chat.conversation.pending_slot == "order_id"

    second = chat.say("ORD-4567")
    assert second["agent"] == "OrderCancellationAgent"
    assert chat.conversation.pending_slot == "email"

    third = chat.say(EMAIL)
    assert tool_call(third, "OrderCancellationAPI")["result"]["status"] == "cancelled"
    assert chat.conversation.pending_intent == ""


@pytest.mark.parametrize("answer", ["it's 4567", "4567", "ord 4567", "order #4567", "Ord-4567 thanks"])
def test_order_number_answers_in_the_forms_customers_type(chat, answer):
    make_order()
    chat.say("cancel my order please")
    reply = chat.say(answer)
    assert reply["agent"] == "OrderCancellationAgent"
    assert chat.conversation.pending_order_id == "ORD-4567"
    assert "ORD-4567" in reply["response"]


@pytest.mark.parametrize("bad", ["ORD-123", "ORD-12345", "ord 12"])
def test_wrong_length_order_numbers_are_explained_not_looked_up(chat, bad):
    reply = chat.say(f"cancel {bad}")
    assert reply["agent"] == "OrderCancellationAgent"
    assert reply["tool_calls"] == []
    assert "four digits" in reply["response"]
    assert chat.conversation.pending_slot == "order_id"


def test_two_order_numbers_ask_which_one(chat):
    make_order("ORD-1111")
    make_order("ORD-2222")
    first = chat.say("cancel ORD-1111 and ORD-2222")
    assert first["tool_calls"] == []
    assert "ORD-1111" in first["response"] and "ORD-2222" in first["response"]
    second = chat.say(f"ORD-2222, {EMAIL}")
    assert tool_call(second, "OrderCancellationAPI")["input"] == {"orderId": "ORD-2222"}
    assert status_of("ORD-2222") == OrderStatus.CANCELLED
    assert status_of("ORD-1111") == OrderStatus.PLACED


def test_order_older_than_24_hours_is_refused_with_the_return_policy(chat, demo_kb):
    make_order(age=timedelta(hours=30), status=OrderStatus.PROCESSING)
    reply = chat.say(f"cancel ORD-4567 {EMAIL}")
    result = tool_call(reply, "OrderCancellationAPI")["result"]
    assert result["status"] == "not_cancellable"
    assert result["reason"] == "window_expired"
    assert "24 hours" in reply["response"]
    assert "KnowledgeBaseSearch" in tools_called(reply)
    assert "return" in reply["response"].lower()
    assert status_of("ORD-4567") == OrderStatus.PROCESSING


def test_order_placed_just_under_24_hours_ago_is_cancelled(chat):
    make_order(age=timedelta(hours=23, minutes=59))
    reply = chat.say(f"cancel ORD-4567 {EMAIL}")
    assert tool_call(reply, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_order_placed_exactly_24_hours_ago_is_not_cancellable(chat):
    make_order(age=timedelta(hours=24))
    reply = chat.say(f"cancel ORD-4567 {EMAIL}")
    assert tool_call(reply, "OrderCancellationAPI")["result"]["status"] == "not_cancellable"


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED])
def test_shipped_or_delivered_orders_are_explained_not_cancelled(chat, demo_kb, status):
    make_order(status=status, age=timedelta(hours=2))
    reply = chat.say(f"cancel ORD-4567 {EMAIL}")
    result = tool_call(reply, "OrderCancellationAPI")["result"]
    assert result == {"status": "not_cancellable", "refunded": False, "reason": status}
    assert "can't be cancelled" in reply["response"]
    assert status_of("ORD-4567") == status


def test_already_cancelled_order_is_reported_once(chat):
    make_order(status=OrderStatus.CANCELLED, cancelled_at=timezone.now())
    reply = chat.say(f"cancel ORD-4567 {EMAIL}")
    assert tool_call(reply, "OrderCancellationAPI")["result"]["status"] == "already_cancelled"
    assert "already cancelled" in reply["response"]


def test_cancel_it_from_context_asks_for_confirmation_naming_the_items(chat):
    make_order()
    chat.say(f"where is ORD-4567? {EMAIL}")
    confirm = chat.say("actually, cancel it")
    assert confirm["agent"] == "OrderCancellationAgent"
    assert "OrderCancellationAPI" not in tools_called(confirm)
    assert "ORD-4567" in confirm["response"] and "Aura Bluetooth Headphones" in confirm["response"]
    assert "yes or no" in confirm["response"]
    assert status_of("ORD-4567") == OrderStatus.PLACED

    done = chat.say("yes")
    assert done["agent"] == "OrderCancellationAgent"
    assert tool_call(done, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_answering_no_to_the_confirmation_keeps_the_order(chat):
    make_order()
    chat.say(f"track ORD-4567 {EMAIL}")
    chat.say("cancel that order")
    reply = chat.say("no, keep it")
    assert reply["agent"] == "OrderCancellationAgent"
    assert "OrderCancellationAPI" not in tools_called(reply)
    assert status_of("ORD-4567") == OrderStatus.PLACED
    assert chat.conversation.pending_intent == ""


# --- Product context -------------------------------------------------------------------


def test_return_question_then_cancel_for_that_uses_the_known_order(chat, demo_kb):
    make_order()
    chat.say(f"Where is my order ORD-4567? My email is {EMAIL}")
    product = chat.say("Can I return my Bluetooth headphones?")
    assert product["agent"] == "ProductQAAgent"
    assert product["handover"] == PRODUCT
    assert tool_call(product, "KnowledgeBaseSearch")["result"]["answerFound"] is True
    assert chat.conversation.last_product_context == "Aura Bluetooth Headphones"

    confirm = chat.say("Alright, cancel the order for that then.")
    assert confirm["agent"] == "OrderCancellationAgent"
    assert "ORD-4567" in confirm["response"] and "Aura Bluetooth Headphones" in confirm["response"]
    done = chat.say("yes please")
    assert tool_call(done, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_return_question_then_cancel_for_that_asks_which_order_when_none_is_known(chat, demo_kb):
    make_order()
    chat.say("Can I return my Bluetooth headphones?")
    ask = chat.say("Alright, cancel the order for that then.")
    assert ask["agent"] == "OrderCancellationAgent"
    assert ask["tool_calls"] == []
    assert "Aura Bluetooth Headphones" in ask["response"]
    assert "order number" in ask["response"]
    chat.say("ORD-4567")
    done = chat.say(EMAIL)
    # The customer typed the number themselves: no confirmation needed.
    assert tool_call(done, "OrderCancellationAPI")["result"]["status"] == "cancelled"


# --- Tracking --------------------------------------------------------------------------


def test_tracking_answers_with_status_and_eta_date(chat):
    eta = (timezone.now() + timedelta(days=3)).date()
    make_order(status=OrderStatus.SHIPPED, age=timedelta(days=2), eta=eta, carrier="UPS", tracking_number="1Z999")
    reply = chat.say(f"where is my package ORD-4567 ({EMAIL})")
    assert reply["agent"] == "OrderTrackingAgent"
    assert reply["handover"] == TRACK
    result = tool_call(reply, "OrderTrackingAPI")["result"]
    assert result["status"] == "shipped"
    assert result["eta"] == eta.isoformat()
    assert str(eta.day) in reply["response"] and eta.strftime("%B") in reply["response"]
    assert "UPS" in reply["response"]


def test_tracking_a_delivered_order_says_it_was_delivered(chat):
    make_order(status=OrderStatus.DELIVERED, age=timedelta(days=9), eta=(timezone.now() - timedelta(days=2)).date())
    reply = chat.say(f"has ORD-4567 arrived? {EMAIL}")
    assert tool_call(reply, "OrderTrackingAPI")["result"]["status"] == "delivered"
    assert "was delivered" in reply["response"]


def test_tracking_a_cancelled_order_says_it_will_not_arrive(chat):
    make_order(status=OrderStatus.CANCELLED, cancelled_at=timezone.now())
    reply = chat.say(f"when will ORD-4567 arrive? {EMAIL}")
    assert "cancelled" in reply["response"] and "won't be delivered" in reply["response"]


def test_where_is_it_refers_to_the_last_order(chat):
    make_order(status=OrderStatus.SHIPPED, eta=timezone.now().date() + timedelta(days=2))
    chat.say(f"I need to check on ORD-4567, email {EMAIL}")
    reply = chat.say("where is it?")
    assert reply["agent"] == "OrderTrackingAgent"
    assert tool_call(reply, "OrderTrackingAPI")["input"] == {"orderId": "ORD-4567"}


def test_track_that_one_too_uses_the_order_just_discussed(chat):
    make_order("ORD-1111")
    make_order("ORD-2222")
    chat.say(f"cancel ORD-1111 {EMAIL}")
    chat.say(f"and ORD-2222? {EMAIL}")
    reply = chat.say("track that one too")
    assert reply["agent"] == "OrderTrackingAgent"
    assert tool_call(reply, "OrderTrackingAPI")["input"] == {"orderId": "ORD-2222"}


# --- Identity --------------------------------------------------------------------------


def test_wrong_email_and_unknown_order_get_the_same_reply(client):
    make_order()
    wrong_email = ChatSession(client)
    wrong_email.say("track ORD-4567")
    a = wrong_email.say("someone@else.com")
    unknown = ChatSession(client)
    unknown.say("track ORD-9876")
    b = unknown.say("someone@else.com")
    assert a["response"].replace("ORD-4567", "ORD-X") == b["response"].replace("ORD-9876", "ORD-X")
    assert a["tool_calls"][0]["result"] == b["tool_calls"][0]["result"] == {"verified": False}
    assert "OrderTrackingAPI" not in tools_called(a) + tools_called(b)


def test_email_check_is_case_insensitive(chat):
    make_order(customer_email="Alex.Morgan@Example.com")
    reply = chat.say("track ORD-4567 ALEX.MORGAN@EXAMPLE.COM")
    assert tool_call(reply, "IdentityVerification")["result"] == {"verified": True}
    assert "OrderTrackingAPI" in tools_called(reply)


def test_five_failed_checks_lock_the_session_for_15_minutes(chat):
    make_order()
    for attempt in range(5):
        chat.say(f"track ORD-4567 wrong{attempt}@example.com")
    locked = chat.say(f"track ORD-4567 {EMAIL}")
    assert "IdentityVerification" not in tools_called(locked)
    assert "try again in about 15 minutes" in locked["response"]

    conversation = chat.conversation
    conversation.identity_locked_until = timezone.now() - timedelta(seconds=1)
    conversation.save()
    unlocked = chat.say(f"track ORD-4567 {EMAIL}")
    assert tool_call(unlocked, "IdentityVerification")["result"] == {"verified": True}


def test_logged_in_customer_with_the_orders_email_is_not_asked(client, django_user_model):
    make_order()
    user = django_user_model.objects.create_user(username="alex", email=EMAIL, password="pw-123456789")
    client.force_login(user)
    reply = ChatSession(client).say("where is ORD-4567")
    assert tool_call(reply, "IdentityVerification")["input"]["method"] == "account"
    assert "OrderTrackingAPI" in tools_called(reply)


def test_a_verified_order_is_remembered_for_the_session(chat):
    make_order()
    chat.say(f"track ORD-4567 {EMAIL}")
    assert [entry["order"] for entry in chat.conversation.verified_order_ids] == ["ORD-4567"]
    reply = chat.say("cancel ORD-4567")
    assert "IdentityVerification" not in tools_called(reply)
    assert tool_call(reply, "OrderCancellationAPI")["result"]["status"] == "cancelled"


# --- Topic switches, products, small talk ----------------------------------------------


def test_topic_switch_while_asked_for_the_email_answers_and_keeps_the_check(chat, demo_kb):
    make_order()
    chat.say("cancel ORD-4567")
    aside = chat.say("wait, how much does shipping cost?")
    assert aside["agent"] == "ProductQAAgent"
    assert "KnowledgeBaseSearch" in tools_called(aside)
    assert "$5.99" in aside["response"] or "free" in aside["response"].lower()
    assert "email" in aside["response"]  # the reminder of the pending check
    assert chat.conversation.pending_intent == "cancel"
    assert chat.conversation.pending_slot == "email"

    back = chat.say(EMAIL)
    assert back["agent"] == "OrderCancellationAgent"
    assert tool_call(back, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_product_question_is_answered_from_the_knowledge_base(chat, demo_kb):
    from knowledge.models import FAQEntry

    reply = chat.say("how long does the battery on the aura headphones last?")
    assert reply["agent"] == "ProductQAAgent"
    search = tool_call(reply, "KnowledgeBaseSearch")
    assert search["result"]["answerFound"] is True
    best = FAQEntry.objects.get(pk=search["result"]["matches"][0]["id"])
    assert reply["response"] == best.answer
    assert best.product == "Aura Bluetooth Headphones"


def test_a_question_the_knowledge_base_cannot_answer_is_not_invented(chat, demo_kb):
    reply = chat.say("does the yoga mat come with a lifetime guarantee against cat scratches on mars?")
    assert reply["agent"] in ("ProductQAAgent", "FallbackAgent")
    if reply["agent"] == "ProductQAAgent":
        assert tool_call(reply, "KnowledgeBaseSearch")["result"]["answerFound"] is False
    assert "don't have an answer" in reply["response"] or "can't help" in reply["response"]


def test_unpublished_entries_are_never_used(chat, demo_kb):
    from knowledge.models import FAQEntry

    FAQEntry.objects.update(is_published=False)
    reply = chat.say("how much does shipping cost?")
    assert "don't have an answer" in reply["response"]


def test_greeting_and_thanks_go_to_the_fallback_agent(chat):
    hello = chat.say("hi there")
    assert hello["agent"] == "FallbackAgent" and hello["handover"] == FALLBACK
    thanks = chat.say("thanks!")
    assert thanks["agent"] == "FallbackAgent"


def test_out_of_scope_request_is_declined_politely(chat):
    reply = chat.say("write me a poem about the sea")
    assert reply["agent"] == "FallbackAgent"
    assert "track" in reply["response"]


# --- The order system failing ----------------------------------------------------------


def test_order_system_down_gets_an_apology_not_a_crash(chat, settings):
    settings.ORDER_CLIENT_BACKEND = "http"
    settings.ORDER_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.ORDER_API_KEY = "irrelevant"
    reply = chat.say(f"track ORD-4567 {EMAIL}")
    assert "can't reach the order system" in reply["response"]
    assert tool_call(reply, "IdentityVerification")["result"] == {"error": "order_system_unavailable"}


# --- Memory ----------------------------------------------------------------------------


def test_every_message_is_stored_in_order_with_agent_and_handover(chat):
    make_order()
    chat.say("hello")
    chat.say("cancel ORD-4567")
    chat.say(EMAIL)
    messages = list(chat.conversation.messages.order_by("id"))
    assert [m.role for m in messages] == ["user", "assistant"] * 3
    assert [m.content for m in messages[::2]] == ["hello", "cancel ORD-4567", EMAIL]
    assert messages[-1].agent == "OrderCancellationAgent"
    assert messages[-1].handover == CANCEL
    assert [c["tool"] for c in messages[-1].tool_calls] == ["IdentityVerification", "OrderCancellationAPI"]
    assert chat.conversation.last_order_id == "ORD-4567"


def test_a_long_history_costs_no_more_queries_than_a_new_session(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assistant.models import Message, MessageRole
    from tests.assistant.factories import ConversationFactory

    from assistant.sessions import token_hash

    old = ConversationFactory(session_id="old-session", token_hash=token_hash("old-session-token"))
    Message.objects.bulk_create([Message(conversation=old, role=MessageRole.USER, content=f"message {i}") for i in range(10_000)])
    ChatSession(client, "warm-up").say("hello")  # build the classifier before counting

    def queries(session_id, token=""):
        with CaptureQueriesContext(connection) as captured:
            ChatSession(client, session_id, token=token).say("hello again")
        return len(captured)

    assert queries("old-session", "old-session-token") <= queries("brand-new-session")


def test_asking_which_email_is_answered_by_the_agent_that_asked(chat):
    make_order()
    chat.say("cancel ORD-4567")
    reply = chat.say("sorry, which email do you need?")
    assert reply["agent"] == "OrderCancellationAgent"
    assert "checkout" in reply["response"]
    assert chat.conversation.pending_slot == "email"
    done = chat.say(EMAIL)
    assert tool_call(done, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_a_follow_up_question_without_the_product_name_stays_on_that_product(chat, demo_kb):
    from knowledge.models import FAQEntry

    chat.say("is the pulse smartwatch waterproof?")
    reply = chat.say("how long does the battery last?")
    best = FAQEntry.objects.get(pk=tool_call(reply, "KnowledgeBaseSearch")["result"]["matches"][0]["id"])
    assert best.product == "Pulse Smartwatch"
    assert reply["response"] == best.answer


def test_a_policy_question_that_mentions_an_order_is_answered_from_the_knowledge_base(chat, demo_kb):
    reply = chat.say("Is the coffee maker in ORD-5120 covered by the warranty?")
    assert reply["agent"] == "ProductQAAgent"
    assert tool_call(reply, "KnowledgeBaseSearch")["result"]["answerFound"] is True


def test_a_vague_request_about_an_order_offers_what_the_assistant_can_do(chat, demo_kb):
    make_order()
    reply = chat.say("I need help with an order")
    assert "where it is" in reply["response"] and "cancel" in reply["response"]
    follow = chat.say(f"cancel ORD-4567 please, {EMAIL}")
    assert tool_call(follow, "OrderCancellationAPI")["result"]["status"] == "cancelled"


def test_a_question_after_a_product_is_not_answered_by_the_product_name_alone(chat, demo_kb):
    chat.say("how long does the battery last on the aura headphones?")
    reply = chat.say("do you have a loyalty programme?")
    assert "30 hours" not in reply["response"]
    assert tool_call(reply, "KnowledgeBaseSearch")["result"]["answerFound"] is False
