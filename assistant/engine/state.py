"""Session memory: the conversation's state as the engine reads and changes it.

The engine works on a plain ``ConversationState`` and writes it back once at the end of
the turn, in the same transaction as the turn's two messages. Nothing here reads the
message history: a session with 10,000 messages costs the same as a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from assistant.models import Conversation

STATE_FIELDS = (
    "last_order_id",
    "last_product_context",
    "pending_intent",
    "pending_slot",
    "pending_order_id",
    "pending_data",
    "verified_order_ids",
    "failed_identity_checks",
    "identity_locked_until",
    "unanswered_streak",
    "remembered_email",
)


class Slot:
    ORDER_ID = "order_id"
    EMAIL = "email"
    CONFIRMATION = "confirmation"


@dataclass
class ConversationState:
    session_id: str
    last_order_id: str = ""
    last_product_context: str = ""
    pending_intent: str = ""
    pending_slot: str = ""
    pending_order_id: str = ""
    pending_data: dict = field(default_factory=dict)
    verified_order_ids: list[str] = field(default_factory=list)
    failed_identity_checks: int = 0
    identity_locked_until: datetime | None = None
    unanswered_streak: int = 0
    # The last email address the customer wrote, for an identity check asked for later.
    remembered_email: str = ""
    # Read-only for the engine: the handoff services own it (see assistant/handoff.py).
    handoff_status: str = ""

    @classmethod
    def from_model(cls, conversation: Conversation) -> "ConversationState":
        return cls(
            session_id=conversation.session_id,
            handoff_status=conversation.handoff_status,
            **{name: _copy(getattr(conversation, name)) for name in STATE_FIELDS},
        )

    def apply_to(self, conversation: Conversation) -> None:
        for name in STATE_FIELDS:
            setattr(conversation, name, getattr(self, name))

    # --- pending request -----------------------------------------------------------

    def expect(self, *, intent: str, slot: str, order_id: str = "", **data) -> None:
        """Remember that the assistant asked for ``slot`` to continue ``intent``."""
        self.pending_intent = intent
        self.pending_slot = slot
        self.pending_order_id = order_id
        self.pending_data = dict(data)

    def clear_pending(self) -> None:
        self.pending_intent = ""
        self.pending_slot = ""
        self.pending_order_id = ""
        self.pending_data = {}

    # --- orders --------------------------------------------------------------------

    def remember_order(self, order_id: str) -> None:
        self.last_order_id = order_id

    def is_verified(self, order_id: str) -> bool:
        return order_id in self.verified_order_ids

    def mark_verified(self, order_id: str) -> None:
        if order_id not in self.verified_order_ids:
            # Keep the list bounded: a session rarely needs more than its latest orders.
            self.verified_order_ids = (self.verified_order_ids + [order_id])[-20:]


def _copy(value):
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
