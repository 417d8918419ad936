"""The client's address, by one rule for every caller: the rate limits, the websocket
connection cap, ``/metrics`` access and the admin login throttling.

The client IP is the direct peer, unless that peer is one of ``TRUSTED_PROXIES``: then
``X-Forwarded-For`` is read from the right, skipping trusted proxies, and the first
address that is not one is the client (anything left of it could be forged).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_trusted_proxies(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR") from exc
    return tuple(networks)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:8080"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "1.2.3.4:5678"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is still that IPv4 client.
    return getattr(address, "ipv4_mapped", None) or address


def client_ip(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
    """The client's address: see the module docstring for when X-Forwarded-For counts."""
    networks = parse_trusted_proxies(tuple(trusted_proxies))
    peer = _ip(remote_addr or "")
    if peer is None:
        return remote_addr or "unknown"
    if not forwarded_for or not any(peer in net for net in networks):
        return str(peer)
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = _ip(hop)
        if address is None:
            break  # garbage: the last proxy we trust is as far as we can see
        client = address
        if not any(address in net for net in networks):
            break
    return str(client)


def request_client_ip(request) -> str:
    """The client IP of an HTTP request."""
    meta = request.META
    return client_ip(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), settings.TRUSTED_PROXIES)


def scope_client_ip(scope: dict) -> str:
    """The client IP of an ASGI connection, by the same TRUSTED_PROXIES rule as HTTP."""
    client = scope.get("client") or (None, None)
    forwarded = [value for name, value in scope.get("headers") or () if name.lower() == b"x-forwarded-for"]
    return client_ip(client[0], b",".join(forwarded).decode("latin-1") if forwarded else None, settings.TRUSTED_PROXIES)


def login_client_ip(request) -> str | None:
    """The client address for django-axes, or None when the request has none (a login made
    in code, such as the test client's force_login): its columns take only real addresses,
    and PostgreSQL refuses a placeholder such as "unknown"."""
    address = request_client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address
