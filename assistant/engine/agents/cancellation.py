"""OrderCancellationAgent: cancels orders within policy, after proof of ownership, with consent.

The cancel tool runs in one place (``_cancel``), reached two ways only:
- the customer's own message asked to cancel exactly that one order (or named it in
  answer to our "which order?" for a cancel request they worded), and the identity check
  passed: the seed's "I want to cancel my order ORD-4567" then the email;
- a clear yes to our confirmation question, which names each order, its items and total.
Everything else (an order taken from context, "the first one", several orders, an offer
we made) asks that question first.
"""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistant.engine.agents import tools
from assistant.engine.agents.base import OrderRequestAgent, Outcome, TurnContext
from assistant.engine.agents.identity import ensure_verified
from assistant.engine.agents.order_reference import resolve_orders
from assistant.engine.agents.wording import (
    ORDER_SYSTEM_APOLOGY,
    format_date,
    format_datetime,
    format_items,
    format_money,
    join_ids,
    order_summary,
)
from assistant.engine.dialogue import CloseReason, Intent, Slot, close_request, open_request
from core.session_hash import session_hash
from orders.domain import (
    CANCELLABLE_STATUSES,
    WINDOW_EXPIRED,
    CancelOutcome,
    CancelStatus,
    OrderNotFound,
    OrderRecord,
    cancellation_deadline,
    is_cancellable,
)

# A search of the knowledge base (written in English), not a phrase for the customer.
RETURN_POLICY_QUERY = "What is your return policy?"


class OrderCancellationAgent(OrderRequestAgent):
    name = "OrderCancellationAgent"

    def acknowledge_withdrawal(self, order_ids: tuple[str, ...]) -> str:
        if not order_ids:
            return _("No problem, I won't cancel anything.")
        return _("No problem, I won't cancel %(order_ids)s.") % {"order_ids": join_ids(order_ids)}

    def _respond(self, ctx: TurnContext) -> tuple[str, Outcome]:
        state, u = ctx.state, ctx.understanding
        request = state.pending if state.pending is not None and state.pending.intent == Intent.CANCEL else None
        # The request when it waits on our confirmation question.
        confirmation = request if request is not None and request.slot == Slot.CONFIRMATION else None

        if confirmation is not None and u.affirmative and not (u.order_ids or u.order_reference):
            return self._cancel(ctx, confirmation.order_ids)

        worded = u.cancel_worded or (request is not None and request.action_worded and not u.cancel_negated)
        reference = resolve_orders(ctx, intent=Intent.CANCEL, action_worded=worded)
        if reference.reply:
            return reference.reply, Outcome.ASKED
        order_ids = list(reference.order_ids)
        state.note_mentioned(order_ids)
        state.last_order_id = order_ids[-1]

        if confirmation is not None and u.affirmative and set(order_ids) <= set(confirmation.order_ids):
            return self._cancel(ctx, tuple(order_ids))  # "yes, ORD-4567": a yes to our question

        if reference.named:
            explicit = worded and len(order_ids) == 1
        elif reference.request is not None and tuple(order_ids) == reference.request.order_ids:
            explicit = reference.request.explicit  # resuming the request after the email
        else:
            explicit = False

        refusal = ensure_verified(
            ctx,
            intent=Intent.CANCEL,
            order_ids=order_ids,
            explicit=explicit,
            action_worded=worded,
            offered=bool(reference.request and reference.request.offered),
        )
        if refusal:
            return refusal.text, refusal.outcome
        if explicit:
            return self._cancel(ctx, tuple(order_ids))
        return self._ask_confirmation(ctx, order_ids)

    # --- the two ways to the cancel tool --------------------------------------------------

    def _ask_confirmation(self, ctx: TurnContext, order_ids: list[str]) -> tuple[str, Outcome]:
        state = ctx.state
        cancellable: list[OrderRecord] = []
        explained: list[str] = []
        for order_id in order_ids:
            details = tools.order_details(ctx, order_id)
            if not details.ok:
                close_request(state, CloseReason.DONE)
                if details.error_code == OrderNotFound.code:
                    return _("I couldn't find order %(order_id)s.") % {"order_id": order_id}, Outcome.CANCEL_REFUSED
                return str(ORDER_SYSTEM_APOLOGY), Outcome.ORDER_SYSTEM_DOWN
            order: OrderRecord = details.value
            if may_try_cancel(order):
                cancellable.append(order)
            else:
                explained.append(refusal_for(order))
        if not cancellable:
            # Nothing to confirm: the answer is the same whatever the customer says.
            close_request(state, CloseReason.DONE)
            return f"{' '.join(explained)} {self._return_advice(ctx)}", Outcome.CANCEL_REFUSED

        open_request(
            state,
            intent=Intent.CANCEL,
            slot=Slot.CONFIRMATION,
            order_ids=[o.order_id for o in cancellable],
            explicit=False,
            offered=bool(state.pending and state.pending.offered),
        )
        if len(cancellable) == 1:
            question = _("Just to confirm: do you want me to cancel order %(order)s? Please answer yes or no.") % {
                "order": order_summary(cancellable[0])
            }
        else:
            question = ngettext(
                "Just to confirm: do you want me to cancel this %(count)d order: %(orders)s? Please answer yes or no.",
                "Just to confirm: do you want me to cancel these %(count)d orders: %(orders)s? Please answer yes or no.",
                len(cancellable),
            ) % {"count": len(cancellable), "orders": "; ".join(order_summary(order) for order in cancellable)}
        return " ".join([*explained, question]), Outcome.ASKED

    def _cancel(self, ctx: TurnContext, order_ids: tuple[str, ...]) -> tuple[str, Outcome]:
        state = ctx.state
        close_request(state, CloseReason.DONE)
        state.last_intent = Intent.CANCEL.value
        texts: list[str] = []
        outcomes: list[Outcome] = []
        for order_id in order_ids:
            key = f"{session_hash(state.session_id)}:{order_id}:{uuid.uuid4().hex}"
            result = tools.cancel_order(ctx, order_id, idempotency_key=key)
            state.last_order_id = order_id
            if not result.ok:
                if result.error_code == OrderNotFound.code:
                    texts.append(_("I couldn't find order %(order_id)s.") % {"order_id": order_id})
                    outcomes.append(Outcome.CANCEL_REFUSED)
                else:
                    texts.append(str(ORDER_SYSTEM_APOLOGY))
                    outcomes.append(Outcome.ORDER_SYSTEM_DOWN)
                continue
            texts.append(self._describe_outcome(ctx, result.value))
            outcomes.append(Outcome.CANCELLED if result.value.status == CancelStatus.CANCELLED else Outcome.CANCEL_REFUSED)
        for outcome in (Outcome.ORDER_SYSTEM_DOWN, Outcome.CANCELLED):
            if outcome in outcomes:
                return " ".join(texts), outcome
        return " ".join(texts), Outcome.CANCEL_REFUSED

    def _describe_outcome(self, ctx: TurnContext, outcome: CancelOutcome) -> str:
        order = outcome.order
        if outcome.status == CancelStatus.CANCELLED:
            done = _("Done: order %(order_id)s (%(items)s) is cancelled.") % {
                "order_id": order.order_id,
                "items": format_items(order),
            }
            if not outcome.refunded:
                return done
            refund = _("The refund of %(amount)s goes back to your original payment method.") % {"amount": format_money(order)}
            return f"{done} {refund}"
        if outcome.status == CancelStatus.ALREADY_CANCELLED:
            return already_cancelled(order)
        return f"{refusal_for(order, reason=outcome.reason)} {self._return_advice(ctx)}"

    def _return_advice(self, ctx: TurnContext) -> str:
        result = tools.search_knowledge_base(ctx, RETURN_POLICY_QUERY)
        if result.ok and result.value is not None:
            return _("What you can do instead: %(answer)s") % {"answer": result.value.answer}
        return _("You can return it once it arrives; our returns page explains how.")


def may_try_cancel(order: OrderRecord) -> bool:
    return is_cancellable(status=order.status, placed_at=order.placed_at)


def refusal_for(order: OrderRecord, *, reason: str = "") -> str:
    """Why ``order`` cannot be cancelled, from the order system's reason or its status."""
    reason = reason or (order.status if order.status not in CANCELLABLE_STATUSES else WINDOW_EXPIRED)
    values = {"order_id": order.order_id}
    if reason == "cancelled":
        return already_cancelled(order)
    if reason == WINDOW_EXPIRED:
        return _(
            "Order %(order_id)s was placed on %(placed_at)s, more than 24 hours ago, so it can no longer be "
            "cancelled (that was possible until %(deadline)s)."
        ) % {
            **values,
            "placed_at": format_datetime(order.placed_at),
            "deadline": format_datetime(cancellation_deadline(placed_at=order.placed_at)),
        }
    if reason == "delivered":
        return _("Order %(order_id)s has already been delivered, so it can't be cancelled.") % values
    if reason in ("shipped", "out_for_delivery"):
        shipped = _("Order %(order_id)s has already shipped, so it can't be cancelled any more.") % values
        if not order.eta:
            return shipped
        arrives = _("It should arrive on %(date)s.") % {"date": format_date(order.eta)}
        return f"{shipped} {arrives}"
    return _("Order %(order_id)s can't be cancelled any more.") % values


def already_cancelled(order: OrderRecord) -> str:
    if order.cancelled_at:
        return _("Order %(order_id)s was already cancelled on %(cancelled_at)s, so there is nothing more to do.") % {
            "order_id": order.order_id,
            "cancelled_at": format_datetime(order.cancelled_at),
        }
    return _("Order %(order_id)s was already cancelled, so there is nothing more to do.") % {"order_id": order.order_id}
