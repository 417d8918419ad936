"""A small circuit breaker whose state lives in Django's cache.

With ``REDIS_URL`` set the cache is Redis, so every web and worker process shares one
breaker: once the order system has failed enough, none of them calls it during the
cool-down. Without Redis the local-memory cache makes it per process, which is still
correct, only each process learns of the outage by itself. (pybreaker keeps its state in
process memory or needs its own Redis wiring; the cache already is the shared store here.)

States: *closed* (calls go through, consecutive failures are counted), *open* (calls are
refused until the cool-down ends), *half-open* (after the cool-down one probe call goes
through; success closes the circuit, failure opens it for another cool-down).
If the cache itself fails, the breaker lets calls through: it must never be the outage.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from django.core.cache import cache as default_cache
from django.core.cache.backends.base import BaseCache

from orders.metrics import ORDER_CIRCUIT_STATE

logger = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = 0, 1, 2


class CircuitOpen(Exception):
    """The circuit is open: the call was not made."""


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int,
        cooldown_seconds: float,
        cache: BaseCache | None = None,
        clock: Callable[[], float] = time.time,
    ):
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        self._failures_key = f"order-circuit:{digest}:failures"
        self._open_until_key = f"order-circuit:{digest}:open-until"
        self._probe_key = f"order-circuit:{digest}:probe"
        self.failure_threshold = max(1, failure_threshold)
        self.cooldown_seconds = cooldown_seconds
        self._cache = cache or default_cache
        self._clock = clock
        # Forget an open state long after its cool-down, so stale keys never linger.
        self._state_ttl = int(cooldown_seconds * 10 + 60)

    def state(self) -> int:
        try:
            open_until = self._cache.get(self._open_until_key)
        except Exception:
            return CLOSED
        if open_until is None:
            return CLOSED
        return OPEN if self._clock() < open_until else HALF_OPEN

    def before_call(self, *, probe_seconds: float) -> None:
        """Raise ``CircuitOpen`` unless a call may go through now.

        In half-open state only one caller (across processes, when the cache is shared)
        gets the probe; the slot expires after ``probe_seconds`` in case it never reports.
        """
        try:
            open_until = self._cache.get(self._open_until_key)
            if open_until is None:
                return
            if self._clock() < open_until:
                ORDER_CIRCUIT_STATE.set(OPEN)
                raise CircuitOpen
            ORDER_CIRCUIT_STATE.set(HALF_OPEN)
            if not self._cache.add(self._probe_key, 1, timeout=max(1, int(probe_seconds + 1))):
                raise CircuitOpen
        except CircuitOpen:
            raise
        except Exception:
            logger.warning("circuit breaker cache unavailable; letting the call through", exc_info=True)

    def record_success(self) -> None:
        try:
            self._cache.delete_many([self._failures_key, self._open_until_key, self._probe_key])
        except Exception:
            logger.warning("circuit breaker cache unavailable", exc_info=True)
        ORDER_CIRCUIT_STATE.set(CLOSED)

    def record_failure(self) -> None:
        try:
            if self._cache.get(self._open_until_key) is not None:
                # The half-open probe failed (or a call that started before the circuit
                # opened): another full cool-down.
                self._open()
                return
            self._cache.add(self._failures_key, 0, timeout=self._state_ttl)
            failures = self._cache.incr(self._failures_key)
            if failures >= self.failure_threshold:
                self._open()
        except Exception:
            logger.warning("circuit breaker cache unavailable", exc_info=True)

    def _open(self) -> None:
        self._cache.set(self._open_until_key, self._clock() + self.cooldown_seconds, timeout=self._state_ttl)
        self._cache.delete_many([self._failures_key, self._probe_key])
        ORDER_CIRCUIT_STATE.set(OPEN)
        logger.warning("order system circuit opened for %.0f s", self.cooldown_seconds)

    def reset(self) -> None:
        self.record_success()
