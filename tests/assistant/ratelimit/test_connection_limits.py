"""At most CHAT_WS_MAX_CONNECTIONS_PER_IP open chat websockets per client address,
counted in the cache (Redis across processes), refused with close code 4429."""

from __future__ import annotations

import time

import pytest
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from assistant.ratelimit.connections import CLOSE_TOO_MANY_CONNECTIONS, connection_acquire, connection_release
from assistant.ratelimit.connections import _key as counter_key
from tests.assistant.realtime.sockets import ORIGIN, TIMEOUT, application

pytestmark = pytest.mark.usefixtures("in_memory_layer")

SHOPPER = "203.0.113.5"
NEIGHBOUR = "198.51.100.9"
PROXY = "10.0.0.2"


@pytest.fixture
def cap(settings):
    settings.CHAT_WS_MAX_CONNECTIONS_PER_IP = 3
    settings.TRUSTED_PROXIES = [PROXY]
    return 3


async def open_from(address: str, forwarded_for: str | None = None) -> tuple[WebsocketCommunicator, dict]:
    headers = [ORIGIN] + ([(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else [])
    communicator = WebsocketCommunicator(application(), "/ws/chat/cap-test/", headers=headers)
    communicator.scope["client"] = (address, 40000)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator, await communicator.receive_output(timeout=TIMEOUT)


def refused(first_output: dict) -> bool:
    return first_output["type"] == "websocket.close" and first_output.get("code") == CLOSE_TOO_MANY_CONNECTIONS


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_sockets_over_the_cap_are_closed_with_4429_and_a_closed_socket_frees_a_place(cap):
    sockets = [await open_from(SHOPPER) for _ in range(cap)]
    assert not any(refused(first) for _, first in sockets)

    over, first = await open_from(SHOPPER)
    assert refused(first) and first["reason"] == "too_many_connections"

    # Another address is not affected.
    neighbour, first = await open_from(NEIGHBOUR)
    assert not refused(first)

    await sockets[0][0].disconnect()
    again, first = await open_from(SHOPPER)
    assert not refused(first)

    for communicator in [s for s, _ in sockets[1:]] + [neighbour, again]:
        await communicator.disconnect()
    # Every socket that was counted was taken back, the refused one was never counted.
    assert connection_acquire(SHOPPER, limit=1, ttl=60) and connection_acquire(NEIGHBOUR, limit=1, ttl=60)


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_the_address_is_the_one_a_trusted_proxy_reports_and_a_forged_header_is_ignored(cap):
    # Behind the trusted proxy, shoppers are told apart by X-Forwarded-For.
    behind_proxy = [await open_from(PROXY, forwarded_for=f"192.0.2.{n}") for n in range(cap + 2)]
    assert not any(refused(first) for _, first in behind_proxy)
    # A client that forges the header is still counted as itself.
    forged = [await open_from(SHOPPER, forwarded_for=f"192.0.2.{100 + n}") for n in range(cap + 1)]
    assert [refused(first) for _, first in forged] == [False] * cap + [True]
    for communicator, _ in behind_proxy + forged:
        await communicator.disconnect()


def test_the_count_never_goes_below_zero_and_a_leak_expires():
    assert connection_acquire(SHOPPER, limit=2, ttl=1)
    assert connection_acquire(SHOPPER, limit=2, ttl=1)
    assert not connection_acquire(SHOPPER, limit=2, ttl=1)
    # A crashed process never releases its two sockets: the count expires with its TTL.
    time.sleep(1.2)
    assert connection_acquire(SHOPPER, limit=2, ttl=1)
    # Releases of sockets counted before the expiry do not take the count below zero.
    for _ in range(3):
        connection_release(SHOPPER)
    assert cache.get(counter_key(SHOPPER)) in (0, None)
    assert connection_acquire(SHOPPER, limit=2, ttl=60) and connection_acquire(SHOPPER, limit=2, ttl=60)
    assert not connection_acquire(SHOPPER, limit=2, ttl=60)


def test_zero_means_no_cap():
    assert all(connection_acquire(SHOPPER, limit=0, ttl=60) for _ in range(100))


@pytest.mark.redis
def test_the_count_is_shared_by_processes_through_redis(redis_url):
    from django_redis.cache import RedisCache

    def process_cache():  # each server process has its own client of the same Redis
        return RedisCache(
            redis_url, {"KEY_PREFIX": "conn-limit-test", "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}}
        )

    first, second = process_cache(), process_cache()
    first.clear()
    try:
        assert connection_acquire(SHOPPER, limit=2, ttl=60, cache=first)
        assert connection_acquire(SHOPPER, limit=2, ttl=60, cache=second)
        assert not connection_acquire(SHOPPER, limit=2, ttl=60, cache=first)
        connection_release(SHOPPER, cache=second)
        assert connection_acquire(SHOPPER, limit=2, ttl=60, cache=first)
        # The counter carries its expiry in Redis, renewed by each attempt.
        assert 0 < second.ttl(counter_key(SHOPPER)) <= 60
    finally:
        first.clear()
