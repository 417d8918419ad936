"""Labelled knowledge bases read from files: entries plus the questions customers asked.

A :class:`LabelledKB` is a whole knowledge base (its entries) with paraphrased questions,
each labelled with the entry that answers it, and optionally questions it does not
answer. It needs no database: :mod:`knowledge.kb_evaluation` builds the search index
from it in memory, the way the service builds it from the published entries.

Formats read by :func:`load_labelled_kb` (detected from the file's shape):

- this project's own: ``{"entries": [{"id", "question", "answer", "category"?, "product"?,
  "keywords"?}], "answerable": [{"question", "entry"}], "unanswerable": [...]}``; ``entry``
  is an entry's ``id`` or its question text;
- StackFAQ (Karan and Šnajder 2018, ``root.qapair[]`` with ``question``, ``answer[]`` and
  ``rephr[]``): the thread titles are the entries, the first answer their answer, and
  the user paraphrases the questions;
- CovidFAQ (a list whose ``query_type`` is ``"faq"`` or ``"user_query"``; a query's
  ``answer`` is the text of the FAQ entry that answers it);
- a Django fixture of FAQ entries (``fixtures/demo_faq.json``) with an evaluation set in
  the format of :mod:`knowledge.evaluation` beside it (``questions=PATH``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.search.entries import EntryText

ROOT = Path(__file__).resolve().parents[1]
DEMO_FAQ = ROOT / "fixtures" / "demo_faq.json"
DEV_SET = ROOT / "knowledge" / "eval" / "faq_eval.json"
FRESH_SET = ROOT / "knowledge" / "eval" / "faq_eval_fresh.json"
# Another shop's FAQ and its customers' questions, written by a colleague who had not seen the
# search's tuning data: a stand-in for a shop that installs the product with its own FAQ.
FOREIGN_SHOP = ROOT / "knowledge" / "eval" / "shop_faq_foreign.json"
# The public sets (see shared/data/README.md); looked up beside the repository.
PUBLIC_DIR_CANDIDATES = (ROOT.parent / "shared" / "data" / "faq_sets", ROOT / "data" / "faq_sets")


class KBFileError(ValueError):
    pass


@dataclass
class LabelledKB:
    name: str
    entries: list[EntryText]
    answerable: list[tuple[str, int]]  # (question, id of the entry that answers it)
    unanswerable: list[str] = field(default_factory=list)

    def questions_for(self, entry_id: int) -> list[str]:
        return [q for q, e in self.answerable if e == entry_id]


def _entry(i: int, row: dict) -> EntryText:
    keywords = row.get("keywords", "")
    if isinstance(keywords, list):
        keywords = ", ".join(keywords)
    return EntryText(
        int(row.get("id", i)),
        str(row["question"]).strip(),
        str(row.get("answer", "")).strip(),
        str(row.get("category", "") or ""),
        str(row.get("product", "") or ""),
        str(keywords or ""),
    )


def _own_format(name: str, data: dict) -> LabelledKB:
    entries = [_entry(i, row) for i, row in enumerate(data["entries"], start=1)]
    by_question = {e.question.casefold(): e.id for e in entries}
    ids = {e.id for e in entries}
    answerable = []
    for number, item in enumerate(data.get("answerable", []), start=1):
        target = item.get("entry", item.get("expected_question"))
        entry_id = target if isinstance(target, int) and target in ids else by_question.get(str(target).strip().casefold())
        if entry_id is None:
            raise KBFileError(f"{name}: answerable item {number}: no entry {target!r}")
        answerable.append((str(item["question"]), entry_id))
    return LabelledKB(name, entries, answerable, [str(q) for q in data.get("unanswerable", [])])


def _stackfaq(name: str, data: dict) -> LabelledKB:
    entries, answerable = [], []
    for i, pair in enumerate(data["root"]["qapair"], start=1):
        answers = pair.get("answer") or [""]
        entries.append(EntryText(i, pair["question"].strip(), str(answers[0]).strip(), "", "", ""))
        answerable.extend((q.strip(), i) for q in pair.get("rephr") or [] if q and q.strip())
    return LabelledKB(name, entries, answerable)


def _covidfaq(name: str, data: list) -> LabelledKB:
    entries, by_answer = [], {}
    for row in data:
        if row.get("query_type") == "faq":
            entry = EntryText(len(entries) + 1, row["question"].strip(), row["answer"].strip(), "", "", "")
            entries.append(entry)
            by_answer.setdefault(" ".join(row["answer"].split()), entry.id)
    answerable = []
    for row in data:
        if row.get("query_type") == "user_query" and row["question"].strip():
            entry_id = by_answer.get(" ".join(row["answer"].split()))
            if entry_id is not None:
                answerable.append((row["question"].strip(), entry_id))
    return LabelledKB(name, entries, answerable)


def _fixture(name: str, rows: list, questions: Path | None) -> LabelledKB:
    entries = []
    for row in rows:
        f = row["fields"]
        if row.get("model") != "knowledge.faqentry" or not f.get("is_published", True):
            continue
        entries.append(_entry(row["pk"], {**f, "id": row["pk"]}))
    entries.sort(key=lambda e: e.id)
    if questions is None:
        return LabelledKB(name, entries, [])
    data = _read(questions)
    by_question = {e.question.casefold(): e.id for e in entries}
    answerable = []
    for number, item in enumerate(data.get("answerable", []), start=1):
        entry_id = by_question.get(item["expected_question"].strip().casefold(), item.get("expected_pk"))
        if entry_id is None:
            raise KBFileError(f"{questions}: answerable item {number}: no entry {item['expected_question']!r}")
        answerable.append((item["question"], entry_id))
    return LabelledKB(name, entries, answerable, list(data.get("unanswerable", [])))


def _read(path: Path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KBFileError(f"cannot read {path}: {exc}") from exc


def load_labelled_kb(path: str | Path, *, questions: str | Path | None = None, name: str | None = None) -> LabelledKB:
    """The knowledge base and labelled questions in ``path`` (format detected, see the module)."""
    path = Path(path)
    name = name or path.stem
    data = _read(path)
    if isinstance(data, dict) and "root" in data and "qapair" in data["root"]:
        return _stackfaq(name, data)
    if isinstance(data, dict) and "entries" in data:
        return _own_format(name, data)
    if isinstance(data, list) and data and "query_type" in data[0]:
        return _covidfaq(name, data)
    if isinstance(data, list) and data and "fields" in data[0]:
        return _fixture(name, data, Path(questions) if questions else None)
    raise KBFileError(f"{path}: not a knowledge-base file this command reads (see knowledge/kb_sets.py)")


def public_set(filename: str) -> Path:
    for directory in PUBLIC_DIR_CANDIDATES:
        if (directory / filename).exists():
            return directory / filename
    raise KBFileError(f"{filename} not found in " + ", ".join(map(str, PUBLIC_DIR_CANDIDATES)))


def named_kb(name: str) -> LabelledKB:
    """The knowledge bases the project measures itself on, by name."""
    if name == "demo-dev":
        return load_labelled_kb(DEMO_FAQ, questions=DEV_SET, name=name)
    if name == "demo-fresh":
        return load_labelled_kb(DEMO_FAQ, questions=FRESH_SET, name=name)
    if name == "shop-foreign":
        return load_labelled_kb(FOREIGN_SHOP, name=name)
    if name == "stackfaq":
        return load_labelled_kb(public_set("stackfaq.json"), name=name)
    if name == "covidfaq":
        return load_labelled_kb(public_set("covidfaq.json"), name=name)
    raise KBFileError(f"unknown knowledge base {name!r}")


NAMED_KBS = ("demo-dev", "demo-fresh", "shop-foreign", "stackfaq", "covidfaq")
