"""The one pseudonym of a chat session ID outside the conversation itself.

A session ID names (and, before its token, used to hold) a customer's conversation; it
has no business in log lines, audit rows or a remote order system's records. Those keep
``session_hash(session_id)``: the first 16 hex characters of an HMAC-SHA256 keyed by
``SECRET_KEY`` (Django's ``salted_hmac``, with a salt of its own). The same session
always gives the same hash, so lines and rows of one conversation still correlate;
without the secret key a hash cannot be computed from a guessed session ID, nor
reversed. Only ``Conversation.session_id`` keeps the ID itself.

In ``core`` because ``orders`` uses it and must never import ``assistant``.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

SALT = "assistant.session-id-hash"
HASH_CHARS = 16


def session_hash(session_id: str) -> str:
    """The keyed hash of ``session_id`` (16 hex characters); ``""`` for no session."""
    if not session_id:
        return ""
    return salted_hmac(SALT, session_id, algorithm="sha256").hexdigest()[:HASH_CHARS]


def without_session_id(text: str, session_id: str) -> str:
    """``text`` with every occurrence of ``session_id`` replaced by its hash.

    For values built by callers that embed the session ID (an idempotency key such as
    ``"<session>:ORD-4567:<uuid>"``): the same input always gives the same output, so a
    retry still finds the first answer.
    """
    if not session_id or session_id not in text:
        return text
    return text.replace(session_id, session_hash(session_id))


__all__ = ["session_hash", "without_session_id"]
