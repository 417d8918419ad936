"""Chat rate limits shared by ``POST /chat`` (DRF throttles) and the websocket.

Two limits, each a number of chat turns per period: per client IP
(``CHAT_RATE_LIMIT_IP``) and per conversation (``CHAT_RATE_LIMIT_SESSION``). Written like
DRF rates, ``"120/min"``; ``"off"`` disables one. Both transports count against the same
keys, so switching from REST to the websocket does not reset a client's allowance.

Counting is a sliding-window counter in Django's cache: the current and previous fixed
windows, the previous one weighted by how much of it still overlaps the sliding window.
Hits are atomic ``incr`` calls, so with Redis as the cache the limit holds across every
server process. (DRF's SimpleRateThrottle keeps a list of timestamps that it reads,
appends to and writes back: two processes answering at once lose each other's hits.)
If the cache fails, requests are let through: the limiter must never be the outage.

The client IP follows ``TRUSTED_PROXIES`` (``core.client_ip``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from assistant import metrics

logger = logging.getLogger(__name__)

IP_SCOPE = "ip"
SESSION_SCOPE = "session"

_PERIODS = {
    "s": 1, "sec": 1, "second": 1,
    "m": 60, "min": 60, "minute": 60,
    "h": 3600, "hour": 3600,
    "d": 86400, "day": 86400,
}  # fmt: skip
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")
_OFF = {"off", "none", "disabled", "unlimited"}


@dataclass(frozen=True)
class Rate:
    limit: int
    period_seconds: int

    def __str__(self) -> str:
        return f"{self.limit}/{self.period_seconds}s"


@lru_cache(maxsize=32)
def parse_rate(text: str) -> Rate | None:
    """``"120/min"`` -> Rate(120, 60); ``"off"`` -> None. Also ``"10/s"``, ``"1000/hour"``,
    ``"500/day"`` and multiples of a unit, ``"30/10s"``. Anything else is a configuration error."""
    value = (text or "").strip().lower()
    if value in _OFF:
        return None
    match = _RATE_RE.match(value)
    if not match or match.group(3) not in _PERIODS:
        raise ImproperlyConfigured(f"A chat rate limit must look like '120/min' (units s, min, hour, day) or 'off', not {text!r}")
    limit = int(match.group(1))
    period = int(match.group(2) or 1) * _PERIODS[match.group(3)]
    if limit < 1 or period < 1:
        raise ImproperlyConfigured(
            f"A chat rate limit needs at least 1 turn per period, like '120/min', not {text!r}; use 'off' to disable"
        )
    return Rate(limit=limit, period_seconds=period)


# --- Counting --------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitResult:
    allowed: bool
    retry_after: int = 0  # whole seconds; 0 when allowed


def _key(scope: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]  # bounded, safe for any cache
    return f"chat-limit:{scope}:{digest}:{window}"


def hit(
    scope: str,
    identity: str,
    rate: Rate | None,
    *,
    cache=None,
    clock: Callable[[], float] = time.time,
) -> LimitResult:
    """Count one chat turn of ``identity`` under ``scope``; refused turns are not counted."""
    if rate is None:
        return LimitResult(True)
    if cache is None:
        from django.core.cache import cache
    now = clock()
    period = rate.period_seconds
    window = int(now // period)
    elapsed = now - window * period
    current_key = _key(scope, identity, window)
    try:
        cache.add(current_key, 0, timeout=2 * period + 1)
        current = cache.incr(current_key)
        previous = cache.get(_key(scope, identity, window - 1)) or 0
    except Exception:
        logger.warning("chat rate limit: cache unavailable, letting the turn through", exc_info=True)
        metrics.CACHE_ERRORS.labels(component="rate_limit").inc()
        return LimitResult(True)
    weight = 1 - elapsed / period
    if previous * weight + current <= rate.limit:
        return LimitResult(True)
    metrics.CHAT_THROTTLED.labels(scope=scope).inc()
    try:
        cache.decr(current_key)  # a refused turn does not use up the allowance
    except Exception:
        pass
    return LimitResult(False, retry_after=_retry_after(rate, previous, current - 1, elapsed))


def _retry_after(rate: Rate, previous: int, current: int, elapsed: float) -> int:
    """Seconds until one more turn fits, if the client sends nothing meanwhile."""
    period = rate.period_seconds
    room = rate.limit - 1 - current
    if room < 0 or previous == 0:
        wait = period - elapsed  # the current window alone is full: wait for the next one
    else:
        # previous * (1 - e / period) <= room  <=>  e >= period * (1 - room / previous)
        wait = period * (1 - room / previous) - elapsed
    return max(1, math.ceil(wait))


def chat_turn_allowed(*, ip: str, session_id: str | None, ip_rate: str, session_rate: str, cache=None) -> LimitResult:
    """Apply both chat limits: the IP's first, then the conversation's.

    Returns the first refusal (with its Retry-After), or an allowed result.
    """
    result = hit(IP_SCOPE, ip, parse_rate(ip_rate), cache=cache)
    if not result.allowed or not session_id:
        return result
    return hit(SESSION_SCOPE, session_id, parse_rate(session_rate), cache=cache)


async def websocket_turn_allowed(*, client_ip: str, session_id: str) -> LimitResult:
    """Count one websocket chat turn against the IP and conversation limits of POST /chat."""
    return await sync_to_async(chat_turn_allowed, thread_sensitive=False)(
        ip=client_ip,
        session_id=session_id,
        ip_rate=settings.CHAT_RATE_LIMIT_IP,
        session_rate=settings.CHAT_RATE_LIMIT_SESSION,
    )
