"""The chat input rules, shared by the REST API and the websocket consumer."""

from __future__ import annotations

import re

SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
MESSAGE_MAX_LENGTH = 2000


class ChatInputError(ValueError):
    """Bad chat input; ``field`` names the offending field."""

    def __init__(self, field: str, message: str, code: str = "invalid"):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code


def clean_session_id(value: object) -> str:
    if value is None:
        raise ChatInputError("session_id", "This field is required.", "required")
    if not isinstance(value, str):
        raise ChatInputError("session_id", f"Must be a string, not {type(value).__name__}.", "invalid_type")
    if not SESSION_ID_RE.fullmatch(value):
        raise ChatInputError(
            "session_id", "Must be 1 to 128 characters of letters, digits, '-' and '_'.", "invalid_format"
        )
    return value


def clean_message(value: object) -> str:
    if value is None:
        raise ChatInputError("message", "This field is required.", "required")
    if not isinstance(value, str):
        raise ChatInputError("message", f"Must be a string, not {type(value).__name__}.", "invalid_type")
    text = value.strip()
    if not text:
        raise ChatInputError("message", "Must not be empty.", "blank")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ChatInputError(
            "message", f"Must be at most {MESSAGE_MAX_LENGTH} characters (got {len(text)}).", "too_long"
        )
    if "\x00" in text:
        raise ChatInputError("message", "Must not contain NUL characters.", "invalid_characters")
    try:
        # A lone UTF-16 surrogate (JSON "\ud800") cannot be stored or logged: refuse it
        # here, before any tool runs, rather than fail after the turn acted.
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ChatInputError(
            "message", "Must be valid Unicode text (it contains an unpaired surrogate).", "invalid_characters"
        ) from None
    return text
