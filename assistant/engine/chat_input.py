"""What the engine accepts: the session-ID rule and the message rule, in one place.

``chat_turn`` (assistant/services.py) validates its input here, once, and raises
``ChatInputError``: an ``ApplicationError``, which the API's exception handler answers as
a 400 ``validation_error`` naming every offending field. The API's serializers document
the same pattern; the websocket checks the session ID of its URL when it opens and a
message frame before it queues the turn, so a bad frame is answered at once.

The rules are checked by hand rather than by DRF fields: DRF's CharField would quietly
turn a number into text, and the chat contract says a number or a list where text
belongs is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

SESSION_ID_MAX_LENGTH = 128
SESSION_ID_PATTERN = rf"^[A-Za-z0-9_-]{{1,{SESSION_ID_MAX_LENGTH}}}$"  # ^[A-Za-z0-9_-]{1,128}$
SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)
MESSAGE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class InputProblem:
    """What is wrong with one field: ``code`` for programs, ``message`` for people."""

    field: str
    message: str
    code: str = "invalid"


class ChatInputError(ApplicationError):
    """Bad chat input, with one ``InputProblem`` per offending field.

    Its body is the API's validation error: ``{"error": "validation_error", "message":
    "session_id: ... message: ...", "fields": {"session_id": ["..."], ...}}``.
    """

    def __init__(self, *problems: InputProblem):
        super().__init__(
            " ".join(f"{problem.field}: {problem.message}" for problem in problems),
            code="validation_error",
            extra={"fields": {problem.field: [problem.message] for problem in problems}},
        )
        self.problems = problems


def clean_session_id(value: object) -> str:
    if value is None:
        raise ChatInputError(InputProblem("session_id", _("This field is required."), "required"))
    if not isinstance(value, str):
        raise ChatInputError(InputProblem("session_id", _not_a_string(value), "invalid_type"))
    if not SESSION_ID_RE.fullmatch(value):
        raise ChatInputError(
            InputProblem(
                "session_id",
                _("Must be 1 to %(max_length)d characters of letters, digits, '-' and '_'.")
                % {"max_length": SESSION_ID_MAX_LENGTH},
                "invalid_format",
            )
        )
    return value


def clean_message(value: object) -> str:
    if value is None:
        raise ChatInputError(InputProblem("message", _("This field is required."), "required"))
    if not isinstance(value, str):
        raise ChatInputError(InputProblem("message", _not_a_string(value), "invalid_type"))
    text = value.strip()
    if not text:
        raise ChatInputError(InputProblem("message", _("Must not be empty."), "blank"))
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ChatInputError(
            InputProblem(
                "message",
                _("Must be at most %(max_length)d characters (got %(length)d).")
                % {"max_length": MESSAGE_MAX_LENGTH, "length": len(text)},
                "too_long",
            )
        )
    if "\x00" in text:
        raise ChatInputError(InputProblem("message", _("Must not contain NUL characters."), "invalid_characters"))
    try:
        # A lone UTF-16 surrogate (JSON "\ud800") cannot be stored or logged: refuse it
        # here, before any tool runs, rather than fail after the turn acted.
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ChatInputError(
            InputProblem("message", _("Must be valid Unicode text (it contains an unpaired surrogate)."), "invalid_characters")
        ) from None
    return text


def _not_a_string(value: object) -> str:
    # The type's name is Python's ("int", "list"): a JSON client's developer reads it.
    return _("Must be a string, not %(type)s.") % {"type": type(value).__name__}


def clean_chat_input(*, session_id: object, message: object) -> tuple[str, str]:
    """The cleaned ``(session_id, message)``, or one ``ChatInputError`` naming every bad field."""
    problems: list[InputProblem] = []
    cleaned: list[str] = []
    for value, clean in ((session_id, clean_session_id), (message, clean_message)):
        try:
            cleaned.append(clean(value))
        except ChatInputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ChatInputError(*problems)
    return cleaned[0], cleaned[1]
