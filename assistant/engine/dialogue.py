"""The dialogue state: the one request the assistant is waiting on, and every way it moves.

A *pending request* is what the assistant asked the customer for and will resume when it
gets it: "cancel ORD-4567, waiting for the email", "cancel ORD-4567 and ORD-4549, waiting
for a yes". It lives in the conversation row (``pending_*`` fields) and nowhere else, and
it only changes through the functions below, so its rules can be read, tested and changed
in one place (``tests/assistant/engine/test_dialogue.py`` drives each transition).

States: no request, or a request of an ``Intent`` waiting on a ``Slot``::

    (none) --open--> waiting(slot) --ask--> waiting(other slot) --close(DONE)--> (none)
                        |  each turn, ``next_move`` decides what the message does to it:
                        |    ANSWER   it fills the slot: the request's agent resumes it
                        |    ASIDE    a question in passing: answered, request kept
                        |    WITHDRAW "no", "stop", "forget it", "don't cancel": closed
                        |    REPLACE  a different order request: closed, the new one runs
                        +-- close(HANDOFF) only when the customer asked for a person;
                            an upset or unanswered handoff keeps it
                        +-- close(EXPIRED) when it is older than ``PENDING_REQUEST_TTL``

Consent rules (the customer's word over a pattern):
- A cancellation runs without a yes/no question only when the customer's own message asked
  to cancel exactly that one order (``explicit``), or named the order in answer to our
  "which order?" for a cancel request they worded themselves.
- Anything inferred (from context, "that one", "the first one", several orders, an offer
  the assistant made) waits on ``Slot.CONFIRMATION`` and runs only on a clear yes.
- A withdrawal at any step closes the request; an email typed afterwards only verifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from assistant.engine.nlu import Understanding
    from assistant.engine.state import ConversationState

# A request left unanswered this long is forgotten: "yes" an hour later confirms nothing.
PENDING_REQUEST_TTL = timedelta(minutes=30)
# Up to this many words, a message that answers nothing and says "no" is a withdrawal.
SHORT_MESSAGE_WORDS = 8


class Intent(StrEnum):
    CANCEL = "cancel"
    TRACK = "track"
    ORDER_HELP = "order_help"  # return, exchange, refund or change a specific order
    VERIFY = "verify"  # an email with nothing pending: check it, do nothing else
    PRODUCT = "product"
    OTHER = "other"
    SMALLTALK = "smalltalk"  # greetings, thanks, "are you a bot?": the FallbackAgent replies in kind
    OUT_OF_SCOPE = "out_of_scope"  # not about the shop: a short reply saying what the assistant does
    HANDOFF = "handoff"


ORDER_INTENTS = (Intent.CANCEL, Intent.TRACK, Intent.ORDER_HELP)


class Slot(StrEnum):
    ORDER_ID = "order_id"
    EMAIL = "email"
    CONFIRMATION = "confirmation"


class Move(StrEnum):
    NONE = "none"  # nothing pending
    ANSWER = "answer"
    ASIDE = "aside"
    WITHDRAW = "withdraw"
    REPLACE = "replace"


class CloseReason(StrEnum):
    DONE = "done"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"
    HANDOFF = "handoff"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PendingRequest:
    intent: Intent
    slot: Slot
    # The orders the request is about, in the order the customer mentioned them.
    order_ids: tuple[str, ...] = ()
    # The customer's own words asked for exactly this (see the module docstring).
    explicit: bool = False
    # The assistant offered it (for example cancelling instead of a change): needs a yes.
    offered: bool = False
    # The customer's request worded the action ("cancel my order"): an order number they
    # type when asked "which order?" then makes it explicit.
    action_worded: bool = False
    # For ORDER_HELP: return, exchange, refund or change.
    kind: str = ""
    opened_at: datetime | None = None

    @property
    def order_id(self) -> str:
        return self.order_ids[0] if self.order_ids else ""

    def as_fields(self) -> dict[str, Any]:
        return {
            "pending_intent": self.intent.value,
            "pending_slot": self.slot.value,
            "pending_order_id": self.order_id,
            "pending_data": {
                "orders": list(self.order_ids),
                "explicit": self.explicit,
                "offered": self.offered,
                "action_worded": self.action_worded,
                "kind": self.kind,
            },
            "pending_since": self.opened_at,
        }

    @classmethod
    def from_fields(
        cls, *, intent: str, slot: str, order_id: str, data: dict[str, Any], since: datetime | None
    ) -> "PendingRequest | None":
        if not intent or not slot:
            return None
        try:
            intent_value, slot_value = Intent(intent), Slot(slot)
        except ValueError:
            return None  # written by an older version: forget it rather than guess
        orders = tuple(data.get("orders") or ([order_id] if order_id else []))
        return cls(
            intent=intent_value,
            slot=slot_value,
            order_ids=orders,
            explicit=bool(data.get("explicit")),
            offered=bool(data.get("offered")),
            action_worded=bool(data.get("action_worded")),
            kind=str(data.get("kind") or ""),
            opened_at=since,
        )


@dataclass(frozen=True)
class TurnMove:
    move: Move
    # For WITHDRAW: the request that was closed (its agent acknowledges it).
    closed: PendingRequest | None = None


# --- transitions ---------------------------------------------------------------------


def open_request(
    state: "ConversationState",
    *,
    intent: Intent,
    slot: Slot,
    order_ids: tuple[str, ...] | list[str] = (),
    explicit: bool = False,
    offered: bool = False,
    action_worded: bool = False,
    kind: str = "",
) -> PendingRequest:
    """Wait on ``slot`` to continue ``intent``; replaces whatever was pending."""
    request = PendingRequest(
        intent=Intent(intent),
        slot=Slot(slot),
        order_ids=tuple(dict.fromkeys(order_ids)),
        explicit=explicit,
        offered=offered,
        action_worded=action_worded,
        kind=kind,
        opened_at=timezone.now(),
    )
    state.pending = request
    return request


def close_request(state: "ConversationState", reason: CloseReason) -> PendingRequest | None:
    """Forget the pending request; returns it. Every way out passes here."""
    closed = state.pending
    state.pending = None
    state.last_close_reason = reason.value if closed else state.last_close_reason
    return closed


def expire_stale_request(state: "ConversationState", *, now: datetime | None = None) -> PendingRequest | None:
    request = state.pending
    if request is None:
        return None
    opened = request.opened_at
    if opened is None or (now or timezone.now()) - opened > PENDING_REQUEST_TTL:
        return close_request(state, CloseReason.EXPIRED)
    return None


# --- what a message does to the pending request ---------------------------------------


def fills_slot(u: "Understanding", request: PendingRequest) -> bool:
    """Whether the message supplies what the request is waiting for."""
    if request.slot == Slot.ORDER_ID:
        return bool(u.order_ids or u.malformed_order_ids or u.order_reference or (u.bare_numbers and len(u.words) <= 6))
    if request.slot == Slot.EMAIL:
        # An address, or a message about the address ("which email?"): the agent that
        # asked explains again rather than another agent guessing.
        return bool(u.emails) or (not u.order_ids and u.mentions_email)
    if request.slot == Slot.CONFIRMATION:
        return u.affirmative
    return False


def withdraws(u: "Understanding", request: PendingRequest) -> bool:
    """Whether the message takes the request back ("no", "stop", "forget it", "keep it")."""
    if request.intent == Intent.CANCEL and u.cancel_negated:
        return True
    if u.withdrawal:
        return True
    if u.negative and (request.slot == Slot.CONFIRMATION or len(u.words) <= SHORT_MESSAGE_WORDS):
        return True
    return False


def next_move(u: "Understanding", state: "ConversationState", *, new_intent: Intent) -> TurnMove:
    """What this message does to the pending request.

    ``new_intent`` is what the message asks for on its own (the router's reading, with no
    pending request in view).
    """
    request = state.pending
    if request is None:
        return TurnMove(Move.NONE)
    if withdraws(u, request):
        # "no, cancel ORD-4549 instead": the old request is withdrawn, a new one replaces it.
        if new_intent in ORDER_INTENTS and (u.order_ids or new_intent != request.intent) and not _only_no(u):
            return TurnMove(Move.REPLACE, closed=request)
        return TurnMove(Move.WITHDRAW, closed=request)
    if fills_slot(u, request):
        if new_intent != request.intent and worded(u, new_intent):
            return TurnMove(Move.REPLACE, closed=request)  # "track ORD-5555, jo@example.com" while a cancel waits
        return TurnMove(Move.ANSWER)
    if new_intent in ORDER_INTENTS and new_intent != request.intent:
        if worded(u, new_intent):
            return TurnMove(Move.REPLACE, closed=request)
        if u.order_ids or u.order_reference:
            return TurnMove(Move.ANSWER)  # "ORD-4549": which of the request's orders, not a new request
        return TurnMove(Move.ASIDE)
    if new_intent == request.intent and (u.order_ids or u.order_reference or new_intent == Intent.CANCEL):
        # The same request said again, perhaps about other orders: the agent resumes it.
        return TurnMove(Move.ANSWER)
    return TurnMove(Move.ASIDE)


def worded(u: "Understanding", intent: Intent) -> bool:
    """Whether the message says this order request in words (not only a guess from a number)."""
    if intent == Intent.CANCEL:
        return u.cancel_worded
    if intent == Intent.TRACK:
        return u.track_cue
    if intent == Intent.ORDER_HELP:
        return bool(u.request_kind)
    return False


def _only_no(u: "Understanding") -> bool:
    return len(u.words) <= 3 and not u.order_ids
