"""Open chat websockets per client address: at most ``CHAT_WS_MAX_CONNECTIONS_PER_IP``.

Each socket holds a daphne connection, a task and a channel-layer subscription; one
script opening thousands would exhaust a process long before the turn limits notice
(it need not send a frame). Counted in the cache, so with Redis the cap holds across
every server process. The client address follows the rate limits' ``TRUSTED_PROXIES``
rule (``core.client_ip.scope_client_ip``).

A socket over the cap is accepted and at once closed with ``4429`` (reason
``too_many_connections``): the widget already waits about 30 s after a 4429 and chats
over ``POST /chat`` meanwhile.

The count is an atomic ``incr`` when a socket opens and a ``decr`` when it closes. A
process that crashes never decrements, so the counter expires
``CHAT_WS_CONNECTION_COUNT_TTL_SECONDS`` after the address last tried to connect (each
attempt renews it): a leak heals once the address has been quiet that long, and an
address that keeps opening sockets stays counted. Should the counter expire under
long-lived sockets, the count is lower than the truth (the cap errs on letting people
in) and never goes below zero. If the cache is down, sockets are let in.
"""

from __future__ import annotations

import hashlib
import logging

from asgiref.sync import sync_to_async
from django.conf import settings

from assistant import metrics
from core.client_ip import scope_client_ip

logger = logging.getLogger(__name__)

# Shared with the flood close of assistant/realtime/consumers.py: "too many", wait before retrying.
CLOSE_TOO_MANY_CONNECTIONS = 4429
CLOSE_REASON = "too_many_connections"
_COUNTED = "_ws_counted_address"  # set on a consumer whose socket was counted


def _key(address: str) -> str:
    return "ws-connections:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def connection_acquire(address: str, *, limit: int, ttl: int, cache=None) -> bool:
    """Count one more open socket of ``address``; ``False`` (and not counted) over ``limit``."""
    if limit <= 0:
        return True
    if cache is None:
        from django.core.cache import cache
    key = _key(address)
    try:
        cache.add(key, 0, timeout=ttl)
        count = cache.incr(key)
        cache.touch(key, ttl)
    except Exception:
        logger.warning("websocket connection cap: cache unavailable, letting the socket in", exc_info=True)
        return True
    if count <= limit:
        return True
    connection_release(address, cache=cache)
    return False


def connection_release(address: str, *, cache=None) -> None:
    """Count one socket of ``address`` fewer; never below zero, nothing if it expired."""
    if cache is None:
        from django.core.cache import cache
    key = _key(address)
    try:
        count = cache.decr(key)
        if count < 0:  # the counter expired under open sockets and was started again
            cache.incr(key, -count)
    except ValueError:
        pass  # expired: nothing left to take back
    except Exception:
        logger.warning("websocket connection cap: cache unavailable on release", exc_info=True)


async def ws_connection_admit(consumer) -> bool:
    """Count ``consumer``'s accepted socket against its address, or close it with
    ``CLOSE_TOO_MANY_CONNECTIONS`` and return ``False``."""
    address = scope_client_ip(consumer.scope)
    admitted = await sync_to_async(connection_acquire, thread_sensitive=False)(
        address,
        limit=settings.CHAT_WS_MAX_CONNECTIONS_PER_IP,
        ttl=settings.CHAT_WS_CONNECTION_COUNT_TTL_SECONDS,
    )
    if not admitted:
        metrics.CHAT_THROTTLED.labels(scope="connections").inc()
        logger.warning("refusing a chat socket: too many open from one address")
        await consumer.close(code=CLOSE_TOO_MANY_CONNECTIONS, reason=CLOSE_REASON)
        return False
    setattr(consumer, _COUNTED, address)
    return True


async def ws_connection_release(consumer) -> None:
    """Take back ``consumer``'s count, once, if it was counted."""
    address = consumer.__dict__.pop(_COUNTED, None)
    if address is not None:
        await sync_to_async(connection_release, thread_sensitive=False)(address)
