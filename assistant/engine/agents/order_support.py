"""OrderSupportAgent: return, exchange, refund and change requests about one order.

None of these is a cancellation. Each gets the shop's policy from the knowledge base and,
once the customer has proved the order is theirs, what applies to that order: the refund
of a cancelled order, how to send back a delivered one, or, for an order that has not
shipped and is still inside the 24-hour window, an *offer* to cancel it instead, which
only a clear yes carries out (the OrderCancellationAgent does that).
"""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistant.engine.agents import tools
from assistant.engine.agents.base import OrderRequestAgent, Outcome, TurnContext
from assistant.engine.agents.cancellation import may_try_cancel, refusal_for
from assistant.engine.agents.identity import ensure_verified
from assistant.engine.agents.order_reference import resolve_orders
from assistant.engine.agents.product_qa import ORDER_HELP, knowledge_query
from assistant.engine.agents.tracking import delivered_sentence, describe_tracking, status_line
from assistant.engine.agents.wording import (
    ORDER_SYSTEM_APOLOGY,
    format_datetime,
    format_items,
    format_money,
    order_summary,
)
from assistant.engine.dialogue import CloseReason, Intent, Slot, close_request, open_request
from orders.domain import OrderRecord

# The policy entry to fall back on when the customer's own words find none (searches of
# the knowledge base, written in English: not phrases for the customer).
POLICY_QUERIES = {
    "return": "What is your return policy?",
    "exchange": "Can I exchange an item for a different size or colour?",
    "refund": "When will I get my refund?",
    "change": "Can I change the shipping address after placing my order?",
}
CANCELLED_REFUND_QUERY = "How are refunds handled for a cancelled order?"
# What the chat cannot do for an order that has not shipped, and what it offers instead.
CANCEL_INSTEAD = {
    "return": gettext_lazy(
        "I can't return it from this chat, but I can cancel it (you'd get a full refund) so you can order "
        "exactly what you want instead."
    ),
    "exchange": gettext_lazy(
        "I can't exchange it from this chat, but I can cancel it (you'd get a full refund) so you can order "
        "exactly what you want instead."
    ),
    "refund": gettext_lazy(
        "I can't get a refund from this chat, but I can cancel it (you'd get a full refund) so you can order "
        "exactly what you want instead."
    ),
    "change": gettext_lazy(
        "I can't change it from this chat, but I can cancel it (you'd get a full refund) so you can order "
        "exactly what you want instead."
    ),
}


class OrderSupportAgent(OrderRequestAgent):
    name = "OrderSupportAgent"

    def _respond(self, ctx: TurnContext) -> tuple[str, Outcome]:
        state, u = ctx.state, ctx.understanding
        request = state.pending if state.pending is not None and state.pending.intent == Intent.ORDER_HELP else None
        topic_kind = ""
        if not u.request_kind and request is None:
            # Not a return, exchange, refund or change: what the order is, a delivery
            # problem (about an order we know of), or a question the knowledge base answers.
            topic = u.order_topic or "other"
            if topic in ("order_info", "delivery") and (u.order_ids or u.malformed_order_ids or state.last_order_id):
                topic_kind = topic
            elif topic != "order_info":
                return self._answer_without_order(ctx, topic)
            else:
                topic_kind = topic
        kind = u.request_kind or (request.kind if request else "") or topic_kind or "change"
        policy = self._policy(ctx, kind) if u.request_kind or request is None else ""

        reference = resolve_orders(ctx, intent=Intent.ORDER_HELP, action_worded=True)
        if reference.reply:
            if state.pending is not None:
                state.pending = replace(state.pending, kind=kind)
            return _join(policy, reference.reply), Outcome.ASKED
        order_ids = list(reference.order_ids)[:1]
        state.note_mentioned(order_ids)
        state.last_order_id = order_ids[0]

        refusal = ensure_verified(ctx, intent=Intent.ORDER_HELP, order_ids=order_ids, kind=kind)
        if refusal:
            if refusal.outcome == Outcome.ASKED and policy:
                check = _("If you'd like me to check what I can do for %(order_id)s itself: %(question)s") % {
                    "order_id": order_ids[0],
                    "question": refusal.text,
                }
                return _join(policy, check), Outcome.ANSWERED
            return _join(policy, refusal.text), refusal.outcome
        close_request(state, CloseReason.DONE)

        details = tools.order_details(ctx, order_ids[0])
        if not details.ok:
            if details.error_code == "not_found":
                return _join(policy, _("I couldn't find order %(order_id)s.") % {"order_id": order_ids[0]}), Outcome.ANSWERED
            return _join(policy, str(ORDER_SYSTEM_APOLOGY)), Outcome.ORDER_SYSTEM_DOWN
        return self._for_order(ctx, details.value, kind, policy)

    def _answer_without_order(self, ctx: TurnContext, topic: str) -> tuple[str, Outcome]:
        """An account, payment, invoice, delivery or complaint question: the knowledge base's
        entry, and a person when it has none (a complaint always gets that offer)."""
        answer = self._search(ctx, knowledge_query(ctx.understanding))
        if topic == "complaint":
            return _join(_("I'm sorry to hear that."), answer, str(PERSON_OFFER)), Outcome.ANSWERED
        if answer:
            return answer, Outcome.ANSWERED
        return f"{ORDER_HELP} {PERSON_OFFER}", Outcome.ASKED

    def _order_facts(self, order: OrderRecord, kind: str) -> str:
        if kind == "order_info":
            facts = _("Order %(order_id)s: %(items)s, total %(total)s, placed on %(placed_at)s.") % {
                "order_id": order.order_id,
                "items": format_items(order),
                "total": format_money(order),
                "placed_at": format_datetime(order.placed_at),
            }
            return f"{facts} {status_line(order.status)}"
        return describe_tracking(order)

    def _for_order(self, ctx: TurnContext, order: OrderRecord, kind: str, policy: str) -> tuple[str, Outcome]:
        if kind in ("order_info", "delivery"):
            facts = self._order_facts(order, kind)
            extra = str(PERSON_OFFER) if kind == "delivery" else ""
            return _join(facts, policy, extra), Outcome.ANSWERED
        if order.status == "cancelled":
            refund = self._search(ctx, CANCELLED_REFUND_QUERY)
            if order.cancelled_at:
                text = _("Order %(order_id)s was cancelled on %(cancelled_at)s, so there is nothing to send back.") % {
                    "order_id": order.order_id,
                    "cancelled_at": format_datetime(order.cancelled_at),
                }
            else:
                text = _("Order %(order_id)s was cancelled, so there is nothing to send back.") % {"order_id": order.order_id}
            return _join(text, refund or policy), Outcome.ANSWERED
        if may_try_cancel(order):
            # Not shipped, inside the window: the one thing we can do is cancel, if they want.
            open_request(
                ctx.state,
                intent=Intent.CANCEL,
                slot=Slot.CONFIRMATION,
                order_ids=[order.order_id],
                explicit=False,
                offered=True,
            )
            offer = " ".join(
                [
                    _("Order %(order_id)s hasn't shipped yet.") % {"order_id": order.order_id},
                    str(CANCEL_INSTEAD.get(kind, CANCEL_INSTEAD["change"])),
                    _("Would you like me to cancel order %(order)s? Please answer yes or no.") % {"order": order_summary(order)},
                ]
            )
            return _join(policy, offer), Outcome.ASKED
        if order.status == "delivered":
            return _join(delivered_sentence(order), policy), Outcome.ANSWERED
        return _join(refusal_for(order), policy), Outcome.ANSWERED

    def _policy(self, ctx: TurnContext, kind: str) -> str:
        if kind == "order_info":
            return ""  # the order's own data is the answer
        found = self._search(ctx, knowledge_query(ctx.understanding))
        return found or (self._search(ctx, POLICY_QUERIES[kind]) if kind in POLICY_QUERIES else "")

    def _search(self, ctx: TurnContext, query: str) -> str:
        result = tools.search_knowledge_base(ctx, query)
        return result.value.answer if result.ok and result.value is not None else ""


PERSON_OFFER = gettext_lazy("If you'd like a member of our team to look into it, just ask for a person.")


def _join(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)
