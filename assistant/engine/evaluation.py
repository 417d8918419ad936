"""Routing quality: run labelled utterances through the orchestrator's routing decision."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.engine.classifier import LABELS
from assistant.engine.nlu import understand
from assistant.engine.orchestrator import decide_intent
from assistant.engine.state import ConversationState


class EvaluationFileError(ValueError):
    pass


@dataclass
class RoutingReport:
    total: int = 0
    correct: int = 0
    confusion: Counter = field(default_factory=Counter)  # (expected, predicted) -> count
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def precision(self, label: str) -> float:
        predicted = sum(n for (_, p), n in self.confusion.items() if p == label)
        return self.confusion[(label, label)] / predicted if predicted else 0.0

    def recall(self, label: str) -> float:
        actual = sum(n for (e, _), n in self.confusion.items() if e == label)
        return self.confusion[(label, label)] / actual if actual else 0.0


def read_labelled_file(path: Path, *, split: str | None = None) -> list[tuple[str, str]]:
    """``(text, label)`` rows of a CSV (``text,label`` header) or JSONL file."""
    if not path.exists():
        raise EvaluationFileError(f"{path} does not exist")
    rows: list[tuple[str, str]] = []
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
                raise EvaluationFileError("the CSV needs a header with the columns text,label")
            raw = [(i + 2, row) for i, row in enumerate(reader)]
    else:
        raw = []
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        raw.append((number, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        raise EvaluationFileError(f"line {number}: not JSON ({exc.msg})") from None
    for number, row in raw:
        if split and row.get("split", split) != split:
            continue
        text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip().lower()
        if not text or label not in LABELS:
            raise EvaluationFileError(f"row {number}: needs a text and a label among {', '.join(LABELS)}")
        rows.append((text, label))
    return rows


def routing_predict(text: str) -> str:
    """The intent the orchestrator routes a first message of a new session to (a request
    for a person is labelled ``other``, the label of everything no order or product agent owns)."""
    intent = decide_intent(understand(text), ConversationState(session_id="evaluation"))
    return "other" if intent == "handoff" else intent


def evaluate_routing(rows: list[tuple[str, str]], progress=None) -> RoutingReport:
    report = RoutingReport()
    iterator = progress(rows) if progress else rows
    for text, expected in iterator:
        predicted = routing_predict(text)
        report.total += 1
        report.confusion[(expected, predicted)] += 1
        if predicted == expected:
            report.correct += 1
        else:
            report.mistakes.append((expected, predicted, text))
    return report
