from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.session_hash import session_hash, without_session_id
from orders.domain import (
    CancelOutcome,
    CancelStatus,
    IdempotencyKeyReused,
    OrderNotFound,
    OrderStatus,
    Requester,
    cancellation_refusal,
)
from orders.models import CancellationAudit, IdempotencyRecord, Order
from orders.selectors import order_to_record
from orders.wire import outcome_from_dict, outcome_to_dict

logger = logging.getLogger(__name__)


def idempotency_scope(requester: Requester) -> str:
    """Keys are unique per API key, or per channel for in-process callers."""
    if requester.api_key_id is not None:
        return f"api_key:{requester.api_key_id}"
    return f"channel:{requester.channel}"[:64]


def order_cancel(*, order_id: str, requester: Requester, idempotency_key: str = "") -> CancelOutcome:
    """Cancel an order if policy allows, exactly once however many requests race.

    The row is locked for the whole decision (``select_for_update`` on PostgreSQL; the
    IMMEDIATE transaction holds SQLite's write lock), so of N concurrent requests one
    cancels and the others see ``already_cancelled``. In the same transaction it writes
    the audit row and, given an ``idempotency_key``, the answer: a later request with that
    key (in the requester's scope) gets the stored answer with ``replayed=True`` and
    changes nothing. Requests with one key for one order queue on the same row lock, so a
    concurrent retry also sees the first answer. Raises ``OrderNotFound`` and
    ``IdempotencyKeyReused`` (the key was used for another order).
    """
    scope = idempotency_scope(requester)
    # Stored in the idempotency and audit rows: a key that embeds the chat session ID
    # keeps its hash instead (the same every time, so a retry still matches).
    idempotency_key = without_session_id(idempotency_key, requester.session_id)
    try:
        return _order_cancel_once(order_id=order_id, requester=requester, key=idempotency_key, scope=scope)
    except IntegrityError:
        # Two requests with one key for two different orders raced past the lookup; the
        # loser's transaction (cancellation included) rolled back.
        if idempotency_key and IdempotencyRecord.objects.filter(scope=scope, key=idempotency_key).exists():
            raise IdempotencyKeyReused("idempotency key already used for another order") from None
        raise


def _order_cancel_once(*, order_id: str, requester: Requester, key: str, scope: str) -> CancelOutcome:
    with transaction.atomic():
        try:
            order = Order.objects.select_for_update().get(order_id=order_id)
        except Order.DoesNotExist:
            raise OrderNotFound(order_id) from None

        if key:
            record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if record is not None:
                if record.order_id != order_id:
                    raise IdempotencyKeyReused(f"idempotency key already used for order {record.order_id}")
                return outcome_from_dict(record.response, replayed=True)

        now = timezone.now()
        refusal = cancellation_refusal(status=order.status, placed_at=order.placed_at, now=now)
        if refusal is None:
            order.status = OrderStatus.CANCELLED
            order.cancelled_at = now
            order.save(update_fields=["status", "cancelled_at", "updated_at"])
            outcome_status, reason = CancelStatus.CANCELLED, ""
        elif order.status == OrderStatus.CANCELLED:
            outcome_status, reason = CancelStatus.ALREADY_CANCELLED, refusal
        else:
            outcome_status, reason = CancelStatus.NOT_CANCELLABLE, refusal

        order = Order.objects.prefetch_related("items").get(pk=order.pk)
        outcome = CancelOutcome(
            status=outcome_status,
            order=order_to_record(order),
            refunded=outcome_status == CancelStatus.CANCELLED,
            reason=reason,
        )
        _audit_write(order=order, outcome=outcome, requester=requester, key=key, now=now)
        if key:
            IdempotencyRecord.objects.create(scope=scope, key=key, order_id=order_id, response=outcome_to_dict(outcome))

    logger.info(
        "order cancel %s",
        outcome_status,
        extra={"order_id": order_id, "channel": requester.channel, "outcome": outcome_status},
    )
    return outcome


def _audit_write(*, order: Order, outcome: CancelOutcome, requester: Requester, key: str, now: datetime) -> None:
    user_id = requester.user_id
    # An unknown user ID must not roll the cancellation back on a foreign-key check.
    if user_id is not None and not get_user_model().objects.filter(pk=user_id).exists():
        user_id = None
    CancellationAudit.objects.create(
        order=order,
        outcome=outcome.status,
        reason=outcome.reason,
        channel=requester.channel[:16],
        session_id=session_hash(requester.session_id),  # never the raw ID: core/session_hash.py
        user_id=user_id,
        api_key_id=requester.api_key_id,
        requested_by=requester.requested_by[:200],
        idempotency_key=key[:255],
        created_at=now,
    )


def idempotency_records_prune(*, older_than: timedelta) -> int:
    """Delete stored cancel answers older than ``older_than``; returns how many.

    A retry comes seconds or minutes after the first request, so a few days of answers is
    plenty; pruning keeps the table (and its unique index) small.
    """
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
