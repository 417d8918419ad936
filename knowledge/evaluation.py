"""Measuring search quality on a labelled set of customer questions.

The set is JSON: ``answerable`` (each ``question`` with the ``expected_question`` text of
the entry that answers it, and optionally ``expected_pk``) and ``unanswerable`` (plain
questions the FAQ does not answer). Labels are resolved by question text first, so the
set survives a re-import that renumbers entries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.models import FAQEntry
from knowledge.selectors import faq_confidence_threshold, faq_search

DEFAULT_EVAL_SET = Path(__file__).resolve().parent / "eval" / "faq_eval.json"


class EvaluationSetError(ValueError):
    pass


@dataclass
class EvaluationReport:
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    answered_confidently: int = 0
    unanswerable: int = 0
    correct_idk: int = 0
    misses: list[dict] = field(default_factory=list)
    false_answers: list[dict] = field(default_factory=list)

    @property
    def top1_accuracy(self) -> float:
        return self.top1 / self.answerable if self.answerable else 0.0

    @property
    def top3_accuracy(self) -> float:
        return self.top3 / self.answerable if self.answerable else 0.0

    @property
    def idk_rate(self) -> float:
        return self.correct_idk / self.unanswerable if self.unanswerable else 0.0

    @property
    def confident_correct_rate(self) -> float:
        return self.answered_confidently / self.answerable if self.answerable else 0.0


def load_evaluation_set(path: Path) -> tuple[list[tuple[str, int]], list[str]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationSetError(f"cannot read evaluation set {path}: {exc}") from exc
    by_question = {q.strip().casefold(): pk for pk, q in FAQEntry.objects.values_list("pk", "question")}
    known_pks = set(by_question.values())
    labelled: list[tuple[str, int]] = []
    for number, item in enumerate(data.get("answerable", []), start=1):
        pk = by_question.get(str(item.get("expected_question", "")).strip().casefold())
        if pk is None and item.get("expected_pk") in known_pks:
            pk = item["expected_pk"]
        if pk is None:
            raise EvaluationSetError(f"answerable item {number}: no FAQ entry with question {item.get('expected_question')!r}")
        labelled.append((str(item["question"]), pk))
    unanswerable = [str(q) for q in data.get("unanswerable", [])]
    return labelled, unanswerable


def evaluate_kb(path: Path = DEFAULT_EVAL_SET, *, show_progress: bool = False) -> EvaluationReport:
    from tqdm import tqdm

    labelled, unanswerable = load_evaluation_set(path)
    threshold = faq_confidence_threshold()
    report = EvaluationReport(answerable=len(labelled), unanswerable=len(unanswerable))
    progress = tqdm(total=len(labelled) + len(unanswerable), desc="evaluating", unit="q", disable=not show_progress)
    for question, expected in labelled:
        hits = faq_search(query=question, limit=3)
        ids = [h.entry_id for h in hits]
        if ids[:1] == [expected]:
            report.top1 += 1
            if hits[0].score >= threshold:
                report.answered_confidently += 1
        else:
            report.misses.append(
                {"question": question, "expected": expected, "got": ids[:1], "score": hits[0].score if hits else 0}
            )
        if expected in ids[:3]:
            report.top3 += 1
        progress.update()
    for question in unanswerable:
        hits = faq_search(query=question, limit=1)
        if not hits or hits[0].score < threshold:
            report.correct_idk += 1
        else:
            report.false_answers.append({"question": question, "got": hits[0].entry_id, "score": hits[0].score})
        progress.update()
    progress.close()
    return report
