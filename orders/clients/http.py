"""The HTTP order client: any order system that implements this project's order API.

Resilience, all of it bounded by one time budget per call (``ORDER_API_TIMEOUT_SECONDS``):

* **Time bound.** Each call has a deadline. Every attempt runs in a worker thread and is
  abandoned when the deadline passes, so a server that trickles bytes cannot stretch a
  call past the budget (httpx's timeouts are per socket operation, not per request).
  httpx's own connect/read timeouts (capped by what remains of the budget) then end the
  abandoned request.
* **Retries** (tenacity, exponential backoff with jitter) for reads only: timeouts,
  connection errors, 429 and 5xx. A cancel is retried only when the failure proves that
  nothing was done: the connection was never established, or a 5xx/429 carries
  ``X-Order-Request-Processed: false``.
* **Circuit breaker** (see ``circuit.py``): consecutive failed calls open it; during the
  cool-down calls fail at once with reason ``circuit_open``.
* **Typed errors.** Every failure becomes ``OrderSystemUnavailable`` with a ``reason``
  (timeout, connect_error, server_error, bad_response, bad_status, auth_failed,
  circuit_open), or ``OrderNotFound`` / ``InvalidOrderId`` / ``IdempotencyKeyReused``
  from the server's answer; each is counted in ``order_client_errors_total``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from tenacity.stop import stop_base

from core.session_hash import session_hash, without_session_id
from orders.clients.circuit import CircuitBreaker, CircuitOpen
from orders.domain import (
    CancelOutcome,
    IdempotencyKeyReused,
    InvalidOrderId,
    OrderClientError,
    OrderNotFound,
    OrderRecord,
    OrderSystemUnavailable,
    Requester,
    order_id_checked,
)
from orders.metrics import ORDER_CLIENT_CALL_SECONDS, ORDER_CLIENT_ERRORS
from orders.wire import (
    API_KEY_HEADER,
    CANCEL_PATH,
    IDEMPOTENCY_HEADER,
    ORDER_PATH,
    PROCESSED_HEADER,
    REPLAYED_HEADER,
    MalformedPayload,
    error_code,
    order_from_dict,
    outcome_from_dict,
)

logger = logging.getLogger(__name__)

# Below this much remaining budget an attempt cannot succeed; don't start one.
MIN_ATTEMPT_SECONDS = 0.05
MAX_BODY_BYTES = 1_000_000

_T = TypeVar("_T")


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


class _AttemptFailed(Exception):
    """One attempt failed; ``nothing_done`` is true when the server provably changed nothing."""

    def __init__(self, reason: str, *, transient: bool, nothing_done: bool = False, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.transient = transient
        self.nothing_done = nothing_done


class _StopAtDeadline(stop_base):
    """Stop retrying when the next attempt could not start before the deadline."""

    def __init__(self, deadline: float):
        self.deadline = deadline

    def __call__(self, retry_state: RetryCallState) -> bool:
        return time.monotonic() + retry_state.upcoming_sleep + MIN_ATTEMPT_SECONDS >= self.deadline


class HttpOrderClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout_seconds: float = 3.0,
        connect_timeout_seconds: float = 1.0,
        read_retries: int = 2,
        breaker: CircuitBreaker | None = None,
        max_workers: int = 16,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.connect_timeout_seconds = connect_timeout_seconds
        self.read_retries = max(0, read_retries)
        self.breaker = breaker or CircuitBreaker(self.base_url, failure_threshold=5, cooldown_seconds=30)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={API_KEY_HEADER: api_key, "Accept": "application/json", "User-Agent": "cs-assistant-orders/1"},
            follow_redirects=False,
        )
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="order-http")

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    # --- The interface ----------------------------------------------------------------

    def get_order(self, order_id: str) -> OrderRecord:
        order_id_checked(order_id)
        return self._call(
            "get",
            "GET",
            ORDER_PATH.format(order_id=order_id),
            decode=lambda data, headers: order_from_dict(data),
            retry=lambda e: e.transient,
        )

    def cancel_order(self, order_id: str, *, idempotency_key: str, requester: Requester) -> CancelOutcome:
        order_id_checked(order_id)
        return self._call(
            "cancel",
            "POST",
            CANCEL_PATH.format(order_id=order_id),
            headers={IDEMPOTENCY_HEADER: without_session_id(idempotency_key, requester.session_id)},
            json_body={"requested_by": _describe(requester)},
            decode=lambda data, headers: outcome_from_dict(data, replayed=headers.get(REPLAYED_HEADER, "").lower() == "true"),
            # Never repeat a cancel the server may have acted on.
            retry=lambda e: e.nothing_done,
        )

    # --- One call: breaker, deadline, retries, classification -------------------------

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        decode: Callable[[Any, httpx.Headers], _T],
        retry: Callable[[_AttemptFailed], bool],
        headers: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> _T:
        started = time.monotonic()
        deadline = started + self.timeout_seconds
        try:
            try:
                self.breaker.before_call(probe_seconds=self.timeout_seconds)
            except CircuitOpen:
                raise OrderSystemUnavailable("circuit open", reason="circuit_open") from None
            try:
                answer = self._with_retries(method, path, deadline, retry, headers, json_body)
                self._raise_for_error_answer(answer)
                result = self._decode(answer, decode)
            except _AttemptFailed as exc:
                self.breaker.record_failure()
                logger.warning("order system %s %s failed: %s", method, path, exc)
                raise OrderSystemUnavailable(str(exc), reason=exc.reason) from None
            except OrderSystemUnavailable as exc:
                if exc.reason in ("bad_status", "bad_response"):
                    self.breaker.record_failure()
                logger.warning("order system %s %s failed: %s", method, path, exc)
                raise
            except OrderClientError:
                self.breaker.record_success()  # a clear answer (404...) is a healthy system
                raise
            self.breaker.record_success()
            return result
        except OrderClientError as exc:
            ORDER_CLIENT_ERRORS.labels(reason=exc.reason).inc()
            raise
        finally:
            ORDER_CLIENT_CALL_SECONDS.labels(operation=operation).observe(time.monotonic() - started)

    def _with_retries(
        self,
        method: str,
        path: str,
        deadline: float,
        retry: Callable[[_AttemptFailed], bool],
        headers: dict[str, str] | None,
        json_body: dict[str, Any] | None,
    ) -> _Answer:
        retrying = Retrying(
            stop=stop_after_attempt(1 + self.read_retries) | _StopAtDeadline(deadline),
            wait=wait_exponential_jitter(multiplier=0.1, max=1.0, jitter=0.1),
            retry=retry_if_exception(lambda e: isinstance(e, _AttemptFailed) and retry(e)),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                answer = self._attempt(method, path, deadline, headers, json_body)
                _raise_if_failed_status(answer)
        return answer

    def _attempt(
        self, method: str, path: str, deadline: float, headers: dict[str, str] | None, json_body: dict[str, Any] | None
    ) -> _Answer:
        remaining = deadline - time.monotonic()
        if remaining < MIN_ATTEMPT_SECONDS:
            raise _AttemptFailed("timeout", transient=False, detail="time budget spent")
        timeout = httpx.Timeout(remaining, connect=min(self.connect_timeout_seconds, remaining))
        future = self._executor.submit(self._send, method, path, timeout, headers, json_body)
        try:
            return future.result(timeout=remaining)
        except FutureTimeout:
            future.cancel()
            raise _AttemptFailed("timeout", transient=True, detail=f"no answer within {remaining:.2f}s") from None
        except httpx.ConnectTimeout:
            raise _AttemptFailed("timeout", transient=True, nothing_done=True, detail="connect timeout") from None
        except httpx.ConnectError as exc:
            # The connection was never made, so the request was never sent.
            raise _AttemptFailed("connect_error", transient=True, nothing_done=True, detail=str(exc)) from None
        except httpx.TimeoutException as exc:
            raise _AttemptFailed("timeout", transient=True, detail=type(exc).__name__) from None
        except httpx.HTTPError as exc:
            # Dropped connection, protocol violation, oversized body: the server is unwell.
            raise _AttemptFailed("server_error", transient=True, detail=f"{type(exc).__name__}: {exc}") from None

    def _send(
        self,
        method: str,
        path: str,
        timeout: httpx.Timeout,
        headers: dict[str, str] | None,
        json_body: dict[str, Any] | None,
    ) -> _Answer:
        with self._http.stream(method, path, headers=headers, json=json_body, timeout=timeout) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_BODY_BYTES:
                    raise httpx.DecodingError("response body too large")
            return _Answer(response.status_code, response.headers, bytes(body))

    def _raise_for_error_answer(self, answer: _Answer) -> None:
        """Turn the API's documented error answers (4xx) into typed errors."""
        if answer.status < 400:
            return
        code = error_code(answer.body)
        if answer.status == 404:
            raise OrderNotFound(code or OrderNotFound.code)
        if answer.status == 400 and code == InvalidOrderId.code:
            raise InvalidOrderId(code)
        if answer.status == 400 and code == IdempotencyKeyReused.code:
            raise IdempotencyKeyReused(code)
        if answer.status in (401, 403):
            logger.error("order system refused ORDER_API_KEY (HTTP %s)", answer.status)
            raise OrderSystemUnavailable(f"HTTP {answer.status}", reason="auth_failed")
        raise OrderSystemUnavailable(f"HTTP {answer.status} {code}", reason="bad_status")

    @staticmethod
    def _decode(answer: _Answer, decode: Callable[[Any, httpx.Headers], _T]) -> _T:
        try:
            return decode(json.loads(answer.body), answer.headers)
        except (ValueError, MalformedPayload) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise OrderSystemUnavailable(f"malformed answer: {exc}", reason="bad_response") from None


def _raise_if_failed_status(answer: _Answer) -> None:
    """Raise ``_AttemptFailed`` for answers that say the server is unwell (5xx, 429) or
    that the API never gives (1xx, 3xx); 2xx and the documented 4xx pass through."""
    if answer.status == 429 or answer.status >= 500:
        nothing_done = answer.headers.get(PROCESSED_HEADER, "").strip().lower() == "false"
        raise _AttemptFailed("server_error", transient=True, nothing_done=nothing_done, detail=f"HTTP {answer.status}")
    if answer.status < 400 and answer.status != 200:
        raise _AttemptFailed("bad_status", transient=False, detail=f"HTTP {answer.status}")
    # 4xx answers pass through: _raise_for_error_answer types them.


def _describe(requester: Requester) -> str:
    """The ``requested_by`` text the remote system keeps in its audit."""
    parts = [requester.channel]
    if requester.session_id:
        parts.append(f"session={session_hash(requester.session_id)}")
    if requester.user_id is not None:
        parts.append(f"user={requester.user_id}")
    if requester.requested_by:
        parts.append(requester.requested_by)
    return " ".join(parts)[:200]
