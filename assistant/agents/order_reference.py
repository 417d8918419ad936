"""Which order a message is about: written in it, answered to our question, or remembered."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.agents.base import TurnContext
from assistant.agents.wording import ASK_ORDER_ID, malformed_order_id, which_order
from assistant.engine.nlu import canonical_order_id
from assistant.engine.state import Slot


@dataclass(frozen=True)
class OrderReference:
    order_id: str = ""
    # True when the customer wrote the order number for this request; False when it was
    # taken from the conversation ("cancel it"), which calls for a confirmation first.
    explicit: bool = False
    reply: str | None = None


def resolve_order(ctx: TurnContext, *, intent: str, action: str) -> OrderReference:
    """The order this turn is about, or the question to ask when it is not clear."""
    u, state = ctx.understanding, ctx.state
    continuing = state.pending_intent == intent

    if len(u.order_ids) > 1:
        state.expect(intent=intent, slot=Slot.ORDER_ID, candidates=list(u.order_ids))
        return OrderReference(reply=which_order(u.order_ids, action))
    if u.order_ids:
        return OrderReference(order_id=u.order_ids[0], explicit=True)
    if u.malformed_order_ids:
        state.expect(intent=intent, slot=Slot.ORDER_ID)
        return OrderReference(reply=malformed_order_id(u.malformed_order_ids))
    if continuing and state.pending_slot == Slot.ORDER_ID and u.bare_numbers:
        digits = u.bare_numbers[0]
        if len(digits) == 4:
            return OrderReference(order_id=canonical_order_id(digits), explicit=True)
        state.expect(intent=intent, slot=Slot.ORDER_ID)
        return OrderReference(reply=malformed_order_id([canonical_order_id(digits)]))
    if continuing and state.pending_order_id:
        return OrderReference(order_id=state.pending_order_id, explicit=bool(state.pending_data.get("explicit")))
    if state.last_order_id:
        return OrderReference(order_id=state.last_order_id, explicit=False)

    state.expect(intent=intent, slot=Slot.ORDER_ID)
    if state.last_product_context:
        return OrderReference(
            reply=f"Which order is the {state.last_product_context} in? {ASK_ORDER_ID}"
        )
    return OrderReference(reply=ASK_ORDER_ID)
