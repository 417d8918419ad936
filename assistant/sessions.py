"""Who holds a conversation: the session token.

A session ID only names a conversation; anyone who sees it (a shared screenshot, a
support ticket, a log line) could otherwise read the history, follow the replies and act
on the orders the customer proved are theirs. So the server issues a secret token with a
conversation's first reply and keeps only its SHA-256. Every request that continues the
conversation presents the token (``X-Session-Token`` over HTTP, a ``resume`` frame on the
websocket). A request that names an existing session without its token is a new,
unverified visitor: it gets a conversation of its own, stored under a derived key
(``<session_id>~<hash prefix>``; ``~`` never appears in a client's session ID) and a
token of its own, while its replies still carry the session ID it sent.

This module is the one place that decides which conversation a request gets; the
transports call it through ``chat_turn`` and ``conversation_find``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from assistant.models import Conversation

TOKEN_HEADER = "X-Session-Token"
# A token is 43 URL-safe characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 128
DERIVED_KEY_SEPARATOR = "~"
_DERIVED_HASH_CHARS = 20


@dataclass(frozen=True)
class SessionAccess:
    conversation: Conversation
    # The token issued with this reply: non-empty only when the caller did not hold the
    # conversation's token (a new conversation, or a new visitor on a known session ID).
    issued_token: str = ""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def clean_token(value: object) -> str:
    """The presented token, or "" for anything that cannot be one (absent, not text, too long)."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not value or len(value) > TOKEN_MAX_LENGTH or not value.isascii():
        return ""
    return value


def _derived_key(session_id: str, digest: str) -> str:
    return f"{session_id}{DERIVED_KEY_SEPARATOR}{digest[:_DERIVED_HASH_CHARS]}"


def _holds(conversation: Conversation | None, digest: str) -> bool:
    # Rows from before tokens have no hash: nobody holds them any more.
    return bool(conversation and conversation.token_hash) and hmac.compare_digest(conversation.token_hash, digest)


def _rows(session_id: str, digest: str) -> dict[str, Conversation]:
    keys = [session_id, _derived_key(session_id, digest)] if digest else [session_id]
    return {row.session_id: row for row in Conversation.objects.filter(session_id__in=keys)}


def _held(rows: dict[str, Conversation], session_id: str, digest: str) -> Conversation | None:
    if not digest:
        return None
    for key in (session_id, _derived_key(session_id, digest)):
        if _holds(rows.get(key), digest):
            return rows[key]
    return None


def conversation_find(*, session_id: str, token: str) -> Conversation | None:
    """The conversation that ``session_id`` with ``token`` names, or None; never creates one."""
    token = clean_token(token)
    if not token:
        return None
    digest = token_hash(token)
    return _held(_rows(session_id, digest), session_id, digest)


def conversation_open(*, session_id: str, token: str, user) -> SessionAccess:
    """The conversation this request continues, or a new one with a freshly issued token.

    ``session_id`` with its token: that conversation. A session ID nobody used yet: a new
    conversation under it. A known session ID without its token (missing, wrong, or a
    row from before tokens): a new visitor's conversation under a derived key, so nothing
    of the other conversation is shown or used. The caller holds the session's lock.
    """
    token = clean_token(token)
    digest = token_hash(token) if token else ""
    rows = _rows(session_id, digest)
    conversation = _held(rows, session_id, digest)
    issued = ""
    if conversation is None:
        issued = new_token()
        issued_digest = token_hash(issued)
        derived = _derived_key(session_id, issued_digest)
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    session_id=derived if session_id in rows else session_id, token_hash=issued_digest, user=user
                )
        except IntegrityError:  # someone else took the session ID a moment ago
            conversation = Conversation.objects.create(session_id=derived, token_hash=issued_digest, user=user)
    if user is not None and conversation.user_id is None:
        conversation.user = user
    return SessionAccess(conversation=conversation, issued_token=issued)
