"""OrderCancellationAgent: cancels an order within policy, after proof of ownership."""

from __future__ import annotations

import uuid

from assistant.agents import tools
from assistant.agents.base import AgentReply, TurnContext
from assistant.agents.identity import ensure_verified
from assistant.agents.order_reference import resolve_order
from assistant.agents.wording import ORDER_SYSTEM_APOLOGY, format_date, format_datetime, format_items
from assistant.engine.state import Slot
from orders.clients.base import CancelOutcome, CancelStatus, OrderRecord
from orders.policies import cancellation_deadline, cancellation_window_open

INTENT = "cancel"
RETURN_POLICY_QUERY = "What is your return policy?"


class OrderCancellationAgent:
    name = "OrderCancellationAgent"

    def handle(self, ctx: TurnContext) -> AgentReply:
        return AgentReply(text=self._respond(ctx), agent=self.name)

    def _respond(self, ctx: TurnContext) -> str:
        state, u = ctx.state, ctx.understanding
        awaiting_confirmation = state.pending_intent == INTENT and state.pending_slot == Slot.CONFIRMATION
        if awaiting_confirmation and u.negative and not u.order_ids:
            order_id = state.pending_order_id
            state.clear_pending()
            return f"No problem, I won't cancel {order_id}. Is there anything else I can help with?"

        reference = resolve_order(ctx, intent=INTENT, action="cancel")
        if reference.reply:
            return reference.reply
        order_id = reference.order_id
        state.remember_order(order_id)

        refusal = ensure_verified(ctx, order_id=order_id, intent=INTENT, explicit=reference.explicit)
        if refusal:
            return refusal

        confirmed = awaiting_confirmation and state.pending_order_id == order_id and u.affirmative
        if not reference.explicit and not confirmed:
            return self._ask_confirmation(ctx, order_id)

        state.clear_pending()
        result = tools.cancel_order(ctx, order_id, idempotency_key=f"{state.session_id}:{order_id}:{uuid.uuid4().hex}")
        if not result.ok:
            if result.error_code == "not_found":
                return f"I couldn't find order {order_id}."
            return ORDER_SYSTEM_APOLOGY
        return self._describe_outcome(ctx, result.value)

    def _ask_confirmation(self, ctx: TurnContext, order_id: str) -> str:
        state = ctx.state
        details = tools.order_details(ctx, order_id)
        if not details.ok:
            state.clear_pending()
            return ORDER_SYSTEM_APOLOGY if details.error_code != "not_found" else f"I couldn't find order {order_id}."
        order: OrderRecord = details.value
        if order.status == "cancelled" or not _may_try_cancel(order):
            # Nothing to confirm: the answer is the same whatever the customer says.
            state.clear_pending()
            result = tools.cancel_order(ctx, order_id, idempotency_key=f"{state.session_id}:{order_id}:{uuid.uuid4().hex}")
            if not result.ok:
                return ORDER_SYSTEM_APOLOGY
            return self._describe_outcome(ctx, result.value)
        state.expect(intent=INTENT, slot=Slot.CONFIRMATION, order_id=order_id, explicit=False)
        return (
            f"Just to confirm: do you want me to cancel order {order_id} ({format_items(order)}), "
            f"placed on {format_datetime(order.placed_at)}? Please answer yes or no."
        )

    def _describe_outcome(self, ctx: TurnContext, outcome: CancelOutcome) -> str:
        order = outcome.order
        if outcome.status == CancelStatus.CANCELLED:
            refund = f" The refund of {order.currency} {order.total} goes back to your original payment method." if outcome.refunded else ""
            return f"Done: order {order.order_id} ({format_items(order)}) is cancelled.{refund}"
        if outcome.status == CancelStatus.ALREADY_CANCELLED:
            when = f" on {format_datetime(order.cancelled_at)}" if order.cancelled_at else ""
            return f"Order {order.order_id} was already cancelled{when}, so there is nothing more to do."
        if outcome.reason == "window_expired":
            why = (
                f"Order {order.order_id} was placed on {format_datetime(order.placed_at)}, more than 24 hours ago, "
                f"so it can no longer be cancelled (that was possible until "
                f"{format_datetime(cancellation_deadline(placed_at=order.placed_at))})."
            )
        elif outcome.reason == "delivered":
            why = f"Order {order.order_id} has already been delivered, so it can't be cancelled."
        elif outcome.reason in ("shipped", "out_for_delivery"):
            eta = f" It should arrive on {format_date(order.eta)}." if order.eta else ""
            why = f"Order {order.order_id} has already shipped, so it can't be cancelled any more.{eta}"
        else:
            why = f"Order {order.order_id} can't be cancelled any more."
        return f"{why} {self._return_advice(ctx)}"

    def _return_advice(self, ctx: TurnContext) -> str:
        result = tools.search_knowledge_base(ctx, RETURN_POLICY_QUERY)
        if result.ok and result.value is not None:
            return f"What you can do instead: {result.value.answer}"
        return "You can return it once it arrives; our returns page explains how."


def _may_try_cancel(order: OrderRecord) -> bool:
    return order.status in ("placed", "processing") and cancellation_window_open(placed_at=order.placed_at)
