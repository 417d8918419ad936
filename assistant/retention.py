"""Retention: conversations (and their messages) are deleted some time after their last
activity. Run by ``manage.py purge_conversations --older-than 30d`` (docs/operations.md)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from assistant.models import Conversation, Message

logger = logging.getLogger(__name__)

# "m" is not a unit: it reads as minutes to some and months to others, and a purge that
# keeps 6 minutes instead of 6 months deletes every conversation.
_UNITS = {"min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_AGE_RE = re.compile(r"^\s*(\d+)\s*([a-z]+)\s*$")
# Messages are deleted in chunks of this many rows, so one statement never holds a
# conversation-sized lock on a big table.
MESSAGE_CHUNK = 5000


class RetentionError(ValueError):
    """An age or batch size that cannot be used."""


def parse_age(text: str) -> timedelta:
    """``"30d"`` -> 30 days. Units: min (minutes), h (hours), d (days), w (weeks); more
    than zero. ``m`` is refused as ambiguous (minutes or months?)."""
    match = _AGE_RE.match((text or "").lower())
    if match and match.group(2) in {"m", "mo", "month", "months"}:
        raise RetentionError(f"--older-than {text!r} is ambiguous: write minutes as 'min' (90min) and months in days (180d)")
    if not match or match.group(2) not in _UNITS:
        raise RetentionError(f"--older-than must look like 30d, 12h, 2w or 90min, not {text!r}")
    age = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if age <= timedelta(0):
        raise RetentionError("--older-than must be more than zero (it would delete every conversation)")
    return age


def _skip_locked() -> dict:
    from django.db import connection

    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    conversations: int
    messages: int
    batches: int


def conversations_purge(*, older_than: timedelta, batch_size: int = 500, dry_run: bool = False) -> PurgeResult:
    """Delete conversations whose last activity is older than ``older_than``, with their
    messages, ``batch_size`` conversations per transaction. ``dry_run`` only counts."""
    if batch_size < 1:
        raise RetentionError("--batch-size must be at least 1")
    cutoff = timezone.now() - older_than
    stale = Conversation.objects.filter(updated_at__lt=cutoff)
    if dry_run:
        return PurgeResult(
            cutoff=cutoff,
            conversations=stale.count(),
            messages=Message.objects.filter(conversation__in=stale).count(),
            batches=0,
        )

    conversations = messages = batches = 0
    locking = Conversation.objects.select_for_update(**_skip_locked())
    last_pk = 0
    while True:
        candidates = list(stale.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not candidates:
            break
        last_pk = candidates[-1]
        with transaction.atomic():
            # Lock the batch and re-check its age: a conversation a customer is writing
            # to right now (locked, or just touched) is left for the next run.
            ids = list(locking.filter(pk__in=candidates, updated_at__lt=cutoff).values_list("pk", flat=True))
            while True:
                chunk = list(Message.objects.filter(conversation_id__in=ids).values_list("pk", flat=True)[:MESSAGE_CHUNK])
                if not chunk:
                    break
                messages += Message.objects.filter(pk__in=chunk).delete()[1].get(Message._meta.label, 0)
            # Django's delete also removes what cascades from a conversation (handoffs...).
            conversations += Conversation.objects.filter(pk__in=ids).delete()[1].get(Conversation._meta.label, 0)
        batches += 1
    logger.info(
        "conversations purged",
        extra={"cutoff": cutoff.isoformat(), "conversations": conversations, "messages": messages, "batches": batches},
    )
    return PurgeResult(cutoff=cutoff, conversations=conversations, messages=messages, batches=batches)
