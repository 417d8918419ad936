"""Which orders a message is about: written in it, answered to our question, or remembered."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assistant.engine.agents.base import TurnContext
from assistant.engine.agents.wording import ASK_ORDER_ID, malformed_order_id
from assistant.engine.dialogue import Intent, PendingRequest, Slot, open_request
from orders.domain import ORDER_ID_DIGITS, canonical_order_id

_ORDINALS = {"first": 0, "second": 1, "third": 2}


@dataclass(frozen=True)
class OrderReference:
    order_ids: tuple[str, ...] = ()
    # The customer typed these order numbers for this request (in this message, or in
    # answer to our "which order?"), as opposed to orders taken from the conversation.
    named: bool = False
    # The pending request these orders come from, when the turn resumes it.
    request: PendingRequest | None = None
    reply: str | None = None


def resolve_orders(ctx: TurnContext, *, intent: Intent, action_worded: bool) -> OrderReference:
    """The orders this turn is about, or the question to ask when they are not clear.

    Asking opens the request (waiting on the order number), remembering whether the
    customer worded the action themselves.
    """
    u, state = ctx.understanding, ctx.state
    request = state.pending if state.pending is not None and state.pending.intent == intent else None

    if u.order_ids:
        return OrderReference(order_ids=u.order_ids, named=True, request=request)
    if u.malformed_order_ids:
        open_request(state, intent=intent, slot=Slot.ORDER_ID, action_worded=action_worded)
        return OrderReference(reply=malformed_order_id(u.malformed_order_ids))
    if u.order_reference:
        among = list(request.order_ids) if request and len(request.order_ids) > 1 else list(state.mentioned_order_ids)
        chosen = pick(u.order_reference, among=among, last=state.last_order_id)
        if chosen:
            return OrderReference(order_ids=chosen, request=request)
    if request and request.slot == Slot.ORDER_ID and u.bare_numbers:
        digits = u.bare_numbers[0]
        if len(digits) == ORDER_ID_DIGITS:
            return OrderReference(order_ids=(canonical_order_id(digits),), named=True, request=request)
        open_request(state, intent=intent, slot=Slot.ORDER_ID, action_worded=request.action_worded or action_worded)
        return OrderReference(reply=malformed_order_id([canonical_order_id(digits)]))
    if request and request.order_ids:
        return OrderReference(order_ids=request.order_ids, request=request)
    if state.last_order_id:
        return OrderReference(order_ids=(state.last_order_id,), request=request)

    open_request(state, intent=intent, slot=Slot.ORDER_ID, action_worded=action_worded)
    if state.last_product_context:
        which = _("Which order is the %(product)s in?") % {"product": state.last_product_context}
        return OrderReference(reply=f"{which} {ASK_ORDER_ID}")
    return OrderReference(reply=str(ASK_ORDER_ID))


def pick(reference: str, *, among: list[str], last: str) -> tuple[str, ...]:
    """ "first", "second", "last", "other", "both" among orders in the order mentioned."""
    if not among:
        return ()
    if reference in _ORDINALS:
        index = _ORDINALS[reference]
        return (among[index],) if index < len(among) else ()
    if reference == "last":
        return (among[-1],)
    if reference == "other":
        others = [order_id for order_id in among if order_id != last]
        return (others[-1],) if others and len(among) > 1 else ()
    if reference == "both":
        return tuple(among[-2:]) if len(among) >= 2 else ()
    return ()
