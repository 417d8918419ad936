"""What observability and rate limiting cost per request, each beside a baseline measured
in the same run:

- a request through the whole middleware stack, with and without
  core.middleware.RequestContextMiddleware (request ID, span, request log line), on
  GET /healthz (a view that does nothing, so the middleware's share is as large as it
  can be);
- one structured JSON log line (redaction included) beside the standard library's plain
  formatter, for a "chat turn" line with the engine's fields;
- one rate-limit check (two counters) beside a single cache.get, on the local-memory
  cache and on Redis (REDIS_URL, or redis://127.0.0.1:6379/15).

    .venv/bin/python benchmarks/ops_overhead.py [--n 5000]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from assistant.ratelimit import chat as chat_limits  # noqa: E402
from core.logs import formatter  # noqa: E402


def per_call_us(fn, n: int, repeats: int = 5) -> float:
    """Median over ``repeats`` runs of the mean time of one call, in microseconds."""
    fn()  # warm up
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - started) / n * 1e6)
    return statistics.median(runs)


def middleware(n: int) -> tuple[float, float]:
    logging.disable(logging.CRITICAL)  # measure the work, not the terminal
    try:
        client = Client()
        with_ctx = per_call_us(lambda: client.get("/healthz"), n)
        stack = [m for m in settings.MIDDLEWARE if m != "core.middleware.RequestContextMiddleware"]
        with override_settings(MIDDLEWARE=stack):
            bare = Client()
            without = per_call_us(lambda: bare.get("/healthz"), n)
    finally:
        logging.disable(logging.NOTSET)
    return with_ctx, without


def log_line(n: int) -> tuple[float, float]:
    record = logging.LogRecord("assistant.services", logging.INFO, __file__, 1, "chat turn", None, None)
    for key, value in {
        "session_id": "abc123", "agent": "OrderTrackingAgent", "intent": "track",
        "handover": "OrchestratorAgent → OrderTrackingAgent", "tools": ["IdentityVerification:ok", "OrderTrackingAPI:ok"],
        "duration_ms": 12.4,
    }.items():  # fmt: skip
        setattr(record, key, value)
    structured = formatter(json=True)
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    stream = io.StringIO()

    def emit(fmt):
        stream.write(fmt.format(record))
        stream.seek(0)
        stream.truncate()

    return per_call_us(lambda: emit(structured), n), per_call_us(lambda: emit(plain), n)


def limits(cache, n: int) -> tuple[float, float]:
    rate = chat_limits.Rate(10**9, 60)
    counter = iter(range(10**9))
    check = per_call_us(lambda: chat_limits.hit("ip", f"10.0.{next(counter) % 250}.1", rate, cache=cache), n)
    cache.set("bench-key", 1)
    get = per_call_us(lambda: cache.get("bench-key"), n)
    return check, get


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, n={args.n} per run, median of 5 runs, microseconds per call\n")

    with_ctx, without = middleware(max(500, args.n // 5))
    print(f"GET /healthz, full stack           {with_ctx:8.1f} us")
    print(f"GET /healthz, no request context   {without:8.1f} us   ratio {with_ctx / without:.2f}x")

    structured, plain = log_line(args.n)
    print(f"JSON log line (redacted)           {structured:8.1f} us")
    print(f"plain stdlib log line              {plain:8.1f} us   ratio {structured / plain:.2f}x")

    from django.core.cache.backends.locmem import LocMemCache

    check, get = limits(LocMemCache("bench", {}), args.n)
    print(f"rate-limit check, local memory     {check:8.1f} us   vs cache.get {get:6.1f} us   ratio {check / get:.2f}x")
    try:
        from django_redis.cache import RedisCache

        url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
        redis = RedisCache(url, {"KEY_PREFIX": "bench-ops", "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"}})
        redis.get("ping")
        check, get = limits(redis, max(500, args.n // 5))
        print(f"rate-limit check, Redis            {check:8.1f} us   vs cache.get {get:6.1f} us   ratio {check / get:.2f}x")
        redis.delete_pattern("*")
    except Exception as exc:  # no Redis here: say so, the other figures still stand
        print(f"rate-limit check, Redis            skipped ({exc.__class__.__name__})")


if __name__ == "__main__":
    main()
