"""Failed identity checks counted across sessions: per order and per client address.

A session's own lockout (five failures) is easy to escape by starting a new session, so
failures are also counted where a new session id does not help: on the order being
guessed at, and on the address guessing (an IPv6 client by its /64, which one customer
line usually gets whole). Counters live in the cache, so with Redis they hold across all
server processes. Fixed windows: the first failure starts the window; going over the
limit locks for one window length.

If the cache is down the checks fail open (with a log line and a metric): the per-session
lockout, stored in the database, still holds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from assistant import metrics

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckScope:
    order_id: str
    client_ip: str


def address_key(client_ip: str) -> str:
    """The unit an address is counted in: the address itself, or its /64 for IPv6."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _key(kind: str, value: str) -> str:
    # Hashed: the cache is no place to list order numbers or client addresses.
    return f"identity:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _limits(scope: CheckScope) -> list[tuple[str, int, int]]:
    return [
        (
            _key("order", scope.order_id),
            settings.IDENTITY_MAX_FAILURES_PER_ORDER,
            int(settings.IDENTITY_ORDER_WINDOW_MINUTES * 60),
        ),
        (
            _key("address", address_key(scope.client_ip)),
            settings.IDENTITY_MAX_FAILURES_PER_ADDRESS,
            int(settings.IDENTITY_ADDRESS_WINDOW_MINUTES * 60),
        ),
    ]


def checks_blocked(scope: CheckScope) -> str:
    """``"order"`` or ``"address"`` when that scope is locked, else ``""``."""
    try:
        locked = cache.get_many([f"{key}:locked" for key, _, _ in _limits(scope)])
    except Exception:  # the cache is down: fail open, the session lockout still holds
        logger.warning("identity limits unavailable (cache error); failing open", exc_info=True)
        metrics.IDENTITY_CHECK_FAILURES.labels(reason="limits_unavailable").inc()
        return ""
    for (key, _, _), kind in zip(_limits(scope), ("order", "address")):
        if locked.get(f"{key}:locked"):
            return kind
    return ""


def record_failure(scope: CheckScope) -> None:
    """Count one failed check on the order and from the address; lock what goes over."""
    try:
        for (key, limit, window), kind in zip(_limits(scope), ("order", "address")):
            cache.add(key, 0, timeout=window)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window)
                count = 1
            if count > limit:
                cache.set(f"{key}:locked", 1, timeout=window)
                metrics.IDENTITY_CHECK_FAILURES.labels(reason=f"{kind}_locked").inc()
    except Exception:
        logger.warning("identity limits unavailable (cache error); failure not counted", exc_info=True)
        metrics.IDENTITY_CHECK_FAILURES.labels(reason="limits_unavailable").inc()
