"""OrderTrackingAgent: where an order is and when it arrives, after proof of ownership."""

from __future__ import annotations

from assistant.agents import tools
from assistant.agents.base import AgentReply, TurnContext
from assistant.agents.identity import ensure_verified
from assistant.agents.order_reference import resolve_order
from assistant.agents.wording import ORDER_SYSTEM_APOLOGY, STATUS_PHRASES, format_date, format_datetime
from orders.clients.base import OrderRecord

INTENT = "track"


class OrderTrackingAgent:
    name = "OrderTrackingAgent"

    def handle(self, ctx: TurnContext) -> AgentReply:
        return AgentReply(text=self._respond(ctx), agent=self.name)

    def _respond(self, ctx: TurnContext) -> str:
        state = ctx.state
        reference = resolve_order(ctx, intent=INTENT, action="track")
        if reference.reply:
            return reference.reply
        order_id = reference.order_id
        state.remember_order(order_id)

        refusal = ensure_verified(ctx, order_id=order_id, intent=INTENT, explicit=reference.explicit)
        if refusal:
            return refusal
        state.clear_pending()

        result = tools.track_order(ctx, order_id)
        if not result.ok:
            if result.error_code == "not_found":
                return f"I couldn't find order {order_id}."
            return ORDER_SYSTEM_APOLOGY
        return describe_tracking(result.value)


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
