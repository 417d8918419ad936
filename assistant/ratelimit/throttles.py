"""DRF throttles of ``POST /chat``: per client IP and per conversation.

Thin adapters over ``assistant.ratelimit.chat`` (the websocket uses the same functions, so
both transports share one allowance). Over a limit DRF answers 429 with ``Retry-After``.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from assistant.ratelimit import chat as chat_limits
from core.client_ip import request_client_ip


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


class WidgetConfigIpThrottle(ChatIpThrottle):
    """``CHAT_RATE_LIMIT_IP`` widget-config reads per client IP, counted apart from the chat
    turns: a shopper browsing the shop's pages must not use up their chat allowance."""

    scope = "widget-config"


class ChatSessionThrottle(_ChatThrottle):
    """``CHAT_RATE_LIMIT_SESSION`` chat turns per conversation (the body's ``session_id``).

    Keyed on the raw value: the input is validated once, by the engine (``chat_turn``).
    A body without a textual ``session_id`` has nothing to count; keys are hashed, so any
    string is a safe key.
    """

    scope = chat_limits.SESSION_SCOPE

    def identity(self, request) -> str | None:
        data = request.data  # a malformed body raises ParseError here: a 400, as in the view
        session_id = data.get("session_id") if isinstance(data, dict) else None
        return session_id if isinstance(session_id, str) and session_id else None

    def rate(self) -> str:
        return settings.CHAT_RATE_LIMIT_SESSION
