"""Routing quality: run labelled utterances through the orchestrator's routing decision.

Labels are the classifier's (``cancel``, ``track``, ``product``, ``shop_other``,
``out_of_scope``, ``smalltalk``). Files written before the last two were told apart use
``other`` for everything no order or product agent owns; a file whose labels are all among
``cancel``, ``track``, ``product`` and ``other`` is scored the old way (an order support
request counts as ``product``, small talk, out of scope, a request for a person and an
email alone as ``other``), so its figures stay comparable.

``out_of_scope`` and ``smalltalk`` are both the FallbackAgent's: routing one as the other
sends it to the right agent, so it counts as right (the strict figures are reported too).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.engine.classifier import CLINC_FILE, INTENT_LABELS, LABELS
from assistant.engine.nlu import Understanding, understand
from assistant.engine.orchestrator import decide_intent
from assistant.engine.state import ConversationState
from core.jsonl import JsonlError, jsonl_rows

LEGACY_LABELS = ("cancel", "track", "product", "other")
FALLBACK_LABELS = ("out_of_scope", "smalltalk")
# The five classes the routing goal is measured on (small talk is reported beside them).
GOAL_LABELS = ("cancel", "track", "product", "shop_other", "out_of_scope")
ORDER_FLOWS = ("cancel", "track")
# What the orchestrator's intents mean as labels.
INTENT_TO_LABEL = {
    "order_help": "shop_other",
    "handoff": "shop_other",  # a request for a person: a shop request that starts no order flow
    "verify": "shop_other",
    "other": "smalltalk",  # "don't cancel" with nothing pending, "ok": the FallbackAgent
}
LEGACY_PREDICTION = {"shop_other": "product", "out_of_scope": "other", "smalltalk": "other"}


class EvaluationFileError(ValueError):
    pass


@dataclass
class RoutingReport:
    labels: tuple[str, ...] = INTENT_LABELS
    total: int = 0
    correct: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (expected, predicted) -> count
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def support(self, label: str) -> int:
        return sum(n for (e, _), n in self.confusion.items() if e == label)

    def precision(self, label: str) -> float:
        predicted = sum(n for (_, p), n in self.confusion.items() if p == label)
        return self.confusion[(label, label)] / predicted if predicted else 0.0

    def recall(self, label: str) -> float:
        """Share of ``label``'s rows routed to its agent (either fallback label for the two)."""
        actual = self.support(label)
        right = sum(n for (e, p), n in self.confusion.items() if e == label and is_right(e, p))
        return right / actual if actual else 0.0

    def strict_recall(self, label: str) -> float:
        actual = self.support(label)
        return self.confusion[(label, label)] / actual if actual else 0.0

    def macro_recall(self, labels: Sequence[str] = GOAL_LABELS) -> float:
        present = [label for label in labels if self.support(label)]
        return sum(self.recall(label) for label in present) / len(present) if present else 0.0

    def order_flow_rate(self, label: str = "shop_other") -> float:
        """Share of ``label``'s rows that started a cancel or track flow."""
        actual = self.support(label)
        started = sum(n for (e, p), n in self.confusion.items() if e == label and p in ORDER_FLOWS)
        return started / actual if actual else 0.0


def is_right(expected: str, predicted: str) -> bool:
    return predicted == expected or (expected in FALLBACK_LABELS and predicted in FALLBACK_LABELS)


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
        try:
            raw = list(jsonl_rows(path))
        except JsonlError as exc:
            raise EvaluationFileError(str(exc)) from None
    for number, row in raw:
        if split and row.get("split", split) != split:
            continue
        text, label = (row.get("text") or "").strip(), (row.get("label") or "").strip().lower()
        if not text or label not in LABELS:
            raise EvaluationFileError(f"row {number}: needs a text and a label among {', '.join(LABELS)}")
        rows.append((text, label))
    return rows


def clinc_rows(split: str = "test") -> list[tuple[str, str]]:
    """CLINC150's lines never trained on: ``test`` (its in-scope intents' held-out part,
    relabelled) or ``oos_test`` (its out-of-scope validation queries)."""
    return read_labelled_file(CLINC_FILE, split=split)


def routed_intent(text: str) -> tuple[str, Understanding]:
    """The intent the orchestrator routes a first message of a new session to."""
    u = understand(text)
    return str(decide_intent(u, ConversationState(session_id="evaluation"))), u


def routing_label(text: str) -> str:
    """The label of the agent the orchestrator routes a first message of a new session to."""
    intent, _ = routed_intent(text)
    return INTENT_TO_LABEL.get(intent, intent)


# The old four labels named the role that answers: the OrderSupportAgent answers a delivery
# problem with the order's tracking data (the tracking role) and a complaint with an offer
# of a person (what ``other`` covered); its other answers come from the knowledge base.
LEGACY_ORDER_HELP = {"delivery": "track", "complaint": "other"}


def legacy_label(intent: str, u: Understanding) -> str:
    """The old four-way reading (cancel, track, product, other): a request for a person
    was ``other`` there, like everything no order or product agent owned."""
    if intent in ("handoff", "verify"):
        return "other"
    if intent == "order_help":
        return LEGACY_ORDER_HELP.get(u.order_topic, "product")
    label = INTENT_TO_LABEL.get(intent, intent)
    return LEGACY_PREDICTION.get(label, label)


def routing_predict(text: str) -> str:
    """The old four-way reading of the routing decision."""
    return legacy_label(*routed_intent(text))


def evaluate_routing(
    rows: list[tuple[str, str]],
    progress: Callable[[list[tuple[str, str]]], Iterable[tuple[str, str]]] | None = None,
) -> RoutingReport:
    legacy = all(label in LEGACY_LABELS for _, label in rows)
    report = RoutingReport(labels=LEGACY_LABELS if legacy else INTENT_LABELS)
    iterator = progress(rows) if progress else rows
    for text, expected in iterator:
        intent, u = routed_intent(text)
        predicted = legacy_label(intent, u) if legacy else INTENT_TO_LABEL.get(intent, intent)
        report.total += 1
        report.confusion[(expected, predicted)] += 1
        if is_right(expected, predicted):
            report.correct += 1
        else:
            report.mistakes.append((expected, predicted, text))
    return report
