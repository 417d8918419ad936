"""OrderTrackingAgent: where an order is and when it arrives, after proof of ownership."""

from __future__ import annotations

from assistant.engine.agents import tools
from assistant.engine.agents.base import OrderRequestAgent, Outcome, TurnContext
from assistant.engine.agents.identity import ensure_verified
from assistant.engine.agents.order_reference import resolve_orders
from assistant.engine.agents.wording import ORDER_SYSTEM_APOLOGY, STATUS_PHRASES, format_date, format_datetime
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
                    texts.append(f"I couldn't find order {order_id}.")
                    continue
                return ORDER_SYSTEM_APOLOGY, Outcome.ORDER_SYSTEM_DOWN
            texts.append(describe_tracking(result.value))
        return " ".join(texts), Outcome.TRACKED


def describe_tracking(order: OrderRecord) -> str:
    status = STATUS_PHRASES.get(order.status, order.status)
    if order.status == "cancelled":
        when = f" on {format_datetime(order.cancelled_at)}" if order.cancelled_at else ""
        return f"Order {order.order_id} was cancelled{when}, so it won't be delivered."
    if order.status == "delivered":
        when = f" on {format_date(order.eta)}" if order.eta else ""
        return f"Order {order.order_id} was delivered{when}. Status: delivered."
    text = f"Order {order.order_id} {status}. Status: {order.status.replace('_', ' ')}."
    if order.eta:
        text += f" Estimated delivery: {format_date(order.eta)}."
    if order.carrier and order.tracking_number:
        text += f" Carrier: {order.carrier}, tracking number {order.tracking_number}."
    return text
