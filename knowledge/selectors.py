"""Reading the knowledge base: what the assistant's ``KnowledgeBaseSearch`` tool calls.

Every function reflects the latest committed edit: the index is re-checked against the
knowledge-base version on each call (see :mod:`knowledge.search.holder`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from knowledge.languages import DEFAULT_LANGUAGE
from knowledge.models import FAQEntry
from knowledge.search.holder import holder
from knowledge.search.index import RankedEntry

MAX_LIMIT = 50


@dataclass(frozen=True)
class FAQHit:
    entry_id: int
    question: str
    answer: str
    category: str
    product: str
    score: float  # confidence in 0..1; comparable across knowledge-base sizes
    confident: bool
    language: str = "en"  # the entry's; another than the one asked in when the search fell back


def default_language() -> str:
    """The shop's main language: every entry is written in it first."""
    return DEFAULT_LANGUAGE


def _base(code: str | None) -> str:
    return (code or "en").split("-")[0].lower()


def search_language(language: str | None = None) -> str:
    """``language``, or the language of the turn (the customer's, see assistant.services)."""
    return _base(language or translation.get_language() or settings.LANGUAGE_CODE)


def faq_confidence_threshold() -> float:
    return float(getattr(settings, "KB_CONFIDENCE_THRESHOLD", 0.5))


def faq_ranked(*, query: str, limit: int = 5, product: str | None = None, language: str | None = None) -> list[RankedEntry]:
    """The ranking behind :func:`faq_search`, with its lexical/semantic parts (for staff tools).

    ``language``: only entries in that language (None: every entry)."""
    if not isinstance(query, str) or not query.strip():
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    return holder.get().search(query, limit=limit, product=product or None, language=language)


def faq_search(*, query: str, limit: int = 5, product: str | None = None, language: str | None = None) -> list[FAQHit]:
    """Published entries that answer ``query``, best first (at most ``limit``).

    ``product`` (a product name, exact or as a customer would say it) ranks entries about
    that product first and lowers the confidence of entries about other products.
    Entries in ``language`` (default: the turn's, see :func:`search_language`) answer; when
    none answers confidently, the shop's main language's entries are searched instead and
    the hits say which language they are in.
    Never raises on odd input: empty, very long, any script or emoji.
    """
    language = search_language(language)
    hits = _hits(faq_ranked(query=query, limit=limit, product=product, language=language))
    main = default_language()
    if language != main and not (hits and hits[0].confident):
        fallback = _hits(faq_ranked(query=query, limit=limit, product=product, language=main))
        if fallback and fallback[0].confident:
            return fallback
    return hits


def _hits(ranked: list[RankedEntry]) -> list[FAQHit]:
    if not ranked:
        return []
    entries = FAQEntry.objects.filter(pk__in=[r.entry_id for r in ranked], is_published=True).only(
        "id", "question", "answer", "category", "product", "language"
    )
    by_id = {entry.pk: entry for entry in entries}
    threshold = faq_confidence_threshold()
    hits = []
    for r in ranked:
        entry = by_id.get(r.entry_id)
        if entry is None:  # unpublished or deleted since the index was read
            continue
        score = round(float(r.score), 4)
        hits.append(
            FAQHit(
                entry_id=entry.pk,
                question=entry.question,
                answer=entry.answer,
                category=entry.category,
                product=entry.product,
                score=score,
                confident=score >= threshold,
                language=entry.language,
            )
        )
    return hits


def faq_best_answer(*, query: str, product: str | None = None, language: str | None = None) -> FAQHit | None:
    """The best entry if it clears ``KB_CONFIDENCE_THRESHOLD``; None means "I don't know"."""
    hits = faq_search(query=query, limit=1, product=product, language=language)
    if hits and hits[0].confident:
        return hits[0]
    return None


def faq_suggested_questions(*, language: str, limit: int = 2) -> list[str]:
    """Questions to offer a customer before they ask: the first published, answered,
    shop-wide entries in ``language``, oldest first."""
    entries = (
        FAQEntry.objects.filter(is_published=True, language=language, product="")
        .exclude(answer="")
        .order_by("id")
        .values_list("question", flat=True)
    )
    return list(entries[: max(0, int(limit))])


def faq_known_products() -> list[str]:
    """Distinct product names of published entries (cached with the index)."""
    return list(holder.get().product_names)


def faq_query_explained(*, query: str) -> dict:
    """How the search reads ``query``: its terms with their alternatives, and any typo corrections (for staff tools)."""
    return holder.get().explain(query)


def product_match(*, text: str) -> str | None:
    """The canonical name of the product ``text`` refers to ("the smart watch" -> "Pulse Smartwatch"), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    return holder.get().products.match(text)
