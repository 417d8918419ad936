"""Proof of ownership before an order's details are shown or the order is changed.

A session proves it owns an order by giving the order's email address (or by being a
logged-in user with that email). Verified orders are remembered in the session; five
failed checks lock the session's checks for fifteen minutes.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from assistant import metrics
from assistant.agents import tools
from assistant.agents.base import TurnContext
from assistant.agents.wording import ORDER_SYSTEM_APOLOGY
from assistant.engine.state import Slot

MAX_FAILED_CHECKS = 5
LOCKOUT = timedelta(minutes=15)


def _lockout_reply(ctx: TurnContext) -> str:
    remaining = ctx.state.identity_locked_until - timezone.now()
    minutes = max(1, int(remaining.total_seconds() // 60) + 1)
    return (
        "For your security I can't check any more order details in this chat right now, because of too many "
        f"unsuccessful attempts. Please try again in about {minutes} minutes."
    )


def ensure_verified(ctx: TurnContext, *, order_id: str, intent: str, **pending) -> str | None:
    """None when the session may act on ``order_id``; otherwise the reply to send.

    When the email is missing it asks for it and leaves ``intent`` pending, with
    ``pending`` data kept for when the customer answers.
    """
    state = ctx.state
    if state.is_verified(order_id):
        return None

    if ctx.user_email:
        result = tools.verify_identity(ctx, order_id, email=ctx.user_email, method="account")
        if result.ok and result.data.get("verified"):
            state.mark_verified(order_id)
            return None
        if not result.ok:
            return ORDER_SYSTEM_APOLOGY

    if state.identity_locked_until and state.identity_locked_until > timezone.now():
        # Keep the request pending: whatever the customer sends next for it (an email,
        # another try) comes back here and hears about the lockout, not a generic reply.
        state.expect(intent=intent, slot=Slot.EMAIL, order_id=order_id, **pending)
        return _lockout_reply(ctx)

    # An address given in this message, or earlier in the conversation before the order
    # number was known ("my email is ..., I want to cancel" then "4566").
    emails = ctx.understanding.emails or ((state.remembered_email,) if state.remembered_email else ())
    if not emails:
        asked_before = state.pending_slot == Slot.EMAIL and state.pending_order_id == order_id
        state.expect(intent=intent, slot=Slot.EMAIL, order_id=order_id, **pending)
        if asked_before:
            return (
                f"I need the email address that was entered at checkout for {order_id}; it is the address "
                "your order confirmation was sent to. Please type it here, for example name@example.com."
            )
        return (
            f"To protect your privacy, I need to confirm that {order_id} is yours. "
            "What is the email address you used when placing the order?"
        )

    result = tools.verify_identity(ctx, order_id, email=emails[0])
    if not result.ok:
        state.expect(intent=intent, slot=Slot.EMAIL, order_id=order_id, **pending)
        return ORDER_SYSTEM_APOLOGY
    if result.data.get("verified"):
        state.mark_verified(order_id)
        state.failed_identity_checks = 0
        state.identity_locked_until = None
        return None

    metrics.IDENTITY_CHECK_FAILURES.labels(reason="no_match").inc()
    state.remembered_email = ""  # it did not fit: never try it again by itself
    state.failed_identity_checks += 1
    if state.failed_identity_checks >= MAX_FAILED_CHECKS:
        state.identity_locked_until = timezone.now() + LOCKOUT
        state.failed_identity_checks = 0
        state.expect(intent=intent, slot=Slot.EMAIL, order_id=order_id, **pending)
        metrics.IDENTITY_CHECK_FAILURES.labels(reason="locked_out").inc()
        return _lockout_reply(ctx)
    state.expect(intent=intent, slot=Slot.EMAIL, order_id=order_id, **pending)
    # The same words whether the order exists or not: order numbers cannot be probed.
    return (
        f"I couldn't match that email address with order {order_id}. Please check the order number and use "
        "the email address from your order confirmation."
    )
