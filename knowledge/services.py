"""Writing the knowledge base: entry saves, publishing, import and export.

Each write marks the knowledge base as changed (the FAQ queryset and model signals do
it for every ORM path), so the next search in every process reflects it; with
embeddings on, the changed entries' vectors are computed here, never per query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet

from knowledge.faq_import_plan import KnownEntries, RowPlan, faq_import_plan, inherited
from knowledge.languages import DEFAULT_LANGUAGE, faq_language_codes
from knowledge.models import FAQEntry
from knowledge.search.embedding_store import embeddings_store_for
from knowledge.search.embeddings import embeddings_enabled
from knowledge.search.entries import EntryText
from knowledge.search.source import published_entries

logger = logging.getLogger(__name__)

_MAX = {"question": 500, "category": 100, "product": 200, "keywords": 500, "translation_of": 500}
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


class FAQImportError(ValueError):
    """Rows failed validation; nothing was imported. ``errors`` lists "row N: problem"."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} invalid row(s); nothing was imported")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    embedded: int = 0
    warnings: list[str] = field(default_factory=list)


def _entry_text(entry: FAQEntry) -> EntryText:
    return EntryText(
        entry.pk, entry.question, entry.answer, entry.category, entry.product, entry.keywords, language=entry.language
    )


def _embed(entries: list[FAQEntry], *, show_progress: bool = False) -> int:
    if not embeddings_enabled() or not entries:
        return 0
    return embeddings_store_for([_entry_text(e) for e in entries], show_progress=show_progress)


def faq_embeddings_backfill() -> int:
    """Embed the published entries that have no stored vector (rows written without the
    services, as ``loaddata`` does); returns how many. Nothing when embeddings are off."""
    if not embeddings_enabled():
        return 0
    return embeddings_store_for(published_entries())


def faq_entry_save(*, entry: FAQEntry) -> FAQEntry:
    """Validate and save one entry (an empty answer cannot be published); embed it when enabled.

    A translation left without a category or product takes its original's.
    """
    original = entry.translation_of
    if original is not None:
        entry.category = entry.category or original.category
        entry.product = entry.product or original.product
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        _embed([entry])
    return entry


def faq_entries_publish(*, entries: QuerySet) -> tuple[int, int]:
    """Publish the given entries; returns (published, skipped because their answer is empty)."""
    empty = Q(answer="") | Q(answer__regex=r"^\s*$")
    with transaction.atomic():
        skipped = entries.filter(empty).count()
        published = entries.exclude(empty).filter(is_published=False).update(is_published=True)
    return published, skipped


def faq_entries_unpublish(*, entries: QuerySet) -> int:
    with transaction.atomic():
        return entries.filter(is_published=True).update(is_published=False)


def _as_text(value, name: str, errors: list[str], row: int) -> str:
    if value is None:
        return ""
    if name == "keywords" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip())
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        errors.append(f"row {row}: {name} must be text")
        return ""
    return str(value).strip()


def _validated(raw: object, row: int, errors: list[str]) -> dict | None:
    if not isinstance(raw, dict):
        errors.append(f"row {row}: expected an object with question and answer")
        return None
    before = len(errors)
    clean = {
        name: _as_text(raw.get(name), name, errors, row)
        for name in ("question", "answer", "category", "product", "keywords", "language", "translation_of")
    }
    # No language: the file predates languages, when every entry was English.
    clean["language"] = clean["language"].lower() or DEFAULT_LANGUAGE
    if clean["language"] not in faq_language_codes():
        errors.append(f"row {row}: language must be one of {', '.join(faq_language_codes())}")
    published = raw.get("is_published", True)
    if isinstance(published, str):
        lowered = published.strip().lower()
        published = True if lowered == "" else (True if lowered in _TRUE else (False if lowered in _FALSE else None))
    if not isinstance(published, bool):
        errors.append(f"row {row}: is_published must be true or false")
        published = False
    clean["is_published"] = published
    if not clean["question"]:
        errors.append(f"row {row}: question is required")
    if published and not clean["answer"]:
        errors.append(f"row {row}: answer is required for a published entry")
    for name, limit in _MAX.items():
        if len(clean[name]) > limit:
            errors.append(f"row {row}: {name} is longer than {limit} characters")
    return clean if len(errors) == before else None


def faq_import(*, rows: list, update: bool = False, show_progress: bool = False, batch_size: int = 2000) -> ImportResult:
    """Import FAQ rows all-or-nothing.

    Every row is validated first; any invalid row raises :class:`FAQImportError` listing
    each problem with its row number (1 = first row) and nothing is written. With
    ``update`` an entry whose language and question match (ignoring case and surrounding
    space) is updated; without it such a row is an error. A row without a language is
    English. ``translation_of`` links a row to the original it translates, by the
    original's question (see :mod:`knowledge.faq_import_plan`).
    """
    from tqdm import tqdm

    errors: list[str] = []
    cleaned: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(tqdm(rows, desc="validating", unit="row", disable=not show_progress), start=1):
        clean = _validated(raw, number, errors)
        if clean is None:
            continue
        key = (clean["language"], clean["question"].casefold())
        if key in seen:
            errors.append(f"row {number}: same question as row {seen[key]}")
            continue
        seen[key] = number
        clean["_row"] = number
        cleaned.append(clean)
    plans, plan_errors = faq_import_plan(cleaned, KnownEntries.from_db(), update=update)
    errors += plan_errors
    if errors:
        raise FAQImportError(errors)

    result = ImportResult()
    to_create: list[FAQEntry] = []
    to_update: list[FAQEntry] = []
    progress = tqdm(total=len(cleaned), desc="importing", unit="row", disable=not show_progress)
    with transaction.atomic():
        # Originals first: their translations need their primary keys.
        for translations in (False, True):
            batch = [plan for plan in plans if plan.is_translation == translations]
            created, updated = _import_write(batch, batch_size=batch_size, progress=progress)
            to_create += created
            to_update += updated
    progress.close()
    result.created, result.updated = len(to_create), len(to_update)
    if embeddings_enabled():
        # Outside the import's transaction: embedding is slow CPU work; an entry left
        # without a vector (say, the command was interrupted) is embedded at index build.
        # bulk_create sets primary keys on PostgreSQL and SQLite (RETURNING).
        result.embedded = _embed([e for e in to_create + to_update if e.pk], show_progress=show_progress)
    return result


_IMPORTED = ["question", "answer", "category", "product", "keywords", "is_published", "language"]


def _import_write(plans: list[RowPlan], *, batch_size: int, progress) -> tuple[list[FAQEntry], list[FAQEntry]]:
    """Create and update the entries of ``plans``; each plan's row keeps its entry under ``_entry``."""
    fields = _IMPORTED + (["translation_of"] if plans and plans[0].is_translation else [])
    to_create: list[FAQEntry] = []
    to_update: list[FAQEntry] = []
    for plan in plans:
        values = {name: inherited(plan, name) for name in _IMPORTED}
        if plan.is_translation:
            values["translation_of_id"] = plan.original_row.row["_entry"].pk if plan.original_row else plan.original.pk
        entry = FAQEntry(pk=plan.match.pk, **values) if plan.match is not None else FAQEntry(**values)
        (to_update if plan.match is not None else to_create).append(entry)
        plan.row["_entry"] = entry
    for start in range(0, len(to_create), batch_size):
        # bulk_create sets primary keys on PostgreSQL and SQLite (RETURNING).
        chunk = FAQEntry.objects.bulk_create(to_create[start : start + batch_size])
        progress.update(len(chunk))
    for start in range(0, len(to_update), batch_size):
        chunk = to_update[start : start + batch_size]
        FAQEntry.objects.bulk_update(chunk, fields)
        progress.update(len(chunk))
    return to_create, to_update


def faq_export_rows(*, published_only: bool = False) -> list[dict]:
    """All entries as rows in the import format (re-importable with ``import_faq --update``)."""
    entries = FAQEntry.objects.order_by("id").select_related("translation_of")
    if published_only:
        entries = entries.filter(is_published=True)
    return [
        {
            "question": e.question,
            "answer": e.answer,
            "category": e.category,
            "product": e.product,
            "keywords": e.keywords,
            "is_published": e.is_published,
            "language": e.language,
            "translation_of": e.translation_of.question if e.translation_of else None,
        }
        for e in entries.iterator(chunk_size=5000)
    ]
