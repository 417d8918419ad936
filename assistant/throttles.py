"""DRF throttles of ``POST /chat``: per client IP and per conversation.

Thin adapters over ``assistant.chat_limits`` (the websocket uses the same functions, so
both transports share one allowance). Over a limit DRF answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import ipaddress

from asgiref.sync import sync_to_async
from django.conf import settings
from rest_framework.throttling import BaseThrottle

from assistant import chat_limits
from assistant.validation import ChatInputError, clean_session_id


def request_client_ip(request) -> str:
    meta = request.META
    return chat_limits.client_ip(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), settings.TRUSTED_PROXIES)


def login_client_ip(request) -> str | None:
    """The client address for django-axes, or None when the request has none (a login made
    in code, such as the test client's force_login): its columns take only real addresses,
    and PostgreSQL refuses a placeholder such as "unknown"."""
    address = request_client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


class _ChatThrottle(BaseThrottle):
    scope = ""

    def identity(self, request) -> str | None:
        raise NotImplementedError

    def rate(self) -> str:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        identity = self.identity(request)
        if identity is None:
            self.result = chat_limits.LimitResult(True)
            return True
        self.result = chat_limits.hit(self.scope, identity, chat_limits.parse_rate(self.rate()))
        return self.result.allowed

    def wait(self) -> float | None:
        return self.result.retry_after or None


class ChatIpThrottle(_ChatThrottle):
    """``CHAT_RATE_LIMIT_IP`` chat turns per client IP (see TRUSTED_PROXIES)."""

    scope = chat_limits.IP_SCOPE

    def identity(self, request) -> str:
        return request_client_ip(request)

    def rate(self) -> str:
        return settings.CHAT_RATE_LIMIT_IP


class ChatSessionThrottle(_ChatThrottle):
    """``CHAT_RATE_LIMIT_SESSION`` chat turns per conversation (the body's ``session_id``)."""

    scope = chat_limits.SESSION_SCOPE

    def identity(self, request) -> str | None:
        data = request.data  # a malformed body raises ParseError here: a 400, as in the view
        try:
            return clean_session_id(data.get("session_id") if isinstance(data, dict) else None)
        except ChatInputError:
            return None  # the view answers 400 for it; nothing to count

    def rate(self) -> str:
        return settings.CHAT_RATE_LIMIT_SESSION


# --- The websocket's side of the same limits ---------------------------------------------


def scope_client_ip(scope: dict) -> str:
    """The client IP of an ASGI connection, by the same TRUSTED_PROXIES rule as HTTP."""
    client = scope.get("client") or (None, None)
    forwarded = [value for name, value in scope.get("headers") or () if name.lower() == b"x-forwarded-for"]
    return chat_limits.client_ip(
        client[0], b",".join(forwarded).decode("latin-1") if forwarded else None, settings.TRUSTED_PROXIES
    )


async def websocket_turn_allowed(*, client_ip: str, session_id: str) -> chat_limits.LimitResult:
    """Count one websocket chat turn against the IP and conversation limits of POST /chat."""
    return await sync_to_async(chat_limits.chat_turn_allowed, thread_sensitive=False)(
        ip=client_ip,
        session_id=session_id,
        ip_rate=settings.CHAT_RATE_LIMIT_IP,
        session_rate=settings.CHAT_RATE_LIMIT_SESSION,
    )
