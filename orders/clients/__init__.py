"""Pick the order client the settings ask for."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from orders.clients.base import OrderClient

# An HTTP client's settings: base URL, API key, timeout, connect timeout, read retries,
# circuit failure threshold and cool-down.
_HttpConfig = tuple[str, str, float, float, int, int, float]
_http_clients: dict[_HttpConfig, OrderClient] = {}
_http_clients_lock = threading.Lock()


def get_order_client() -> OrderClient:
    """The configured order client: ``database`` (default) or ``http``.

    HTTP clients are kept per configuration, so their connection pool and worker threads
    are reused across calls instead of being rebuilt for every tool call.
    """
    backend = settings.ORDER_CLIENT_BACKEND
    if backend == "database":
        from orders.clients.database import DatabaseOrderClient

        return DatabaseOrderClient()
    if backend == "http":
        return _http_client()
    raise ImproperlyConfigured(f"ORDER_CLIENT_BACKEND must be 'database' or 'http', not {backend!r}")


def _http_client() -> OrderClient:
    from orders.clients.circuit import CircuitBreaker
    from orders.clients.http import HttpOrderClient

    if not settings.ORDER_API_BASE_URL.startswith(("http://", "https://")):
        raise ImproperlyConfigured("ORDER_CLIENT_BACKEND=http needs ORDER_API_BASE_URL (http:// or https://)")
    if not settings.ORDER_API_KEY:
        raise ImproperlyConfigured("ORDER_CLIENT_BACKEND=http needs ORDER_API_KEY")
    config: _HttpConfig = (
        settings.ORDER_API_BASE_URL,
        settings.ORDER_API_KEY,
        settings.ORDER_API_TIMEOUT_SECONDS,
        settings.ORDER_API_CONNECT_TIMEOUT_SECONDS,
        settings.ORDER_API_READ_RETRIES,
        settings.ORDER_CIRCUIT_FAILURE_THRESHOLD,
        settings.ORDER_CIRCUIT_COOLDOWN_SECONDS,
    )
    with _http_clients_lock:
        client = _http_clients.get(config)
        if client is None:
            base_url, api_key, timeout, connect_timeout, retries, threshold, cooldown = config
            client = HttpOrderClient(
                base_url=base_url,
                api_key=api_key,
                timeout_seconds=timeout,
                connect_timeout_seconds=connect_timeout,
                read_retries=retries,
                breaker=CircuitBreaker(base_url, failure_threshold=threshold, cooldown_seconds=cooldown),
            )
            _http_clients[config] = client
        return client
