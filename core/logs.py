"""Structured logging: structlog in front of the standard library.

Every log line, whether written with ``structlog.get_logger()`` or with a plain
``logging.getLogger(__name__).info("chat turn", extra={...})``, goes through one
``structlog.stdlib.ProcessorFormatter``. So the engine's ``extra=`` fields become keys
of the line, the request context (``request_id``, ``session_id``) bound in contextvars
is on every line of a request, and the current OpenTelemetry trace and span IDs are
added when tracing is on.

Production writes one JSON object per line (``LOG_FORMAT=json``, the default when
``DJANGO_ENV=production``); the demo writes human-readable console lines.

Email addresses, phone numbers and card-like numbers are redacted from the event and
from every string field before rendering; a ``session_id`` field is written as its keyed
hash (``core.session_hash``), never as the customer's session ID.
"""

from __future__ import annotations

import re
from typing import Any

import structlog
from opentelemetry import trace

# --- Redaction -------------------------------------------------------------------------

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 13 to 19 digits, optionally in groups separated by one space or dash: card-like.
CARD_RE = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# A phone number: an optional +/00 prefix, then digits with spaces, dashes or brackets.
# Dots are not separators here, so IP addresses, versions and decimals stay readable.
PHONE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ()-]{5,}\d(?![\w])")
PHONE_MIN_DIGITS = 9  # "2025-11-24" (8 digits) is a date, not a phone number
PHONE_MIN_DIGITS_WITH_PLUS = 7

REDACTED_EMAIL = "[email]"
REDACTED_PHONE = "[phone]"
REDACTED_CARD = "[card]"

# Keys that are identifiers we generate or control, never customer text: left as they are
# so that lines can be correlated.
NEVER_REDACTED = frozenset({"timestamp", "level", "logger", "request_id", "trace_id", "span_id", "session_id", "event_id"})


DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _phone_or_keep(match: re.Match) -> str:
    text = match.group(0)
    if DATE_RE.match(text):
        return text  # an ISO date, maybe followed by an hour
    digits = sum(ch.isdigit() for ch in text)
    needed = PHONE_MIN_DIGITS_WITH_PLUS if text.startswith(("+", "00")) else PHONE_MIN_DIGITS
    return REDACTED_PHONE if 7 <= digits <= 15 and digits >= needed else text


def redact_text(text: str) -> str:
    """``text`` with emails, card-like numbers and phone numbers replaced by placeholders."""
    if not any(ch.isdigit() or ch == "@" for ch in text):
        return text  # the common case: nothing that could match, no regex run
    text = EMAIL_RE.sub(REDACTED_EMAIL, text)
    text = CARD_RE.sub(REDACTED_CARD, text)
    return PHONE_RE.sub(_phone_or_keep, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, (list, tuple)):
        return [_redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    return value


def redact_personal_data(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: redact personal data from the event and every field."""
    for key, value in list(event_dict.items()):
        if key in NEVER_REDACTED or key.startswith("_"):
            continue
        event_dict[key] = _redact_value(value)
    return event_dict


# --- Session IDs -----------------------------------------------------------------------

# Fields that carry a chat session ID: written as its keyed hash (core/session_hash.py).
SESSION_ID_FIELDS = ("session_id",)


def hash_session_ids(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: a session ID is logged as its keyed hash, never as itself."""
    for key in SESSION_ID_FIELDS:
        value = event_dict.get(key)
        if isinstance(value, str) and value:
            try:
                from core.session_hash import session_hash

                event_dict[key] = session_hash(value)
            except Exception:  # no settings yet: drop it rather than write it out
                event_dict[key] = "[unhashed]"
    return event_dict


# --- Context ---------------------------------------------------------------------------


def add_trace_ids(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: the current OpenTelemetry trace and span IDs, when recording."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict["trace_id"] = format(context.trace_id, "032x")
        event_dict["span_id"] = format(context.span_id, "016x")
    return event_dict


_SHARED_PROCESSORS: list = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    add_trace_ids,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
# For stdlib records: ExtraAdder turns ``extra={...}`` into fields of the line.
_FOREIGN_PRE_CHAIN: list = [*_SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()]


def _renderer(json: bool):
    if json:
        return structlog.processors.JSONRenderer(sort_keys=False, default=str)
    # Plain tracebacks: with rich installed (import-linter brings it), structlog's default
    # pretty-prints every frame's locals, which for a test's or server's objects takes
    # seconds and gigabytes per logged exception.
    return structlog.dev.ConsoleRenderer(colors=False, sort_keys=True, exception_formatter=structlog.dev.plain_traceback)


def formatter(*, json: bool) -> structlog.stdlib.ProcessorFormatter:
    """The one formatter of every handler: JSON lines, or console lines for the demo."""
    processors: list = [structlog.stdlib.ProcessorFormatter.remove_processors_meta]
    if json:
        # Tracebacks become an "exception" string field of the JSON object.
        processors.append(structlog.processors.format_exc_info)
    processors += [hash_session_ids, redact_personal_data, _renderer(json)]
    return structlog.stdlib.ProcessorFormatter(foreign_pre_chain=_FOREIGN_PRE_CHAIN, processors=processors)


def logging_config(*, json: bool, level: str) -> dict:
    """Django's ``LOGGING`` dict; also configures structlog's own loggers to match."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED_PROCESSORS,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {"()": formatter, "json": json},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Our own request line (core.middleware) replaces these.
            "django.server": {"level": "WARNING"},
            "daphne": {"level": "WARNING"},
        },
    }


def bind_request_context(**values: Any) -> None:
    """Bind fields (request_id, session_id...) to every log line of this request or turn."""
    structlog.contextvars.bind_contextvars(**{k: v for k, v in values.items() if v not in (None, "")})


def clear_request_context() -> None:
    structlog.contextvars.clear_contextvars()


__all__ = ["bind_request_context", "clear_request_context", "formatter", "logging_config", "redact_text"]
