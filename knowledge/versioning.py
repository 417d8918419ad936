"""Which version of the knowledge base an index was built from.

The version is a fingerprint of the FAQ table (row count, published count, highest id,
latest ``updated_at``; read by :func:`knowledge.search.source.kb_fingerprint_from_db`).
Every ORM write path clears the cached fingerprint (model signals for
``save``/``delete``/``loaddata``, the FAQ queryset for ``update``, ``bulk_create``,
``bulk_update`` and ``delete``), so the next search in *this* process recomputes it; the
cache is Redis when ``REDIS_URL`` is set, so every process sees the clear at once. A
process also recomputes the fingerprint from the database at least every
``KB_INDEX_RECHECK_SECONDS``, which catches writers whose cache it does not share (a
``manage.py import_faq`` beside a server on the embedded local-memory cache).

No model and no search code is imported here: the models mark writes through this
module, and the search reads the version through it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

FINGERPRINT_CACHE_KEY = "knowledge:faq:fingerprint"


def kb_fingerprint(*, entries: int, published: int, top_id: int | None, last_updated: datetime | None) -> str:
    """The fingerprint of a FAQ table with these figures."""
    last = last_updated.isoformat() if last_updated else "-"
    return f"{entries}:{published}:{top_id or 0}:{last}"


def kb_fingerprint_published(fingerprint: str) -> int | None:
    """How many entries were published at ``fingerprint`` (None if it is not one)."""
    parts = fingerprint.split(":", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def kb_fingerprint_cached() -> str | None:
    try:
        return cache.get(FINGERPRINT_CACHE_KEY)
    except Exception:  # a cache outage must not take search down: fall back to the DB
        logger.warning("knowledge base fingerprint: cache unavailable", exc_info=True)
        return None


def kb_fingerprint_store(fingerprint: str) -> None:
    try:
        cache.set(FINGERPRINT_CACHE_KEY, fingerprint, timeout=None)
    except Exception:
        logger.warning("knowledge base fingerprint: cache unavailable", exc_info=True)


def _clear() -> None:
    try:
        cache.delete(FINGERPRINT_CACHE_KEY)
    except Exception:
        logger.warning("knowledge base fingerprint: cache unavailable", exc_info=True)


def kb_version_bump() -> None:
    """Mark the knowledge base as changed: the next search everywhere re-checks it.

    Cleared now (this transaction sees its own writes) and again after commit (so a
    process that re-read the old fingerprint meanwhile picks up the committed one).
    """
    _clear()
    transaction.on_commit(_clear)
