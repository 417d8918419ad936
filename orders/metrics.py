"""Prometheus metrics of the order clients (served at /metrics by django-prometheus).

Labels are bounded: ``reason`` is one of ``UNAVAILABLE_REASONS`` or another error's
code, ``operation`` is get or cancel.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ORDER_CLIENT_ERRORS = Counter(
    "order_client_errors_total",
    "Order-client calls that ended in a typed error, by reason (timeout, circuit_open, not_found...).",
    ["reason"],
)
ORDER_CLIENT_CALL_SECONDS = Histogram(
    "order_client_call_seconds",
    "Wall time of a whole order-client call, retries included.",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0),
)
ORDER_CIRCUIT_STATE = Gauge(
    "order_client_circuit_state",
    "The HTTP order client's circuit as this process last saw it: 0 closed, 1 open, 2 half-open.",
)
