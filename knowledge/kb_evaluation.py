"""Search quality on any labelled knowledge base, the demo's or a shop's nobody tuned on.

For a :class:`~knowledge.kb_sets.LabelledKB` the index is built in memory from its entries
(the same analyser, ranking and confidence as the service), every labelled question is
asked, and every entry is then left out in turn and its own questions asked again: those
are questions the knowledge base cannot answer, and the right reply is "I don't know"
(leave-one-out gives unanswerable questions for free, in the knowledge base's own words).

Figures (:class:`KBFigures`):

- ``top1``: the labelled entry ranked first;
- ``confident_correct``: ranked first and confident (what the customer gets as an answer);
- ``confident_wrong``: another entry ranked first and confident (a wrong answer);
- ``idk``: the questions asked with their entry left out that got "I don't know";
- ``idk_own``: the same for the set's own unanswerable questions, when it has some.

:func:`collect` keeps the confidence model's features of each top hit, so the same rows
serve :mod:`knowledge.calibrate`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from knowledge.kb_sets import LabelledKB
from knowledge.search import confidence
from knowledge.search import embeddings as emb
from knowledge.search.index import build_index_from_entries

ANSWERABLE, LEFT_OUT, UNANSWERABLE = "answerable", "left-out", "unanswerable"


@dataclass
class Asked:
    kb: str
    kind: str  # ANSWERABLE, LEFT_OUT or UNANSWERABLE
    question: str
    expected: int | None  # the entry that answers it (None: nothing in the index does)
    ranked: list[int]  # entry ids, best first
    features: dict[str, float]  # of the top hit (empty when nothing matched)

    @property
    def label(self) -> int:
        """1 when the top hit is the right answer."""
        return int(self.expected is not None and self.ranked[:1] == [self.expected])


@dataclass
class KBFigures:
    kb: str
    answerable: int
    top1: float
    top3: float
    confident_correct: float
    confident_wrong: float
    left_out: int  # questions asked with their entry left out
    idk: float  # of those, the share that got "I don't know"
    unanswerable: int = 0  # the set's own unanswerable questions (if it has any)
    idk_own: float | None = None

    def row(self) -> str:
        own = "-" if self.idk_own is None else f"{self.idk_own:.1%} of {self.unanswerable}"
        return (
            f"| {self.kb} | {self.answerable} | {self.top1:.1%} | {self.top3:.1%} | {self.confident_correct:.1%} | "
            f"{self.confident_wrong:.1%} | {self.idk:.1%} of {self.left_out} | {own} |"
        )


TABLE_HEADER = (
    "| knowledge base | questions | top-1 | top-3 | correct and confident | confidently wrong | "
    '"I don\'t know", entry left out | "I don\'t know", set\'s unanswerable |\n|---|---|---|---|---|---|---|---|'
)


def _vectors(kb: LabelledKB) -> np.ndarray:
    return emb.embed_entries(kb.entries)


def _ask(index, kb_name: str, kind: str, question: str, expected: int | None) -> Asked:
    # As the product agent asks: with the product the question names, if it names one.
    hits = index.candidates(question, limit=3, product=index.products.match(question))
    if hits is None:
        return Asked(kb_name, kind, question, expected, [], {})
    rows, features, *_ = hits
    return Asked(
        kb_name,
        kind,
        question,
        expected,
        [int(index.entry_ids[r]) for r in rows],
        {name: float(values[0]) for name, values in features.items()},
    )


def collect(
    kb: LabelledKB,
    *,
    semantic: bool = False,
    leave_one_out: bool = True,
    left_out_per_entry: int | None = None,
    show_progress: bool = False,
) -> list[Asked]:
    """Ask every question of ``kb`` (and, leaving each entry out in turn, its questions again)."""
    from tqdm import tqdm

    vectors = _vectors(kb) if semantic else None
    index = build_index_from_entries(kb.entries, fingerprint=f"eval:{kb.name}", vectors=vectors)
    asked: list[Asked] = []
    total = len(kb.answerable) + len(kb.unanswerable) + (len(kb.answerable) if leave_one_out else 0)
    progress = tqdm(total=total, desc=kb.name, unit="q", disable=not show_progress)
    for question, expected in kb.answerable:
        asked.append(_ask(index, kb.name, ANSWERABLE, question, expected))
        progress.update()
    for question in kb.unanswerable:
        asked.append(_ask(index, kb.name, UNANSWERABLE, question, None))
        progress.update()
    if leave_one_out:
        rng = random.Random(0)
        for position, entry in enumerate(kb.entries):
            questions = kb.questions_for(entry.id)
            if not questions:
                continue
            if left_out_per_entry is not None and len(questions) > left_out_per_entry:
                questions = rng.sample(questions, left_out_per_entry)
            keep = [i for i in range(len(kb.entries)) if i != position]
            smaller = build_index_from_entries(
                [kb.entries[i] for i in keep],
                fingerprint=f"eval:{kb.name}:-{entry.id}",
                vectors=None if vectors is None else vectors[keep],
            )
            for question in questions:
                asked.append(_ask(smaller, kb.name, LEFT_OUT, question, None))
            progress.update(len(kb.questions_for(entry.id)))
    progress.close()
    return asked


def scores(asked: list[Asked], *, semantic: bool, model: dict | None = None) -> np.ndarray:
    """The confidence of each question's top hit under ``model`` (default: the shipped one)."""
    out = np.zeros(len(asked))
    for i, a in enumerate(asked):
        if not a.features:
            continue
        feats = {k: np.asarray([v]) for k, v in a.features.items()}
        out[i] = float(confidence.hit_scores(feats, semantic=semantic, model=model)[0])
    # As faq_search reports it (rounded to 4 places), so the threshold cuts exactly where the service's does.
    return np.round(out, 4)


def figures(asked: list[Asked], score: np.ndarray, threshold: float, kb: str | None = None) -> KBFigures:
    kind = np.array([a.kind for a in asked])
    label = np.array([a.label for a in asked], dtype=bool)
    top3 = np.array([a.expected is not None and a.expected in a.ranked[:3] for a in asked], dtype=bool)
    confident = np.asarray(score) >= threshold
    ans, out, own = kind == ANSWERABLE, kind == LEFT_OUT, kind == UNANSWERABLE
    n_ans, n_out, n_own = int(ans.sum()), int(out.sum()), int(own.sum())

    def share(mask, of):
        return float(mask[of].mean()) if of.any() else 0.0

    return KBFigures(
        kb=kb or (asked[0].kb if asked else ""),
        answerable=n_ans,
        top1=share(label, ans),
        top3=share(top3, ans),
        confident_correct=share(label & confident, ans),
        confident_wrong=share(~label & confident, ans),
        left_out=n_out,
        idk=share(~confident, out),
        unanswerable=n_own,
        idk_own=share(~confident, own) if n_own else None,
    )


def evaluate_labelled_kb(
    kb: LabelledKB,
    *,
    semantic: bool = False,
    threshold: float = 0.5,
    leave_one_out: bool = True,
    left_out_per_entry: int | None = None,
    show_progress: bool = False,
) -> tuple[KBFigures, list[Asked]]:
    asked = collect(
        kb,
        semantic=semantic,
        leave_one_out=leave_one_out,
        left_out_per_entry=left_out_per_entry,
        show_progress=show_progress,
    )
    return figures(asked, scores(asked, semantic=semantic), threshold, kb.name), asked
