"""OrchestratorAgent: reads the message, decides which agent owns it, hands it over.

Routing order:
0. While a person owns the conversation (a claimed handoff) the assistant stays silent.
   A customer who asks for a person gets the HumanHandoffAgent.
1. A message that answers what the assistant asked for (an order number, an email, a
   yes/no) goes back to the agent that asked.
2. Otherwise the classifier's intent decides, with order numbers as evidence: a bare
   "ORD-4567" is a tracking request.
3. A product or small-talk question in the middle of a pending request is answered and
   the pending request is kept, with a reminder of what is still needed.
4. After the agent's turn, a second unanswered turn in a row, or an upset customer,
   hands the conversation to a person as well (the trail shows both agents).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass

from assistant import metrics
from assistant.agents.base import Outcome, TurnContext
from assistant.agents.human_handoff import HumanHandoffAgent
from assistant.agents.outcomes import outcome_from_tool_calls
from assistant.agents.registry import agent_for
from assistant.models import HandoffReason, HandoffStatus
from assistant.engine.nlu import Understanding, understand
from assistant.engine.state import ConversationState, Slot
from assistant.telemetry import span

logger = logging.getLogger(__name__)

ORCHESTRATOR = "OrchestratorAgent"
# Below this the classifier is guessing; a product question is the safest guess because
# the knowledge base's own threshold then decides whether there is an answer at all.
MIN_INTENT_CONFIDENCE = 0.40
ORDER_INTENTS = ("cancel", "track")
UNANSWERED_TURNS_BEFORE_HANDOFF = 2
_MENTIONS_EMAIL = re.compile(r"\b(e-?mail|mail address|address)\b", re.IGNORECASE)
HANDOFF = HumanHandoffAgent()


@dataclass(frozen=True)
class TurnOutcome:
    text: str
    agent: str
    tool_calls: list[dict]
    handover: str
    intent: str
    outcome: str = ""
    silent: bool = False  # a person owns the conversation: no assistant message


def answers_pending(u: Understanding, state: ConversationState) -> bool:
    """Whether the message supplies what the assistant is waiting for."""
    slot = state.pending_slot
    if slot == Slot.ORDER_ID:
        return bool(u.order_ids or u.malformed_order_ids or (u.bare_numbers and len(u.words) <= 6))
    if slot == Slot.EMAIL:
        # An address, or a message about the address ("which email?", "the one on the
        # order"): the agent that asked explains again rather than another agent guessing.
        return bool(u.emails) or (not u.order_ids and bool(_MENTIONS_EMAIL.search(u.normalized)))
    if slot == Slot.CONFIRMATION:
        return u.affirmative or u.negative
    return False


def route(u: Understanding, state: ConversationState) -> str:
    """The intent whose agent owns this turn."""
    if state.pending_intent and answers_pending(u, state):
        return state.pending_intent
    if state.pending_intent and u.negative and len(u.words) <= 6:
        return state.pending_intent  # "never mind": the agent that asked closes its request

    intent = u.intent
    has_order_number = bool(u.order_ids or u.malformed_order_ids)
    if u.greeting and not has_order_number:
        return "other"
    if (u.thanks or u.goodbye) and len(u.words) <= 5 and not has_order_number:
        return "other"
    if intent in ORDER_INTENTS:
        return intent
    if has_order_number and intent == "other":
        # An order number with no clear request: continue what is pending, else look it up.
        # (A product or policy question that mentions its order stays a product question.)
        return state.pending_intent or "track"
    if intent == "other" and u.intent_confidence < MIN_INTENT_CONFIDENCE:
        return "product"
    return intent


def decide_intent(u: Understanding, state: ConversationState) -> str:
    """The orchestrator's whole routing decision: ``handoff`` (a person was asked for) or
    an intent of ``route``."""
    return "handoff" if u.wants_human else route(u, state)


def run_turn(
    *,
    message: str,
    state: ConversationState,
    channel: str,
    user_email: str = "",
    user_id=None,
    conversation_id: int | None = None,
) -> TurnOutcome:
    if state.handoff_status == HandoffStatus.ACTIVE:
        # A person owns the conversation: store the message for them, say nothing.
        return TurnOutcome(
            text="", agent=HANDOFF.name, tool_calls=[], handover=f"{ORCHESTRATOR} → {HANDOFF.name}", intent="handoff",
            outcome=Outcome.HUMAN_OWNED, silent=True,
        )

    u = understand(message)
    if u.emails:
        state.remembered_email = u.emails[0][:254]
    ctx = TurnContext(
        message=message, understanding=u, state=state, channel=channel, conversation_id=conversation_id,
        user_email=user_email, user_id=user_id,
    )
    ctx.hand_over(ORCHESTRATOR)
    with span("agent OrchestratorAgent", agent=ORCHESTRATOR, intent=u.intent):
        intent = decide_intent(u, state)
        pending_before = (state.pending_intent, state.pending_slot, state.pending_order_id)
        if intent in ORDER_INTENTS and state.pending_intent and state.pending_intent != intent:
            state.clear_pending()  # a new order request replaces the unfinished one

    if intent == "handoff":
        reply = _run_agent(ctx, HANDOFF, intent, reason=HandoffReason.REQUESTED)
    else:
        reply = _run_agent(ctx, agent_for(intent), intent)

    outcome = reply.outcome or outcome_from_tool_calls(ctx.tool_calls)
    text = reply.text
    if intent not in ORDER_INTENTS and intent != "handoff" and pending_before[0] and state.pending_intent:
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
    if reason and intent != "handoff" and state.handoff_status != HandoffStatus.WAITING:
        handoff = _run_agent(ctx, HANDOFF, "handoff", reason=reason)
        text = f"{text}\n\n{handoff.text}"
        reply, outcome = handoff, handoff.outcome

    return TurnOutcome(
        text=text,
        agent=reply.agent,
        tool_calls=[call.as_payload() for call in ctx.tool_calls],
        handover=" → ".join(ctx.trail),
        intent=intent,
        outcome=outcome,
    )


def _run_agent(ctx: TurnContext, agent, intent: str, **kwargs):
    ctx.hand_over(agent.name)
    started = time.perf_counter()
    with span(f"agent {agent.name}", agent=agent.name, intent=intent) as current:
        reply = agent.handle(ctx, **kwargs)
        current.set_attribute("tools", ",".join(call.tool for call in ctx.tool_calls))
    metrics.AGENT_LATENCY.labels(agent=agent.name).observe(time.perf_counter() - started)
    return reply


def _reminder(state: ConversationState) -> str:
    action = {"cancel": "cancelling", "track": "tracking"}.get(state.pending_intent, "helping with")
    order = state.pending_order_id
    if state.pending_slot == Slot.EMAIL:
        return f"About {action} order {order}: I still need the email address you used for that order."
    if state.pending_slot == Slot.CONFIRMATION:
        return f"About order {order}: do you still want me to cancel it? Please answer yes or no."
    if state.pending_slot == Slot.ORDER_ID:
        return f"About {action} your order: I still need the order number (it looks like ORD-1234)."
    return ""
