"""API keys for the order API: creation and verification (services and a selector)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from orders.models import ApiKey

KEY_PREFIX_LENGTH = 12  # characters of the public prefix (after "ok_")


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_fill_new_secret(api_key: ApiKey) -> str:
    """Give an unsaved key its prefix and digest; returns the raw key (shown once, never stored).

    The raw key is ``ok_<prefix>.<secret>`` with 32 random bytes of secret.
    """
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    raw_key = f"ok_{prefix}.{secrets.token_urlsafe(32)}"
    api_key.prefix, api_key.key_hash = prefix, _digest(raw_key)
    return raw_key


def api_key_create(*, name: str) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the raw key, which is never stored or shown again."""
    api_key = ApiKey(name=name)
    raw_key = api_key_fill_new_secret(api_key)
    api_key.save()
    return api_key, raw_key


def api_key_verify(*, raw_key: str) -> ApiKey | None:
    """The active key matching ``raw_key``, or None. Compares digests in constant time."""
    if not raw_key.startswith("ok_") or "." not in raw_key or len(raw_key) > 200:
        return None
    prefix = raw_key[3:].split(".", 1)[0]
    api_key = ApiKey.objects.filter(prefix=prefix, is_active=True).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _digest(raw_key)):
        return None
    # At most one write a minute per key: the admin shows roughly when a key was last used.
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
