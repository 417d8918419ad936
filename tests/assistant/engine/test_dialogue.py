"""The dialogue state's transitions, driven turn by turn with an in-memory order client.

No HTTP and no stored conversation: ``run_turn`` on a ``ConversationState``, the way the
engine runs each turn. The API-level conversation tests cover the same rules end to end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assistant.engine.dialogue import (
    PENDING_REQUEST_TTL,
    CloseReason,
    Intent,
    Move,
    Slot,
    close_request,
    expire_stale_request,
    next_move,
    open_request,
)
from assistant.engine.nlu import understand
from assistant.engine.orchestrator import read_intent, run_turn
from assistant.engine.state import ConversationState
from tests.assistant.engine.fake_orders import FakeOrderClient, order

EMAIL = "sam@example.com"


class Dialogue:
    """One conversation's state, turn after turn, against a fake order system."""

    def __init__(self, *orders, **client_options):
        self.orders = FakeOrderClient(*orders, **client_options)
        self.state = ConversationState(session_id="unit")

    def say(self, message: str):
        return run_turn(message=message, state=self.state, channel="test", order_client=self.orders)


def move_for(message: str, state: ConversationState) -> Move:
    u = understand(message)
    return next_move(u, state, new_intent=read_intent(u, state)).move


def waiting(intent=Intent.CANCEL, slot=Slot.EMAIL, order_ids=("ORD-4567",), **options) -> ConversationState:
    state = ConversationState(session_id="unit")
    open_request(state, intent=intent, slot=slot, order_ids=order_ids, **options)
    return state


# --- next_move: what a message does to the pending request ----------------------------


def test_nothing_pending_is_no_move():
    assert move_for("where is ORD-4567?", ConversationState(session_id="unit")) == Move.NONE


@pytest.mark.parametrize("message", ["sam@example.com", "it's sam@example.com", "which email do you mean?"])
def test_an_email_answers_a_request_waiting_for_the_email(message):
    assert move_for(message, waiting()) == Move.ANSWER


@pytest.mark.parametrize("message", ["yes", "yes please", "go ahead"])
def test_a_yes_answers_a_confirmation(message):
    assert move_for(message, waiting(slot=Slot.CONFIRMATION)) == Move.ANSWER


@pytest.mark.parametrize("slot", list(Slot))
@pytest.mark.parametrize("message", ["no", "stop", "forget it", "never mind", "actually I'll keep it", "don't cancel it"])
def test_a_withdrawal_closes_the_request_at_every_step(slot, message):
    assert move_for(message, waiting(slot=slot)) == Move.WITHDRAW


def test_a_new_worded_order_request_replaces_the_pending_one():
    assert move_for("never mind, where is it instead?", waiting()) == Move.REPLACE
    assert move_for("track ORD-4549 please", waiting()) == Move.REPLACE


def test_a_question_in_passing_keeps_the_request():
    assert move_for("do you ship to canada?", waiting()) == Move.ASIDE


def test_an_order_number_while_a_request_waits_is_about_that_request():
    state = waiting(order_ids=("ORD-4567", "ORD-4549"))
    assert move_for("ORD-4549", state) == Move.ANSWER


def test_a_request_older_than_the_ttl_expires():
    state = waiting()
    assert expire_stale_request(state, now=timezone.now() + PENDING_REQUEST_TTL + timedelta(seconds=1))
    assert state.pending is None and state.last_close_reason == CloseReason.EXPIRED


def test_a_fresh_request_does_not_expire():
    state = waiting()
    assert expire_stale_request(state) is None and state.pending is not None


def test_closing_records_the_way_out():
    state = waiting()
    closed = close_request(state, CloseReason.WITHDRAWN)
    assert closed.order_ids == ("ORD-4567",)
    assert state.pending is None and state.last_close_reason == "withdrawn"


def test_the_pending_request_round_trips_through_the_model_fields():
    state = waiting(order_ids=("ORD-4567", "ORD-4549"), explicit=False, offered=True, action_worded=True)
    from assistant.engine.dialogue import PendingRequest

    fields = state.pending.as_fields()
    again = PendingRequest.from_fields(
        intent=fields["pending_intent"],
        slot=fields["pending_slot"],
        order_id=fields["pending_order_id"],
        data=fields["pending_data"],
        since=fields["pending_since"],
    )
    assert again == state.pending


# --- read_intent: what a message asks for by itself -------------------------------------


@pytest.mark.parametrize(
    "message",
    ["please do NOT cancel ORD-4567, just track it", "I don't want to cancel ORD-4558, I just want to know when it ships"],
)
def test_a_negated_cancel_with_a_tracking_question_is_tracking(message):
    assert read_intent(understand(message), ConversationState(session_id="unit")) == Intent.TRACK


@pytest.mark.parametrize(
    "message",
    ["I want to return ORD-4567", "I'd like a refund for ORD-4566", "I want to exchange ORD-4549 for a different colour"],
)
def test_return_refund_and_exchange_requests_are_not_cancellations(message):
    assert read_intent(understand(message), ConversationState(session_id="unit")) == Intent.ORDER_HELP


# --- whole turns: consent before the cancel tool ------------------------------------------


def test_an_explicit_request_cancels_after_the_identity_check_without_a_question():
    d = Dialogue(order())
    asked = d.say("I want to cancel my order ORD-4567")
    assert asked.outcome == "asked" and d.orders.cancel_calls == []
    done = d.say(EMAIL)
    assert done.outcome == "cancelled" and d.orders.cancel_calls == ["ORD-4567"]
    assert d.state.pending is None and d.state.last_intent == "cancel"


def test_withdrawal_while_waiting_for_the_email_then_the_email_only_verifies():
    d = Dialogue(order())
    d.say("cancel ORD-4567")
    withdrawn = d.say("actually no, don't cancel it")
    assert withdrawn.outcome == "withdrawn" and d.state.pending is None
    verified = d.say(EMAIL)
    assert verified.agent == "IdentityAgent"
    assert d.orders.cancel_calls == []
    assert d.state.is_verified("ORD-4567")


def test_an_inferred_order_is_confirmed_by_number_items_and_total():
    d = Dialogue(order())
    d.say(f"where is ORD-4567? {EMAIL}")
    question = d.say("ok cancel it then")
    assert "ORD-4567" in question.text and "Aura Bluetooth Headphones" in question.text and "129.00" in question.text
    assert d.state.pending.slot == Slot.CONFIRMATION and d.orders.cancel_calls == []
    assert d.say("no").outcome == "withdrawn"
    assert d.orders.cancel_calls == []


def test_a_yes_to_the_confirmation_cancels():
    d = Dialogue(order())
    d.say(f"where is ORD-4567? {EMAIL}")
    d.say("cancel it")
    assert d.say("yes").outcome == "cancelled"
    assert d.orders.cancel_calls == ["ORD-4567"]


def test_two_orders_in_one_message_are_verified_then_confirmed_together():
    d = Dialogue(order("ORD-4567"), order("ORD-4549", product="Summit Water Bottle", total="18.40"))
    asked = d.say("cancel ORD-4567 and ORD-4549")
    assert "ORD-4567" in asked.text and "ORD-4549" in asked.text
    question = d.say(EMAIL)
    assert "Summit Water Bottle" in question.text and "Aura Bluetooth Headphones" in question.text
    assert d.orders.cancel_calls == []
    d.say("yes")
    assert d.orders.cancel_calls == ["ORD-4567", "ORD-4549"]


def test_the_first_and_the_other_one_follow_the_order_of_mention():
    d = Dialogue(order("ORD-4549"), order("ORD-4567"))
    d.say(f"where is ORD-4549? {EMAIL}")
    d.say(f"and ORD-4567? {EMAIL}")
    d.say("cancel the first one")
    assert d.state.pending.order_ids == ("ORD-4549",)
    d.say("yes")
    assert d.orders.cancel_calls == ["ORD-4549"]
    d.say("now the other one")
    assert d.state.pending.order_ids == ("ORD-4567",)
    assert d.orders.cancel_calls == ["ORD-4549"]


def test_an_offer_to_cancel_instead_of_a_return_needs_a_yes():
    d = Dialogue(order())
    reply = d.say(f"I want to return ORD-4567, my email is {EMAIL}")
    assert reply.agent == "OrderSupportAgent"
    assert d.state.pending.offered and d.state.pending.slot == Slot.CONFIRMATION
    assert d.orders.cancel_calls == []
    d.say("no thanks")
    assert d.orders.cancel_calls == []


def test_a_verification_older_than_the_ttl_asks_for_the_email_again(settings):
    d = Dialogue(order())
    d.say(f"where is ORD-4567? {EMAIL}")
    d.state.verified_at["ORD-4567"] -= timedelta(minutes=settings.IDENTITY_VERIFICATION_TTL_MINUTES + 1)
    reply = d.say("cancel ORD-4567")
    assert "email" in reply.text and d.orders.cancel_calls == []


def test_the_order_system_down_is_an_apology_and_nothing_is_cancelled():
    d = Dialogue(order(), down=True)
    reply = d.say(f"cancel ORD-4567 {EMAIL}")
    assert reply.outcome == "order_system_down" and "order system" in reply.text
