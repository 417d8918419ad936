"""A token bucket: the flood limit of one chat websocket.

Pure and clock-injected, so it is cheap (a few floats per connection, no cache round
trip per frame) and testable without sleeping. The limits come from settings
(``CHAT_WS_RATE_BURST``, ``CHAT_WS_RATE_PER_SECOND``); a shared, cache-backed limit
(per IP or per session, like the REST throttles) can sit beside it later with the same
``allow()`` interface.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """Allows ``burst`` frames at once, then ``rate`` frames per second on average."""

    burst: float
    rate: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        if self.burst < 1 or self.rate <= 0:
            raise ValueError("a token bucket needs burst >= 1 and rate > 0")
        self.tokens = float(self.burst)
        self.updated = self.clock()

    def allow(self) -> bool:
        """Take one token if there is one; False means the caller is over its limit."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
