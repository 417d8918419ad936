"""Which entry each imported FAQ row updates, and which original each translation belongs to.

A row is known by its language and question (case and surrounding space ignored). A row
with ``translation_of`` (the original's question) translates the original entry with that
question: a row of the same file or an entry already in the knowledge base, whatever its
language. With ``--update`` a translation row whose question is new replaces the
original's existing translation into its language (its question was reworded). A row
without ``translation_of`` leaves an existing entry's link as it is, so files written
before entries had languages keep importing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from knowledge.languages import language_name
from knowledge.models import FAQEntry


@dataclass(frozen=True)
class KnownEntry:
    """An entry already in the knowledge base, as far as the import needs it."""

    pk: int
    language: str
    question_key: str
    translation_of: int | None
    category: str
    product: str


class KnownEntries:
    """The knowledge base's entries, indexed the ways the import looks them up."""

    def __init__(self, entries: list[KnownEntry]):
        self.by_key: dict[tuple[str, str], KnownEntry] = {}
        self.originals_by_question: dict[str, list[KnownEntry]] = defaultdict(list)
        self.translation: dict[tuple[int, str], KnownEntry] = {}
        self.with_translations: set[int] = set()
        for entry in entries:
            self.by_key.setdefault((entry.language, entry.question_key), entry)
            if entry.translation_of is None:
                self.originals_by_question[entry.question_key].append(entry)
            else:
                self.translation[(entry.translation_of, entry.language)] = entry
                self.with_translations.add(entry.translation_of)

    @classmethod
    def from_db(cls) -> KnownEntries:
        rows = (
            FAQEntry.objects.order_by("id")
            .values_list("id", "language", "question", "translation_of_id", "category", "product")
            .iterator(chunk_size=5000)
        )
        return cls([KnownEntry(pk, lang, question_key(q), orig, cat, prod) for pk, lang, q, orig, cat, prod in rows])


def question_key(question: str) -> str:
    return question.strip().casefold()


@dataclass
class RowPlan:
    """What importing one valid row does."""

    row: dict
    match: KnownEntry | None = None  # the existing entry it updates; None: it creates one
    original_row: RowPlan | None = None  # the file row it translates...
    original: KnownEntry | None = None  # ...or the existing entry it translates

    @property
    def key(self) -> tuple[str, str]:
        return (self.row["language"], question_key(self.row["question"]))

    @property
    def is_translation(self) -> bool:
        return self.original_row is not None or self.original is not None

    @property
    def stays_original(self) -> bool:
        """No ``translation_of`` and not an existing translation: other rows may translate it."""
        return not self.row["translation_of"] and (self.match is None or self.match.translation_of is None)


def faq_import_plan(rows: list[dict], known: KnownEntries, *, update: bool) -> tuple[list[RowPlan], list[str]]:
    """A plan per row (validated rows with ``_row``, ``language`` and ``translation_of``) and the problems found."""
    plans = [RowPlan(row=row, match=known.by_key.get((row["language"], question_key(row["question"])))) for row in rows]
    in_file = {plan.key for plan in plans}
    file_originals: dict[str, list[RowPlan]] = defaultdict(list)
    for plan in plans:
        if plan.stays_original:
            file_originals[question_key(plan.row["question"])].append(plan)

    errors: list[str] = []
    taken: dict[tuple[object, str], int] = {}  # (original, language) -> row translating it
    for plan in plans:
        number = plan.row["_row"]
        if plan.match is not None and not update:
            errors.append(f"row {number}: an entry with this question already exists (use --update)")
            continue
        if not plan.row["translation_of"]:
            continue
        wanted = question_key(plan.row["translation_of"])
        from_file = file_originals.get(wanted, [])
        from_db = [e for e in known.originals_by_question.get(wanted, []) if (e.language, wanted) not in in_file]
        candidates = len(from_file) + len(from_db)
        if candidates == 0:
            errors.append(f"row {number}: translation_of names no original entry (one that is not itself a translation)")
            continue
        if candidates > 1:
            languages = sorted({p.row["language"] for p in from_file} | {e.language for e in from_db})
            errors.append(f"row {number}: translation_of matches originals in several languages ({', '.join(languages)})")
            continue
        plan.original_row, plan.original = (from_file[0], None) if from_file else (None, from_db[0])
        errors += _translation_problems(plan, known, taken, update=update)
    updated: dict[int, int] = {}
    for plan in plans if not errors else []:
        if plan.match is None:
            continue
        if plan.match.pk in updated:
            errors.append(f"row {plan.row['_row']}: updates the same entry as row {updated[plan.match.pk]}")
        updated.setdefault(plan.match.pk, plan.row["_row"])
    return plans, errors


def _translation_problems(plan: RowPlan, known: KnownEntries, taken: dict, *, update: bool) -> list[str]:
    number, language = plan.row["_row"], plan.row["language"]
    original_language = plan.original_row.row["language"] if plan.original_row else plan.original.language
    if original_language == language:
        return [f"row {number}: a translation must be in another language than its original ({language_name(language)})"]
    identity = ("row", plan.original_row.row["_row"]) if plan.original_row else ("entry", plan.original.pk)
    if (identity, language) in taken:
        return [
            f"row {number}: row {taken[identity, language]} already translates the same original into {language_name(language)}"
        ]
    taken[identity, language] = number
    if plan.match is not None and plan.match.pk in known.with_translations:
        return [f"row {number}: this entry has translations of its own, so it cannot become a translation"]
    original_match = plan.original_row.match if plan.original_row else plan.original
    current = known.translation.get((original_match.pk, language)) if original_match else None
    if current is None or (plan.match is not None and current.pk == plan.match.pk):
        return []
    if plan.match is None and update:
        plan.match = current  # the same translation, with its question reworded
        return []
    return [f"row {number}: the original already has a translation into {language_name(language)} (entry #{current.pk})"]


def inherited(plan: RowPlan, name: str) -> str:
    """The row's value for field ``name``; a translation left without a category or product takes its original's."""
    if name not in ("category", "product") or plan.row[name] or not plan.is_translation:
        return plan.row[name]
    return plan.original_row.row[name] if plan.original_row else getattr(plan.original, name)
