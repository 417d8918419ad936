"""The websocket's flood limit: a token bucket on an injected clock."""

import pytest

from assistant.ratelimit.buckets import TokenBucket


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_is_allowed_then_frames_are_refused_until_tokens_refill():
    clock = FakeClock()
    bucket = TokenBucket(burst=3, rate=2.0, clock=clock)
    assert [bucket.allow() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back at 2 per second
    assert bucket.allow() is True
    assert bucket.allow() is False


def test_an_idle_client_gets_back_no_more_than_its_burst():
    clock = FakeClock()
    bucket = TokenBucket(burst=2, rate=1.0, clock=clock)
    clock.now += 3600
    assert [bucket.allow() for _ in range(3)] == [True, True, False]


@pytest.mark.parametrize("burst, rate", [(0, 1.0), (5, 0), (5, -1)])
def test_a_bucket_that_could_never_allow_anything_is_refused(burst, rate):
    with pytest.raises(ValueError):
        TokenBucket(burst=burst, rate=rate)
