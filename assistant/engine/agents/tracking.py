"""OrderTrackingAgent: where an order is and when it arrives, after proof of ownership."""

from __future__ import annotations

from assistant.engine.agents import tools
from assistant.engine.agents.base import OrderRequestAgent, Outcome, TurnContext
from assistant.engine.agents.identity import ensure_verified
from assistant.engine.agents.order_reference import resolve_orders
from django.utils.translation import gettext as _

from assistant.engine.agents.wording import (
    ORDER_SYSTEM_APOLOGY,
    format_date,
    format_datetime,
    status_label,
    status_sentence,
)
from assistant.engine.dialogue import CloseReason, Intent, close_request
from orders.domain import OrderRecord


class OrderTrackingAgent(OrderRequestAgent):
    name = "OrderTrackingAgent"

    def _respond(self, ctx: TurnContext) -> tuple[str, Outcome]:
        state = ctx.state
        reference = resolve_orders(ctx, intent=Intent.TRACK, action_worded=True)
        if reference.reply:
            return reference.reply, Outcome.ASKED
        order_ids = list(reference.order_ids)
        state.note_mentioned(order_ids)
        state.last_order_id = order_ids[-1]

        refusal = ensure_verified(ctx, intent=Intent.TRACK, order_ids=order_ids, explicit=reference.named)
        if refusal:
            return refusal.text, refusal.outcome
        close_request(state, CloseReason.DONE)
        state.last_intent = Intent.TRACK.value

        texts = []
        for order_id in order_ids:
            result = tools.track_order(ctx, order_id)
            if not result.ok:
                if result.error_code == "not_found":
                    texts.append(_("I couldn't find order %(order_id)s.") % {"order_id": order_id})
                    continue
                return str(ORDER_SYSTEM_APOLOGY), Outcome.ORDER_SYSTEM_DOWN
            texts.append(describe_tracking(result.value))
        return " ".join(texts), Outcome.TRACKED


def describe_tracking(order: OrderRecord) -> str:
    if order.status == "cancelled":
        if order.cancelled_at:
            return _("Order %(order_id)s was cancelled on %(cancelled_at)s, so it won't be delivered.") % {
                "order_id": order.order_id,
                "cancelled_at": format_datetime(order.cancelled_at),
            }
        return _("Order %(order_id)s was cancelled, so it won't be delivered.") % {"order_id": order.order_id}
    if order.status == "delivered":
        return f"{delivered_sentence(order)} {status_line(order.status)}"
    sentences = [status_sentence(order), status_line(order.status)]
    if order.eta:
        sentences.append(_("Estimated delivery: %(date)s.") % {"date": format_date(order.eta)})
    if order.carrier and order.tracking_number:
        sentences.append(
            _("Carrier: %(carrier)s, tracking number %(tracking_number)s.")
            % {"carrier": order.carrier, "tracking_number": order.tracking_number}
        )
    return " ".join(sentences)


def status_line(status: str) -> str:
    """The status as a sentence ("Status: out for delivery.")."""
    return _("Status: %(status)s.") % {"status": status_label(status)}


def delivered_sentence(order: OrderRecord) -> str:
    """That the order was delivered, and on which day when it is known."""
    if order.eta:
        return _("Order %(order_id)s was delivered on %(date)s.") % {"order_id": order.order_id, "date": format_date(order.eta)}
    return _("Order %(order_id)s was delivered.") % {"order_id": order.order_id}
