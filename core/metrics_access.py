"""Who may read ``/metrics``: an address in ``METRICS_ALLOWED_IPS``, or a caller with
``Authorization: Bearer <METRICS_TOKEN>``.

The metrics name no customer, but they describe the service (traffic, errors, the
order system's health) and are not for the public. nginx already refuses ``/metrics``
from outside; this holds when a process is reached some other way. Production allows
only loopback by default; development allows everyone, so ``curl`` and the tests work.
The client address follows the ``TRUSTED_PROXIES`` rule (``core.client_ip``).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from core.client_ip import request_client_ip

logger = logging.getLogger(__name__)

ANYONE = "*"


@lru_cache(maxsize=8)
def parse_allowed(entries: tuple[str, ...]) -> tuple | None:
    """The networks of ``METRICS_ALLOWED_IPS``; ``None`` when ``*`` lets everyone in."""
    if ANYONE in entries:
        return None
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {entry!r} is not an IP address, a CIDR or *") from exc
    return tuple(networks)


def _bearer_ok(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _address_ok(request: HttpRequest) -> bool:
    networks = parse_allowed(tuple(settings.METRICS_ALLOWED_IPS))
    if networks is None:
        return True
    try:
        address = ipaddress.ip_address(request_client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in networks)


def metrics_allowed(request: HttpRequest) -> bool:
    """Whether ``request`` may read the metrics."""
    return _bearer_ok(request) or _address_ok(request)


def metrics(request: HttpRequest) -> HttpResponse:
    """django-prometheus's ``/metrics``, behind ``metrics_allowed``."""
    if not metrics_allowed(request):
        logger.warning("metrics refused", extra={"remote_addr": request.META.get("REMOTE_ADDR", "")})
        response = HttpResponse("Forbidden: /metrics is for the monitoring system.\n", status=403, content_type="text/plain")
        if settings.METRICS_TOKEN:
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
