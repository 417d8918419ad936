"""Session memory: the conversation's state as the engine reads and changes it.

The engine works on a plain ``ConversationState`` and writes it back once at the end of
the turn, in the same transaction as the turn's two messages. Nothing here reads the
message history: a session with 10,000 messages costs the same as a new one.

What a session remembers, and for how long:
- the pending request (``assistant.engine.dialogue``): until it is answered, withdrawn,
  replaced, or 30 minutes old;
- the orders the customer mentioned (for "the first one", "the other one") and the last
  order, product and completed order request: for the life of the conversation;
- which orders this session proved it owns: ``IDENTITY_VERIFICATION_TTL_MINUTES``
  (30 by default), after which an action asks for the email again;
- the last email the customer wrote, until an identity check uses it and it does not fit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assistant.engine.dialogue import PendingRequest
from assistant.models import Conversation

STATE_FIELDS = (
    "last_order_id",
    "last_product_context",
    "pending_intent",
    "pending_slot",
    "pending_order_id",
    "pending_data",
    "pending_since",
    "verified_order_ids",
    "failed_identity_checks",
    "identity_locked_until",
    "unanswered_streak",
    "remembered_email",
    "mentioned_order_ids",
    "last_intent",
    "last_question",
)
MAX_REMEMBERED_ORDERS = 20


def verification_ttl() -> timedelta:
    return timedelta(minutes=settings.IDENTITY_VERIFICATION_TTL_MINUTES)


@dataclass
class ConversationState:
    session_id: str
    last_order_id: str = ""
    last_product_context: str = ""
    pending: PendingRequest | None = None
    # order ID -> when this session proved it owns the order.
    verified_at: dict[str, datetime] = field(default_factory=dict)
    failed_identity_checks: int = 0
    identity_locked_until: datetime | None = None
    unanswered_streak: int = 0
    # The last email address the customer wrote, for an identity check asked for later.
    remembered_email: str = ""
    mentioned_order_ids: list[str] = field(default_factory=list)
    last_intent: str = ""
    # The last question asked of the knowledge base, for follow-ups ("what about the smartwatch?").
    last_question: str = ""
    # Read-only for the engine: the handoff services own it (handoff_open in
    # assistant/engine/agents/human_handoff.py, the staff's in assistant/desk/handoff.py).
    handoff_status: str = ""
    # How the pending request last closed during this turn (not stored).
    last_close_reason: str = ""

    @classmethod
    def from_model(cls, conversation: Conversation) -> "ConversationState":
        return cls(
            session_id=conversation.session_id,
            handoff_status=conversation.handoff_status,
            last_order_id=conversation.last_order_id,
            last_product_context=conversation.last_product_context,
            pending=PendingRequest.from_fields(
                intent=conversation.pending_intent,
                slot=conversation.pending_slot,
                order_id=conversation.pending_order_id,
                data=dict(conversation.pending_data or {}),
                since=conversation.pending_since,
            ),
            verified_at=_parse_verified(conversation.verified_order_ids),
            failed_identity_checks=conversation.failed_identity_checks,
            identity_locked_until=conversation.identity_locked_until,
            unanswered_streak=conversation.unanswered_streak,
            remembered_email=conversation.remembered_email,
            mentioned_order_ids=list(conversation.mentioned_order_ids or []),
            last_intent=conversation.last_intent,
            last_question=conversation.last_question,
        )

    def apply_to(self, conversation: Conversation) -> None:
        pending = (
            self.pending.as_fields()
            if self.pending
            else {
                "pending_intent": "",
                "pending_slot": "",
                "pending_order_id": "",
                "pending_data": {},
                "pending_since": None,
            }
        )
        for name, value in pending.items():
            setattr(conversation, name, value)
        conversation.last_order_id = self.last_order_id
        conversation.last_product_context = self.last_product_context
        conversation.verified_order_ids = [{"order": order_id, "at": at.isoformat()} for order_id, at in self.verified_at.items()]
        conversation.failed_identity_checks = self.failed_identity_checks
        conversation.identity_locked_until = self.identity_locked_until
        conversation.unanswered_streak = self.unanswered_streak
        conversation.remembered_email = self.remembered_email
        conversation.mentioned_order_ids = list(self.mentioned_order_ids)
        conversation.last_intent = self.last_intent
        conversation.last_question = self.last_question[:300]

    # --- convenience views of the pending request -----------------------------------

    @property
    def pending_intent(self) -> str:
        return self.pending.intent.value if self.pending else ""

    @property
    def pending_slot(self) -> str:
        return self.pending.slot.value if self.pending else ""

    # --- orders --------------------------------------------------------------------

    def remember_order(self, order_id: str) -> None:
        self.last_order_id = order_id
        self.note_mentioned([order_id])

    def note_mentioned(self, order_ids: Iterable[str]) -> None:
        for order_id in order_ids:
            if order_id not in self.mentioned_order_ids:
                self.mentioned_order_ids.append(order_id)
        del self.mentioned_order_ids[:-MAX_REMEMBERED_ORDERS]

    def is_verified(self, order_id: str, *, now: datetime | None = None) -> bool:
        at = self.verified_at.get(order_id)
        return at is not None and (now or timezone.now()) - at < verification_ttl()

    def mark_verified(self, order_id: str) -> None:
        self.verified_at.pop(order_id, None)
        self.verified_at[order_id] = timezone.now()
        while len(self.verified_at) > MAX_REMEMBERED_ORDERS:
            self.verified_at.pop(next(iter(self.verified_at)))


def _parse_verified(raw: Any) -> dict[str, datetime]:
    """``raw`` is the JSON the row stores: ``[{"order": ..., "at": ...}]``; bare order IDs from older rows count as expired."""
    verified: dict[str, datetime] = {}
    for entry in raw or []:
        if not isinstance(entry, dict):
            continue
        at = parse_datetime(str(entry.get("at") or ""))
        if entry.get("order") and at is not None:
            verified[str(entry["order"])] = at
    return verified
