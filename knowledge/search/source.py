"""The knowledge search's one door to the database.

Everything the search reads from the database, or stores in it, goes through here: the
knowledge-base fingerprint, the published entries' text, the entries changed since an
index was built, and the stored entry embeddings. This is the only search module that
imports the models; the rest of :mod:`knowledge.search` works on
:class:`~knowledge.search.entries.EntryText` rows and plain values (an import contract in
``pyproject.toml`` keeps it so).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db import connection
from django.db.models import Count, Max, Q

from knowledge.models import FAQEmbedding, FAQEntry
from knowledge.search.entries import EntryText, stamp_of
from knowledge.versioning import kb_fingerprint

_TEXT_FIELDS = ("id", "question", "answer", "category", "product", "keywords", "updated_at", "language")
_EMBEDDING_CHUNK = 5000


def kb_fingerprint_from_db() -> str:
    """The knowledge base's current version, read from the FAQ table (see :mod:`knowledge.versioning`)."""
    agg = FAQEntry.objects.aggregate(
        n=Count("id"), published=Count("id", filter=Q(is_published=True)), top=Max("id"), last=Max("updated_at")
    )
    return kb_fingerprint(entries=agg["n"], published=agg["published"], top_id=agg["top"], last_updated=agg["last"])


def _entries_text(queryset) -> list[EntryText]:
    rows = queryset.order_by("id").values_list(*_TEXT_FIELDS)
    return [EntryText(*row[:-2], stamp=stamp_of(row[-2]), language=row[-1]) for row in rows.iterator(chunk_size=5000)]


def published_entries() -> list[EntryText]:
    """The searchable text of every published entry, by id."""
    return _entries_text(FAQEntry.objects.filter(is_published=True))


def published_entries_by_id(entry_ids) -> list[EntryText]:
    """The searchable text of the published entries among ``entry_ids``, by id."""
    wanted = sorted(entry_ids)
    chunk = connection.features.max_query_params or 5000
    entries: list[EntryText] = []
    for start in range(0, len(wanted), chunk):
        entries += _entries_text(FAQEntry.objects.filter(pk__in=wanted[start : start + chunk], is_published=True))
    return entries


def entries_updated_since(moment: datetime) -> list[tuple[int, datetime, bool]]:
    """``(id, updated_at, is_published)`` of every entry, published or not, updated at or after ``moment``."""
    return list(FAQEntry.objects.filter(updated_at__gte=moment).order_by().values_list("id", "updated_at", "is_published"))


def published_entry_ids() -> list[int]:
    """The ids of every published entry, in no particular order."""
    return list(FAQEntry.objects.filter(is_published=True).order_by().values_list("id", flat=True))


def embedding_hashes(entry_ids: list[int]) -> dict[int, str]:
    """The text hash of each stored embedding among ``entry_ids``, by entry id."""
    return dict(FAQEmbedding.objects.filter(entry_id__in=entry_ids).values_list("entry_id", "text_hash"))


def embeddings_save(rows: list[tuple[int, str, bytes]], *, model_name: str) -> None:
    """Store ``(entry id, text hash, vector bytes)`` rows, replacing those entries' stored embeddings."""
    FAQEmbedding.objects.bulk_create(
        [
            FAQEmbedding(entry_id=entry_id, model_name=model_name, text_hash=text_hash, vector=vector)
            for entry_id, text_hash, vector in rows
        ],
        update_conflicts=True,
        unique_fields=["entry"],
        update_fields=["model_name", "text_hash", "vector", "updated_at"],
    )


def embedding_vectors(entry_ids: list[int]) -> Iterator[tuple[int, bytes]]:
    """``(entry id, vector bytes)`` of the stored embeddings among ``entry_ids``."""
    for start in range(0, len(entry_ids), _EMBEDDING_CHUNK):
        chunk = entry_ids[start : start + _EMBEDDING_CHUNK]
        for entry_id, raw in FAQEmbedding.objects.filter(entry_id__in=chunk).values_list("entry_id", "vector"):
            yield entry_id, bytes(raw)
