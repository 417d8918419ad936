"""Proof of ownership before an order's details are shown or the order is changed.

A session proves it owns an order by giving the order's email address (or by being a
logged-in user with that email). The proof lasts ``IDENTITY_VERIFICATION_TTL_MINUTES``.
Failed checks are limited three ways: five in one session lock that session for fifteen
minutes (it is told so); and, across every session, per order and per client address
(``identity_limits``), where a locked check gets the same reply as a wrong email, so a
guesser learns nothing, and the real customer is told to ask for a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assistant import metrics
from assistant.engine.agents import tools
from assistant.engine.agents.base import Outcome, TurnContext
from assistant.engine.agents.identity_limits import CheckScope, checks_blocked, record_failure
from assistant.engine.agents.wording import ORDER_SYSTEM_APOLOGY, join_ids
from assistant.engine.dialogue import Intent, Slot, open_request

MAX_FAILED_CHECKS = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class Refusal:
    """Why the agent cannot act yet: the reply to send and the turn's outcome."""

    text: str
    outcome: Outcome


def _lockout_reply(locked_until: datetime) -> str:
    remaining = locked_until - timezone.now()
    minutes = max(1, int(remaining.total_seconds() // 60) + 1)
    return ngettext(
        "For your security I can't check any more order details in this chat right now, because of too many "
        "unsuccessful attempts. Please try again in about %(minutes)d minute.",
        "For your security I can't check any more order details in this chat right now, because of too many "
        "unsuccessful attempts. Please try again in about %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def no_match_reply(order_ids: list[str]) -> str:
    # The same words whether the order exists, the email is wrong or checks on the order
    # are locked: order numbers and lockouts cannot be probed.
    return _(
        "I couldn't match that email address with order %(order_ids)s. Please check the order number and use the "
        "email address from your order confirmation. If it still doesn't work, I can pass you to a member of our "
        "team: just ask for a person."
    ) % {"order_ids": join_ids(order_ids)}


def ensure_verified(
    ctx: TurnContext,
    *,
    intent: Intent,
    order_ids: list[str],
    explicit: bool = False,
    offered: bool = False,
    action_worded: bool = False,
    kind: str = "",
) -> "Refusal | None":
    """None when the session may act on every order in ``order_ids``; else the reply.

    When the email is missing or wrong, the request (with everything given) waits on the
    email; a message that only gives the email then resumes it.
    """
    state = ctx.state

    def wait_for_email() -> None:
        open_request(
            state,
            intent=intent,
            slot=Slot.EMAIL,
            order_ids=order_ids,
            explicit=explicit,
            offered=offered,
            action_worded=action_worded,
            kind=kind,
        )

    unverified = [order_id for order_id in order_ids if not state.is_verified(order_id)]
    if not unverified:
        return None

    if ctx.user_email:
        for order_id in list(unverified):
            result = tools.verify_identity(ctx, order_id, email=ctx.user_email, method="account")
            if not result.ok:
                wait_for_email()
                return Refusal(str(ORDER_SYSTEM_APOLOGY), Outcome.ORDER_SYSTEM_DOWN)
            if result.data.get("verified"):
                state.mark_verified(order_id)
                unverified.remove(order_id)
        if not unverified:
            return None

    if state.identity_locked_until and state.identity_locked_until > timezone.now():
        # Keep the request pending: whatever the customer sends next for it (an email,
        # another try) comes back here and hears about the lockout, not a generic reply.
        wait_for_email()
        return Refusal(_lockout_reply(state.identity_locked_until), Outcome.ASKED)

    # An address given in this message, or earlier in the conversation before the order
    # number was known ("my email is ..., I want to cancel" then "4566").
    # A proof that has aged out needs the address typed again, not the one remembered.
    aged_out = any(order_id in state.verified_at for order_id in unverified)
    remembered = (state.remembered_email,) if state.remembered_email and not aged_out else ()
    emails = ctx.understanding.emails or remembered
    if not emails:
        asked_before = (
            state.pending is not None and state.pending.slot == Slot.EMAIL and set(state.pending.order_ids) >= set(unverified)
        )
        wait_for_email()
        shown = join_ids(unverified)
        if asked_before:
            return Refusal(
                _(
                    "I need the email address that was entered at checkout for %(order_ids)s; it is the address "
                    "your order confirmation was sent to. Please type it here, for example name@example.com."
                )
                % {"order_ids": shown},
                Outcome.ASKED,
            )
        return Refusal(
            ngettext(
                "To protect your privacy, I need to confirm that %(order_ids)s is yours. "
                "What is the email address you used when placing the order?",
                "To protect your privacy, I need to confirm that %(order_ids)s are yours. "
                "What is the email address you used when placing the order?",
                len(unverified),
            )
            % {"order_ids": shown},
            Outcome.ASKED,
        )

    failed: list[str] = []
    for order_id in unverified:
        scope = CheckScope(order_id=order_id, client_ip=ctx.client_ip)
        blocked = checks_blocked(scope)
        if blocked:
            metrics.IDENTITY_CHECK_FAILURES.labels(reason=f"{blocked}_blocked").inc()
            failed.append(order_id)
            continue
        result = tools.verify_identity(ctx, order_id, email=emails[0])
        if not result.ok:
            wait_for_email()
            return Refusal(str(ORDER_SYSTEM_APOLOGY), Outcome.ORDER_SYSTEM_DOWN)
        if result.data.get("verified"):
            state.mark_verified(order_id)
        else:
            record_failure(scope)
            metrics.IDENTITY_CHECK_FAILURES.labels(reason="no_match").inc()
            failed.append(order_id)
    if not failed:
        state.failed_identity_checks = 0
        state.identity_locked_until = None
        return None

    state.remembered_email = ""  # it did not fit: never try it again by itself
    state.failed_identity_checks += 1
    wait_for_email()
    if state.failed_identity_checks >= MAX_FAILED_CHECKS:
        state.identity_locked_until = timezone.now() + LOCKOUT
        state.failed_identity_checks = 0
        metrics.IDENTITY_CHECK_FAILURES.labels(reason="locked_out").inc()
        return Refusal(_lockout_reply(state.identity_locked_until), Outcome.ASKED)
    return Refusal(no_match_reply(failed), Outcome.ASKED)
