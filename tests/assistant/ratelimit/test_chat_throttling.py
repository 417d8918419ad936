"""Chat rate limits: per client IP and per conversation, over REST and the websocket."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from assistant.ratelimit.chat import Rate, hit, parse_rate
from core.client_ip import client_ip


def _chat(client, session_id: str, message: str = "hello", **extra):
    return client.post("/chat", {"session_id": session_id, "message": message}, content_type="application/json", **extra)


# --- Settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, rate",
    [
        ("120/min", Rate(120, 60)),
        ("10/s", Rate(10, 1)),
        ("1000/hour", Rate(1000, 3600)),
        ("500/day", Rate(500, 86400)),
        (" 30 / 10s ", Rate(30, 10)),
        ("60/m", Rate(60, 60)),
        ("off", None),
        ("OFF", None),
    ],
)
def test_rates_are_written_like_drf_rates_and_off_disables_a_limit(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "120", "120/fortnight", "0/min", "-5/min", "ten/min", "120/0s"])
def test_a_malformed_rate_is_a_configuration_error_naming_the_format(text):
    with pytest.raises(ImproperlyConfigured, match="120/min"):
        parse_rate(text)


# --- Client IP ---------------------------------------------------------------------------


def test_x_forwarded_for_is_ignored_when_the_peer_is_not_a_trusted_proxy():
    assert client_ip("203.0.113.9", "198.51.100.1", []) == "203.0.113.9"
    assert client_ip("203.0.113.9", "198.51.100.1", ["10.0.0.0/8"]) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_rightmost_untrusted_address():
    proxies = ["10.0.0.0/8", "127.0.0.1"]
    assert client_ip("10.0.0.5", "198.51.100.7", proxies) == "198.51.100.7"
    # A client that forges its own X-Forwarded-For only adds entries left of its real address.
    assert client_ip("10.0.0.5", "6.6.6.6, 198.51.100.7", proxies) == "198.51.100.7"
    # Two proxies deep (CDN -> nginx -> app).
    assert client_ip("127.0.0.1", "198.51.100.7, 10.1.2.3", proxies) == "198.51.100.7"


def test_garbage_in_x_forwarded_for_falls_back_to_the_last_trusted_hop():
    assert client_ip("10.0.0.5", "not-an-ip", ["10.0.0.0/8"]) == "10.0.0.5"
    assert client_ip("10.0.0.5", "", ["10.0.0.0/8"]) == "10.0.0.5"


def test_ipv6_and_ipv4_mapped_peers_are_recognised():
    assert client_ip("::ffff:203.0.113.9", None, []) == "203.0.113.9"
    assert client_ip("::1", "2001:db8::7", ["::1"]) == "2001:db8::7"


def test_an_invalid_trusted_proxy_setting_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip("10.0.0.1", None, ["10.0.0.0/33"])


# --- The counter -------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float = 1_000_040.0):  # 20 s into a 60 s window (60 * 16_667 = 1_000_020)
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_sliding_window_refuses_over_the_limit_tells_when_to_retry_and_recovers():
    clock = Clock()
    rate = Rate(3, 60)
    assert [hit("ip", "1.2.3.4", rate, clock=clock).allowed for _ in range(4)] == [True, True, True, False]
    refused = hit("ip", "1.2.3.4", rate, clock=clock)
    assert not refused.allowed and refused.retry_after == 40  # the rest of this window
    clock.now += 40  # next window: the previous 3 turns still weigh fully at its start
    assert not hit("ip", "1.2.3.4", rate, clock=clock).allowed
    clock.now += 30  # half of the previous window has slid out: 1.5 + 0 <= 3 - 1
    assert hit("ip", "1.2.3.4", rate, clock=clock).allowed
    assert hit("ip", "another client", rate, clock=clock).allowed


def test_refused_turns_do_not_use_up_the_allowance():
    clock = Clock(1_000_000.0)
    rate = Rate(2, 60)
    for _ in range(50):
        hit("session", "s", rate, clock=clock)
    clock.now += 120  # two windows later everything has slid out
    assert hit("session", "s", rate, clock=clock).allowed


# --- POST /chat ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_conversation_over_its_limit_gets_429_with_retry_after(client, settings):
    settings.CHAT_RATE_LIMIT_SESSION = "3/min"
    settings.CHAT_RATE_LIMIT_IP = "off"
    statuses = [_chat(client, "chatty").status_code for _ in range(3)]
    refused = _chat(client, "chatty")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"] == "throttled"
    assert _chat(client, "someone-else").status_code == 200  # the limit is per conversation


@pytest.mark.django_db
def test_a_client_ip_over_its_limit_gets_429_whatever_session_ids_it_uses(client, settings):
    settings.CHAT_RATE_LIMIT_IP = "2/min"
    settings.CHAT_RATE_LIMIT_SESSION = "off"
    assert [_chat(client, f"rotating-{n}").status_code for n in range(3)] == [200, 200, 429]
    # Another address is its own client.
    assert _chat(client, "fresh", REMOTE_ADDR="198.51.100.20").status_code == 200


@pytest.mark.django_db
def test_behind_trusted_proxies_each_forwarded_client_has_its_own_allowance(client, settings):
    settings.CHAT_RATE_LIMIT_IP = "1/min"
    settings.CHAT_RATE_LIMIT_SESSION = "off"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    first = _chat(client, "a", HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = _chat(client, "b", HTTP_X_FORWARDED_FOR="198.51.100.2")
    again = _chat(client, "c", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert (first.status_code, second.status_code, again.status_code) == (200, 200, 429)

    settings.TRUSTED_PROXIES = []  # untrusted: the header is ignored, all share 127.0.0.1
    cache.clear()
    assert _chat(client, "d", HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 200
    assert _chat(client, "e", HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 429


@pytest.mark.django_db
def test_off_disables_both_limits(client, settings):
    settings.CHAT_RATE_LIMIT_IP = "off"
    settings.CHAT_RATE_LIMIT_SESSION = "off"
    assert {_chat(client, "unlimited").status_code for _ in range(5)} == {200}


@pytest.mark.django_db
def test_the_default_limits_let_a_long_conversation_through(client):
    assert {_chat(client, "long-talk", "Do you ship abroad?").status_code for _ in range(35)} == {200}


@pytest.mark.django_db
def test_bad_input_is_still_a_400_not_a_throttle_error(client, settings):
    settings.CHAT_RATE_LIMIT_SESSION = "1/min"
    response = client.post("/chat", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert _chat(client, "bad id!").status_code == 400


# --- Across processes (Redis) --------------------------------------------------------------


@pytest.mark.redis
def test_with_redis_the_limit_holds_across_processes(redis_url):
    """Two cache clients, as two server processes have, share one count in Redis."""
    from django_redis.cache import RedisCache

    def process_cache():
        return RedisCache(
            redis_url, {"KEY_PREFIX": "test-chat-limits", "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}}
        )

    process_a, process_b = process_cache(), process_cache()
    process_a.clear()
    clock = Clock()
    rate = Rate(4, 60)
    try:
        results = [hit("ip", "9.9.9.9", rate, cache=c, clock=clock).allowed for c in [process_a, process_b] * 3]
        assert results == [True, True, True, True, False, False]
    finally:
        process_a.clear()


def test_when_the_cache_is_down_turns_are_let_through():
    class BrokenCache:
        def add(self, *args, **kwargs):
            raise ConnectionError("redis is down")

    assert hit("ip", "1.2.3.4", Rate(1, 60), cache=BrokenCache()).allowed


# --- The websocket -------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_the_websocket_shares_the_conversation_limit_of_post_chat(settings, in_memory_layer):
    from channels.auth import AuthMiddlewareStack
    from channels.db import database_sync_to_async
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from assistant.realtime.routing import websocket_urlpatterns

    settings.CHAT_RATE_LIMIT_SESSION = "2/min"
    settings.CHAT_RATE_LIMIT_IP = "off"

    socket = WebsocketCommunicator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), "/ws/chat/ws-limited/")
    assert (await socket.connect(timeout=10))[0]
    assert (await socket.receive_json_from(timeout=10))["type"] == "history"

    async def send(message: str) -> dict:
        await socket.send_json_to({"type": "message", "message": message})
        while True:
            frame = await socket.receive_json_from(timeout=10)
            if frame["type"] in ("reply", "error"):
                return frame

    try:
        assert (await send("hello"))["type"] == "reply"
        rest_turn = await database_sync_to_async(_chat)(Client(), "ws-limited")  # turn 2, over REST
        assert rest_turn.status_code == 200
        frame = await send("hello again")
        assert frame["type"] == "error" and frame["code"] == "throttled"
        assert 1 <= frame["retry_after"] <= 60
    finally:
        await socket.disconnect()
