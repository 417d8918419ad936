"""OrchestratorAgent: reads the message, decides which agent owns it, hands it over.

Routing order:
0. While a person owns the conversation (a claimed handoff) the assistant stays silent.
1. ``read_intent``: what the message asks for by itself: a person, small talk, cancel
   (only when worded and not negated), track, an order support request (return, exchange,
   refund, change), a product question, or just an email to check.
2. ``dialogue.next_move``: what the message does to the pending request: answers it (the
   agent that asked resumes), withdraws it (acknowledged, nothing done), replaces it with
   a new order request, or asks something in passing (answered, request kept, reminder).
3. After the agent's turn, a second unanswered question in a row, or an upset customer,
   hands the conversation to a person as well (the trail shows both agents); the pending
   request survives that.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistant import metrics
from assistant.engine.agents.base import Agent, AgentReply, Outcome, TurnContext
from assistant.engine.agents.human_handoff import HumanHandoffAgent
from assistant.engine.agents.registry import agent_for, request_owner_for
from assistant.engine.agents.wording import chain_and
from assistant.engine.dialogue import (
    ORDER_INTENTS,
    CloseReason,
    Intent,
    Move,
    Slot,
    close_request,
    expire_stale_request,
    next_move,
)
from assistant.engine.nlu import Understanding, understand
from assistant.engine.state import ConversationState
from assistant.models import HandoffReason, HandoffStatus
from core.tracing import span

if TYPE_CHECKING:
    from orders.clients.base import OrderClient

logger = logging.getLogger(__name__)

ORCHESTRATOR = "OrchestratorAgent"
# Below this the classifier is guessing; a product question is the safest guess because
# the knowledge base's own threshold then decides whether there is an answer at all.
MIN_INTENT_CONFIDENCE = 0.40
UNANSWERED_TURNS_BEFORE_HANDOFF = 2
ANYTHING_ELSE = gettext_lazy("Is there anything else I can help with?")
# A short question right after a product question is about that product unless the
# classifier is sure it is about something else.
FOLLOW_UP_MAX_WORDS = 10
FOLLOW_UP_OVERRULE_BELOW = 0.9
# An email with little else ("it's jo@example.com") is an answer to an identity question.
EMAIL_ONLY_MAX_WORDS = 12
HANDOFF = HumanHandoffAgent()


@dataclass(frozen=True)
class TurnOutcome:
    text: str
    agent: str
    tool_calls: list[dict[str, Any]]
    handover: str
    intent: str
    outcome: str = ""
    silent: bool = False  # a person owns the conversation: no assistant message


# The classifier's labels as the engine's intents (``shop_other``: an order request that is
# neither cancel nor track, which the OrderSupportAgent answers).
LABEL_INTENTS = {
    "cancel": Intent.CANCEL,
    "track": Intent.TRACK,
    "product": Intent.PRODUCT,
    "shop_other": Intent.ORDER_HELP,
    "out_of_scope": Intent.OUT_OF_SCOPE,
    "smalltalk": Intent.SMALLTALK,
}
FALLBACK_INTENTS = (Intent.OTHER, Intent.SMALLTALK, Intent.OUT_OF_SCOPE)
# "my refund", "our delivery": a request about the customer's own order, not a policy question.
_OWN = re.compile(r"\b(?:my|our|mine|i (?:ordered|bought|paid|received|got))\b", re.IGNORECASE)


def read_intent(u: Understanding, state: ConversationState) -> Intent:
    """What the message asks for by itself, before the pending request is considered."""
    if u.wants_human:
        return Intent.HANDOFF
    has_order_number = bool(u.order_ids or u.malformed_order_ids)
    if (u.greeting or u.asks_what_it_is) and not has_order_number:
        return Intent.SMALLTALK
    if (u.thanks or u.goodbye) and len(u.words) <= 5 and not has_order_number:
        return Intent.SMALLTALK

    if (
        u.emails
        and len(u.words) <= EMAIL_ONLY_MAX_WORDS
        and not (has_order_number or u.cancel_worded or u.track_cue or u.request_kind or u.order_topic)
    ):
        return Intent.VERIFY  # an address and little else: it answers an identity question
    if (u.withdrawal or u.negative) and len(u.words) <= 4 and not has_order_number and state.pending is None:
        return Intent.OTHER  # "never mind", "no thanks" with nothing to take back
    if (
        u.affirmative
        and len(u.words) <= 3
        and state.pending is None
        and not (has_order_number or u.cancel_worded or u.track_cue or u.request_kind or u.order_topic or u.follow_up)
    ):
        return Intent.OTHER  # "yes", "sí", "oui" with nothing asked: not a question for the FAQ
    intent = LABEL_INTENTS.get(u.intent, Intent.OTHER)
    if intent == Intent.ORDER_HELP and u.cancel_worded and u.request_kind in ("", "refund"):
        intent = Intent.CANCEL  # "can you scrap my order?": about their order, and worded as a cancel
    about_an_order = has_order_number or bool(state.last_order_id and u.order_reference)
    if (
        u.tracking_follow_up
        and state.last_intent == Intent.TRACK
        and state.last_order_id
        and not (has_order_number or u.cancel_worded or u.request_kind)
    ):
        return Intent.TRACK  # "what carrier is it with?" right after a tracking answer
    if u.follow_up and state.last_question and not has_order_number and intent not in (Intent.CANCEL, Intent.TRACK):
        return Intent.PRODUCT  # "what about the smartwatch?": the last question, about something else
    if (
        intent in (Intent.OUT_OF_SCOPE, Intent.SMALLTALK)
        and state.last_product_context
        and u.normalized.rstrip().endswith("?")
        and len(u.words) <= FOLLOW_UP_MAX_WORDS
        and u.intent_confidence < FOLLOW_UP_OVERRULE_BELOW
    ):
        return Intent.PRODUCT  # "what comes in the box?", "what's it made of?" right after a product
    withdrawing = state.pending is not None and u.withdrawal and not u.cancel_worded
    if u.cancel_negated or (intent == Intent.CANCEL and withdrawing):
        # "don't cancel it, just track it": never a cancellation.
        return Intent.TRACK if u.track_cue and (has_order_number or state.last_order_id) else Intent.OTHER
    if u.request_kind and not u.cancel_worded:
        # Return, exchange, refund, change: never a cancellation. About a given order (or
        # "I want to return it" after one was discussed) the order support agent takes
        # it; as a question ("when will I get my refund?") the knowledge base answers.
        asked = u.normalized.rstrip().endswith("?")
        if has_order_number or (intent == Intent.CANCEL and state.last_order_id and not asked):
            return Intent.ORDER_HELP
        if intent == Intent.ORDER_HELP and _OWN.search(u.normalized):
            return Intent.ORDER_HELP
        if asked or (intent == Intent.CANCEL and u.request_kind != "refund"):
            return Intent.PRODUCT
    if (
        u.order_reference
        and state.last_intent in (Intent.CANCEL, Intent.TRACK)
        and about_an_order
        and not (u.cancel_worded or u.track_cue)
    ):
        return Intent(state.last_intent)  # "now the other one": the last order request again
    if u.order_topic == "order_info" and (has_order_number or state.last_order_id) and not u.cancel_worded:
        return Intent.ORDER_HELP  # "what did I order?", "how much did I pay?": the order's own data
    if intent in (Intent.CANCEL, Intent.TRACK):
        return intent
    if has_order_number and intent in FALLBACK_INTENTS:
        # An order number with no clear request: continue what is pending, else look it up.
        # (A product or policy question that mentions its order stays a product question.)
        return state.pending.intent if state.pending else Intent.TRACK
    if intent in FALLBACK_INTENTS and u.intent_confidence < MIN_INTENT_CONFIDENCE:
        return Intent.PRODUCT
    return intent


def decide_intent(u: Understanding, state: ConversationState) -> Intent:
    """The intent whose agent owns the turn (the routing decision, for evaluation too)."""
    new_intent = read_intent(u, state)
    move = next_move(u, state, new_intent=new_intent)
    if move.move == Move.ANSWER and state.pending is not None:
        return state.pending.intent
    return new_intent


def run_turn(
    *,
    message: str,
    state: ConversationState,
    channel: str,
    user_email: str = "",
    user_id: int | None = None,
    conversation_id: int | None = None,
    client_ip: str = "",
    order_client: OrderClient | None = None,
) -> TurnOutcome:
    if state.handoff_status == HandoffStatus.ACTIVE:
        # A person owns the conversation: store the message for them, say nothing.
        return TurnOutcome(
            text="",
            agent=HANDOFF.name,
            tool_calls=[],
            handover=f"{ORCHESTRATOR} → {HANDOFF.name}",
            intent="handoff",
            outcome=Outcome.HUMAN_OWNED,
            silent=True,
        )

    u = understand(message)
    if u.emails:
        state.remembered_email = u.emails[0][:254]
    state.note_mentioned(u.order_ids)
    ctx = TurnContext(
        message=message,
        understanding=u,
        state=state,
        channel=channel,
        conversation_id=conversation_id,
        user_email=user_email,
        user_id=user_id,
        client_ip=client_ip,
        order_client=order_client,
    )
    ctx.hand_over(ORCHESTRATOR)
    prefix = ""
    with span("agent OrchestratorAgent", agent=ORCHESTRATOR, intent=u.intent):
        expire_stale_request(state)
        new_intent = read_intent(u, state)
        move = next_move(u, state, new_intent=new_intent)
        intent = state.pending.intent if move.move == Move.ANSWER and state.pending else new_intent
        if move.move == Move.ASIDE and intent in ORDER_INTENTS and state.pending is not None and intent != state.pending.intent:
            # A guess at another order request, in passing: a question for the knowledge
            # base, so the pending request stays as it is.
            intent = Intent.PRODUCT
        if move.move in (Move.WITHDRAW, Move.REPLACE):
            closed = close_request(state, CloseReason.WITHDRAWN if move.move == Move.WITHDRAW else CloseReason.REPLACED)
            assert closed is not None  # next_move withdraws or replaces only a pending request
            owner = request_owner_for(closed.intent)
            acknowledgement = owner.acknowledge_withdrawal(closed.order_ids)
            if move.move == Move.WITHDRAW:
                ctx.hand_over(owner.name)
                state.unanswered_streak = 0
                text = f"{acknowledgement} {ANYTHING_ELSE}"
                return _outcome(ctx, AgentReply(text, owner.name, Outcome.WITHDRAWN), text, intent)
            if closed.intent == Intent.CANCEL:
                prefix = acknowledgement
        if intent == Intent.HANDOFF and state.pending is not None:
            close_request(state, CloseReason.HANDOFF)  # the customer chose a person over the request
        pending_before = state.pending

    if intent == Intent.HANDOFF:
        reply = _run_agent(ctx, HANDOFF, intent, reason=HandoffReason.REQUESTED)
    else:
        reply = _run_agent(ctx, agent_for(intent), intent)

    outcome = reply.outcome
    text = f"{prefix}\n\n{reply.text}" if prefix else reply.text
    if move.move == Move.ASIDE and pending_before is not None and state.pending is pending_before:
        text = f"{text}\n\n{_reminder(state)}"

    if outcome == Outcome.NO_ANSWER:
        state.unanswered_streak += 1
    elif outcome != Outcome.HANDOFF:
        state.unanswered_streak = 0
    reason = None
    if state.unanswered_streak >= UNANSWERED_TURNS_BEFORE_HANDOFF:
        reason = HandoffReason.UNANSWERED
    elif u.upset:
        reason = HandoffReason.UPSET
    if reason and intent != Intent.HANDOFF and state.handoff_status != HandoffStatus.WAITING:
        handoff = _run_agent(ctx, HANDOFF, "handoff", reason=reason)
        text = f"{text}\n\n{handoff.text}"
        reply, outcome = handoff, handoff.outcome

    return _outcome(ctx, reply, text, intent, outcome)


def _outcome(ctx: TurnContext, reply: AgentReply, text: str, intent: str, outcome: str | None = None) -> TurnOutcome:
    return TurnOutcome(
        text=text,
        agent=reply.agent,
        tool_calls=[call.as_payload() for call in ctx.tool_calls],
        handover=" → ".join(ctx.trail),
        intent=str(intent),
        outcome=str(outcome or reply.outcome),
    )


def _run_agent(ctx: TurnContext, agent: Agent | HumanHandoffAgent, intent: str, **kwargs: Any) -> AgentReply:
    ctx.hand_over(agent.name)
    started = time.perf_counter()
    with span(f"agent {agent.name}", agent=agent.name, intent=str(intent)) as current:
        reply = agent.handle(ctx, **kwargs)
        current.set_attribute("tools", ",".join(call.tool for call in ctx.tool_calls))
    metrics.AGENT_LATENCY.labels(agent=agent.name).observe(time.perf_counter() - started)
    return reply


def _reminder(state: ConversationState) -> str:
    request = state.pending
    if request is None:
        return ""
    values = {"order_ids": chain_and(request.order_ids)}
    if request.slot == Slot.CONFIRMATION:
        return _("About order %(order_ids)s: do you still want me to cancel it? Please answer yes or no.") % values
    by_intent = _STILL_NEEDED.get(request.slot, {})
    reminder = by_intent.get(request.intent, by_intent.get(Intent.ORDER_HELP))
    return reminder % values if reminder is not None else ""


# What a pending request still needs, by its slot and intent (any other intent is "helping
# with"): whole sentences, so that each language words "about cancelling order ..." its own way.
_STILL_NEEDED = {
    Slot.EMAIL: {
        Intent.CANCEL: gettext_lazy(
            "About cancelling order %(order_ids)s: I still need the email address you used for that order."
        ),
        Intent.TRACK: gettext_lazy("About tracking order %(order_ids)s: I still need the email address you used for that order."),
        Intent.ORDER_HELP: gettext_lazy(
            "About helping with order %(order_ids)s: I still need the email address you used for that order."
        ),
    },
    Slot.ORDER_ID: {
        Intent.CANCEL: gettext_lazy("About cancelling your order: I still need the order number (it looks like ORD-1234)."),
        Intent.TRACK: gettext_lazy("About tracking your order: I still need the order number (it looks like ORD-1234)."),
        Intent.ORDER_HELP: gettext_lazy("About helping with your order: I still need the order number (it looks like ORD-1234)."),
    },
}


__all__ = ["ORDER_INTENTS", "decide_intent", "read_intent", "run_turn"]
