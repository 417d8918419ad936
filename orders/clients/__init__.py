"""Pick the order client the settings ask for."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from orders.clients.base import OrderClient


def get_order_client() -> OrderClient:
    backend = settings.ORDER_CLIENT_BACKEND
    if backend == "database":
        from orders.clients.database import DatabaseOrderClient

        return DatabaseOrderClient()
    raise ImproperlyConfigured(f"ORDER_CLIENT_BACKEND must be 'database' or 'http', not {backend!r}")
