"""The one entry point of the engine: ``chat_turn``.

The REST view and the websocket consumer both pass what the client sent to ``chat_turn``
and serialise the ``ChatReply``; ``chat_turn`` validates it (assistant/engine/chat_input.py).
Nothing here knows about HTTP or websockets.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation

from assistant import metrics
from assistant.engine.chat_input import ChatInputError, clean_chat_input
from assistant.engine.locks import session_lock
from assistant.engine.orchestrator import ORCHESTRATOR, TurnOutcome, run_turn
from assistant.engine.state import STATE_FIELDS, ConversationState
from assistant.language import clean_language_hint, turn_language, unserved_language_reply
from assistant.models import HandoffStatus, Message, MessageRole
from assistant.sessions import SessionAccess, conversation_open
from core.logs import bind_request_context
from core.session_hash import session_hash
from core.tracing import span

logger = logging.getLogger(__name__)

CHANNELS = ("api", "websocket", "test")
# The outcome of a turn in a language the shop does not serve (no agent ran).
UNSERVED_LANGUAGE = "unserved_language"


@dataclass(frozen=True)
class ChatReply:
    response: str
    agent: str
    tool_calls: list[dict]
    handover: str
    message_id: int | None  # None when a person owns the conversation and the assistant stayed silent
    session_id: str
    # The token issued with this reply (a new conversation or a new visitor), else "".
    session_token: str = ""
    # The conversation's internal key (its stored session_id): channel groups use it.
    conversation_key: str = ""
    # The language of ``response`` (ISO 639-1): the conversation's, or English for the
    # reply to a message in a language the shop does not serve.
    language: str = ""

    def as_payload(self) -> dict:
        """The public reply shape shared by ``POST /chat`` and the websocket."""
        return {
            "response": self.response,
            "agent": self.agent,
            "tool_calls": self.tool_calls,
            "handover": self.handover,
            "language": self.language,
        }


def chat_turn(
    *,
    session_id: object,
    message: object,
    user=None,
    channel: str = "api",
    client_ip: str = "",
    session_token: str = "",
    language: object = None,
) -> ChatReply:
    """Answer one customer message and store both sides of the turn.

    ``session_id``, ``message`` and ``language`` (the client's optional hint of the
    customer's language) are what the client sent, validated here: invalid input raises
    ``ChatInputError`` (naming every bad field) before anything runs.
    The turn runs in the conversation's language (assistant/language.py decides it); a
    message surely in a language the shop does not serve gets a reply in English naming
    the languages served, and nothing else is done.
    ``SessionBusy`` when another turn of the same session holds the session for too long.
    Turns of one session run one at a time (across processes when the cache is Redis), so
    no message is lost or reordered.
    """
    session_id, message, hint = _clean_input(session_id=session_id, message=message, language=language)
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    user = user if user is not None and getattr(user, "is_authenticated", False) else None

    bind_request_context(session_id=session_id)  # on every log line of this turn
    started = time.perf_counter()
    with span("chat turn", session_id=session_hash(session_id), channel=channel), session_lock(session_id):
        access = _conversation_for(session_id=session_id, token=session_token, user=user)
        conversation = access.conversation
        state = ConversationState.from_model(conversation)
        turn = turn_language(message=message, current=conversation.language, hint=hint, served=settings.SHOP_LANGUAGES)
        conversation.language = turn.language
        if turn.unserved and state.handoff_status != HandoffStatus.ACTIVE:
            outcome = _unserved_language_outcome()
        else:
            # The engine's phrases come out in the conversation's language.
            with translation.override(turn.language):
                outcome = run_turn(
                    message=message,
                    state=state,
                    channel=channel,
                    user_email=(user.email if user else ""),
                    user_id=(user.pk if user else None),
                    conversation_id=conversation.pk,
                    client_ip=client_ip,
                )
        messages = [Message(conversation=conversation, role=MessageRole.USER, content=message, language=turn.customer_language)]
        if not outcome.silent:
            messages.append(
                Message(
                    conversation=conversation,
                    role=MessageRole.ASSISTANT,
                    content=outcome.text,
                    agent=outcome.agent,
                    tool_calls=outcome.tool_calls,
                    handover=outcome.handover,
                    outcome=outcome.outcome,
                    language=turn.customer_language,
                )
            )
        try:
            with transaction.atomic():
                stored = Message.objects.bulk_create(messages)
                state.apply_to(conversation)
                # Only the engine's own fields: staff may change the handoff status meanwhile.
                conversation.save(update_fields=[*STATE_FIELDS, "language", "user", "updated_at"])
        except Exception:
            # What the tools did stands (a cancellation is in the order system and its
            # audit); the next turn reads the order again, so it reflects it. Say so loudly.
            _log_unstored_turn(session_id=session_id, tool_calls=outcome.tool_calls)
            raise
        reply_message = stored[-1] if not outcome.silent else None

    duration = time.perf_counter() - started
    metrics.TURNS.labels(agent=outcome.agent, channel=channel).inc()
    metrics.TURN_LATENCY.labels(channel=channel).observe(duration)
    logger.info(
        "chat turn",
        extra={
            "session_id": session_id,
            "agent": outcome.agent,
            "intent": outcome.intent,
            "handover": outcome.handover,
            "language": turn.customer_language,
            "tools": [f"{c['tool']}:{'ok' if 'error' not in c['result'] else c['result']['error']}" for c in outcome.tool_calls],
            "duration_ms": round(duration * 1000, 2),
        },
    )
    return ChatReply(
        response=outcome.text,
        agent=outcome.agent,
        tool_calls=outcome.tool_calls,
        handover=outcome.handover,
        message_id=reply_message.pk if reply_message else None,
        session_id=session_id,
        session_token=access.issued_token,
        conversation_key=conversation.session_id,
        language=turn.reply_language,
    )


def _clean_input(*, session_id: object, message: object, language: object) -> tuple[str, str, str]:
    """The cleaned ``(session_id, message, language hint)``, or one ``ChatInputError`` naming every bad field."""
    problems = []
    cleaned, hint = ("", ""), ""
    try:
        cleaned = clean_chat_input(session_id=session_id, message=message)
    except ChatInputError as exc:
        problems.extend(exc.problems)
    try:
        hint = clean_language_hint(language, served=settings.SHOP_LANGUAGES)
    except ChatInputError as exc:
        problems.extend(exc.problems)
    if problems:
        raise ChatInputError(*problems)
    return cleaned[0], cleaned[1], hint


def _unserved_language_outcome() -> TurnOutcome:
    # Nothing of the message is acted on (no agent, no tool): the customer is told, in
    # English, which languages the shop serves; the conversation's state is unchanged.
    return TurnOutcome(
        text=unserved_language_reply(settings.SHOP_LANGUAGES),
        agent=ORCHESTRATOR,
        tool_calls=[],
        handover=ORCHESTRATOR,
        intent=UNSERVED_LANGUAGE,
        outcome=UNSERVED_LANGUAGE,
    )


def _log_unstored_turn(*, session_id: str, tool_calls: list[dict]) -> None:
    actions = [call["tool"] for call in tool_calls if call["tool"] == "OrderCancellationAPI"]
    metrics.TURNS_NOT_STORED.labels(with_side_effects=str(bool(actions)).lower()).inc()
    logger.error(
        "chat turn not stored",
        extra={
            "session_id": session_id,
            "tools": [
                f"{call['tool']}:{call['input'].get('orderId', '')}:{call['result'].get('status', call['result'].get('error', ''))}"
                for call in tool_calls
            ],
        },
    )


def _conversation_for(*, session_id: str, token: str, user) -> SessionAccess:
    # The session token decides whose conversation this is (assistant/sessions.py).
    return conversation_open(session_id=session_id, token=token, user=user)
