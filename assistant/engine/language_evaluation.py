"""How well the assistant serves each language: routing, consent and the knowledge base.

Three held-out sets written by a colleague who never saw a training line, one figure set
per language (``python manage.py evaluate_languages``; docs/languages.md has the figures):

- routing (``routing_multilingual_eval.jsonl``): each line as a new conversation's first
  message, scored by the orchestrator's decision exactly as :mod:`assistant.engine.evaluation`
  scores the English sets (``out_of_scope`` and ``smalltalk`` both count as the FallbackAgent's);
  English is the stress set (``routing_stress_fresh.jsonl``), for comparison;
- consent (``replies_multilingual_eval.jsonl``): whole turns on the real engine, in the
  language, against an in-memory order system: the customer tracks ORD-1234 (with their
  email), says "cancel it", gets our confirmation question, and sends the reply. What counts
  is whether the order was cancelled: an ``affirm`` should cancel, a ``deny`` or ``other``
  never (the unwanted-action rate);
- knowledge base (``faq_eval_multilingual.json``): each question asked as the ProductQAAgent
  asks it (its query, the product it names) with ``faq_search`` in the question's language,
  which falls back to the English entries when nothing in that language is confident. A hit
  is right when it is the labelled English entry or one of its translations.

The knowledge-base part reads the database: the command runs it on a scratch database with
the four demo FAQ fixtures loaded (:data:`DEMO_FAQ_FIXTURES`). Nothing here trains or tunes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.utils import timezone, translation

from assistant.engine.dialogue import Intent, Slot
from assistant.engine.evaluation import GOAL_LABELS, RoutingReport, evaluate_routing, read_labelled_file
from assistant.engine.orchestrator import run_turn
from assistant.engine.state import ConversationState
from orders.clients.memory import InMemoryOrderClient
from orders.domain import OrderItemRecord, OrderRecord, OrderStatus

BASE = Path(settings.BASE_DIR)
ROUTING_FILE = BASE / "assistant" / "data" / "eval" / "routing_multilingual_eval.jsonl"
ENGLISH_ROUTING_FILE = BASE / "assistant" / "data" / "eval" / "routing_stress_fresh.jsonl"
REPLIES_FILE = BASE / "assistant" / "data" / "eval" / "replies_multilingual_eval.jsonl"
FAQ_FILE = BASE / "knowledge" / "eval" / "faq_eval_multilingual.json"
DEMO_FAQ_FIXTURES = tuple(
    BASE / "fixtures" / name for name in ("demo_faq.json", "demo_faq_es.json", "demo_faq_de.json", "demo_faq_fr.json")
)

REPLY_LABELS = ("affirm", "deny", "other")
ORDER_ID = "ORD-1234"
EMAIL = "sam@example.com"


_Line = TypeVar("_Line", bound=Any)


class LanguageEvaluationError(ValueError):
    pass


# --- the sets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    label: str
    lang: str


def read_lines(path: Path, *, labels: Sequence[str] | None = None) -> list[Line]:
    """The ``{"text", "label", "lang"}`` rows of a JSONL file (``labels``: the allowed ones)."""
    if not path.exists():
        raise LanguageEvaluationError(f"{path} does not exist")
    lines = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            row = json.loads(raw)
            text, label, lang = (str(row.get(key) or "").strip() for key in ("text", "label", "lang"))
            if not text or not lang or (labels is not None and label not in labels):
                raise LanguageEvaluationError(f"{path.name} line {number}: needs a text, a lang and a known label")
            lines.append(Line(text, label, lang.lower()))
    return lines


@dataclass(frozen=True)
class FAQQuestion:
    question: str
    lang: str
    entry: str  # the English question of the entry that answers it


def read_faq_questions(path: Path = FAQ_FILE) -> list[FAQQuestion]:
    if not path.exists():
        raise LanguageEvaluationError(f"{path} does not exist")
    rows = json.loads(path.read_text(encoding="utf-8"))["questions"]
    return [FAQQuestion(row["question"], row["lang"].lower(), row["entry"]) for row in rows]


def languages_of(items: Iterable[Line | FAQQuestion]) -> list[str]:
    return sorted({item.lang for item in items})


# --- routing -----------------------------------------------------------------------------------


def routing_by_language(lines: Sequence[Line]) -> dict[str, RoutingReport]:
    """Per language, the orchestrator's routing of each line (as a first message, in that language)."""
    reports = {}
    for lang in languages_of(lines):
        with translation.override(lang):
            reports[lang] = evaluate_routing([(line.text, line.label) for line in lines if line.lang == lang])
    return reports


def english_routing(path: Path = ENGLISH_ROUTING_FILE) -> RoutingReport:
    """The English held-out stress set, scored the same way."""
    with translation.override("en"):
        return evaluate_routing(read_labelled_file(path))


def macro_recall(report: RoutingReport) -> float:
    """Macro recall over the six labels (each fallback label right when routed to either)."""
    return report.macro_recall((*GOAL_LABELS, "smalltalk"))


# --- consent -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentSetup:
    """What a customer writes before our confirmation question, in one language."""

    track: str  # asks where ORD-1234 is, with the email (identity checked)
    cancel_it: str  # asks to cancel it without naming it: we ask to confirm


SETUPS = {
    "en": ConsentSetup(f"Where is my order {ORDER_ID}? My email is {EMAIL}", "please cancel it"),
    "es": ConsentSetup(f"¿Dónde está mi pedido {ORDER_ID}? Mi correo es {EMAIL}", "cancélalo por favor"),
    "de": ConsentSetup(f"Wo ist meine Bestellung {ORDER_ID}? Meine E-Mail ist {EMAIL}", "bitte stornieren"),
    "fr": ConsentSetup(f"Où est ma commande {ORDER_ID} ? Mon email est {EMAIL}", "annulez-la svp"),
}


def _orders() -> InMemoryOrderClient:
    """An order system holding one cancellable order, ORD-1234 (it records every cancel call)."""
    total = Decimal("129.00")
    return InMemoryOrderClient(
        OrderRecord(
            order_id=ORDER_ID,
            status=OrderStatus.PLACED.value,
            placed_at=timezone.now() - timedelta(hours=1),
            customer_name="Sam",
            customer_email=EMAIL,
            total=total,
            items=(OrderItemRecord(product_name="Aura Bluetooth Headphones", sku="SKU-1", quantity=1, unit_price=total),),
        )
    )


@dataclass(frozen=True)
class ReplyResult:
    line: Line
    asked: bool  # the confirmation question for ORD-1234 was asked (else the reply was not sent)
    cancelled: bool
    agent: str = ""
    outcome: str = ""


def reply_to_confirmation(line: Line) -> ReplyResult:
    """One conversation in ``line.lang``: track, "cancel it", our question, then ``line.text``."""
    setup = SETUPS.get(line.lang)
    if setup is None:
        raise LanguageEvaluationError(f"no consent set-up phrases for {line.lang!r}")
    orders = _orders()
    # No stored conversation: a reply read as upset makes the engine offer a person, whose
    # ticket tool then logs "no conversation to hand over" (the turn still ends; no order
    # is touched by it).
    state = ConversationState(session_id=f"language-evaluation-{line.lang}")
    with translation.override(line.lang):
        for message in (setup.track, setup.cancel_it):
            run_turn(message=message, state=state, channel="test", order_client=orders)
        pending = state.pending
        asked = (
            pending is not None
            and pending.intent == Intent.CANCEL
            and pending.slot == Slot.CONFIRMATION
            and pending.order_ids == (ORDER_ID,)
            and not orders.cancel_calls
        )
        if not asked:
            return ReplyResult(line, asked=False, cancelled=False)
        reply = run_turn(message=line.text, state=state, channel="test", order_client=orders)
    cancelled = orders.orders[ORDER_ID].status == OrderStatus.CANCELLED.value
    return ReplyResult(line, asked=True, cancelled=cancelled, agent=reply.agent, outcome=reply.outcome)


@dataclass
class ConsentFigures:
    lang: str
    replies: Counter[str] = field(default_factory=Counter)  # label -> replies sent
    cancelled: Counter[str] = field(default_factory=Counter)  # label -> of those, cancelled
    not_asked: int = 0  # set-ups that did not reach the confirmation question
    mistakes: list[ReplyResult] = field(default_factory=list)

    def rate(self, label: str) -> float:
        return self.cancelled[label] / self.replies[label] if self.replies[label] else 0.0

    @property
    def unwanted(self) -> int:
        return self.cancelled["deny"] + self.cancelled["other"]

    @property
    def unwanted_rate(self) -> float:
        """Share of the replies that were not a yes which cancelled the order (goal: 0)."""
        sent = self.replies["deny"] + self.replies["other"]
        return self.unwanted / sent if sent else 0.0


def consent_by_language(lines: Sequence[Line]) -> dict[str, ConsentFigures]:
    figures: dict[str, ConsentFigures] = {}
    for line in lines:
        result = reply_to_confirmation(line)
        fig = figures.setdefault(line.lang, ConsentFigures(line.lang))
        if not result.asked:
            fig.not_asked += 1
            continue
        fig.replies[line.label] += 1
        fig.cancelled[line.label] += int(result.cancelled)
        if result.cancelled != (line.label == "affirm"):
            fig.mistakes.append(result)
    return dict(sorted(figures.items()))


# --- the knowledge base ------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    question: FAQQuestion
    entry_id: int | None  # the top hit (None: nothing matched)
    language: str  # the top hit's language
    confident: bool
    right: bool


@dataclass
class KnowledgeFigures:
    lang: str
    asked: list[Answered] = field(default_factory=list)

    @property
    def questions(self) -> int:
        return len(self.asked)

    def _share(self, predicate: Callable[[Any], bool]) -> float:
        return sum(1 for a in self.asked if predicate(a)) / len(self.asked) if self.asked else 0.0

    @property
    def top1(self) -> float:
        return self._share(lambda a: a.right)

    @property
    def confident_correct(self) -> float:
        return self._share(lambda a: a.right and a.confident)

    @property
    def confident_wrong(self) -> float:
        return self._share(lambda a: a.confident and not a.right)

    @property
    def own_language(self) -> float:
        """Share of the questions answered (confidently) from an entry in the customer's language."""
        return self._share(lambda a: a.confident and a.language == self.lang)

    @property
    def fallback(self) -> float:
        """Share answered (confidently) from an entry in another language (the English fallback)."""
        return self._share(lambda a: a.confident and a.language != self.lang)


def load_demo_faq() -> None:
    """Load the demo FAQ and its translations (into the current database: a scratch one)."""
    from django.core.management import call_command

    for fixture in DEMO_FAQ_FIXTURES:
        call_command("loaddata", str(fixture), verbosity=0)
    # The fixtures carry no embeddings, so building the index embeds every entry (minutes on
    # a busy CPU): save it, keyed by this version, so the next run loads it from disk.
    from knowledge.search.index import load_or_build
    from knowledge.search.source import kb_fingerprint_from_db

    load_or_build(kb_fingerprint_from_db(), persist=True)


def _entry_families() -> tuple[dict[str, int], dict[int, int]]:
    """English question -> its entry id, and every entry id -> its English entry's id."""
    from knowledge.models import FAQEntry

    english, family = {}, {}
    for pk, question, language, original in FAQEntry.objects.values_list("pk", "question", "language", "translation_of"):
        family[pk] = original or pk
        if language == "en":
            english[question.strip()] = pk
    return english, family


def ask_knowledge_base(question: FAQQuestion, *, english: dict[str, int], family: dict[int, int]) -> Answered:
    """``question`` asked as the ProductQAAgent asks it, in its language (with the English fallback)."""
    from assistant.engine.agents.product_qa import knowledge_query
    from assistant.engine.nlu import understand
    from knowledge.selectors import faq_search, product_match

    expected = english.get(question.entry.strip())
    if expected is None:
        raise LanguageEvaluationError(f"no English entry asks {question.entry!r}: are the demo fixtures loaded?")
    u = understand(question.question)
    with translation.override(question.lang):
        hits = faq_search(query=knowledge_query(u), limit=1, product=product_match(text=u.normalized), language=question.lang)
    if not hits:
        return Answered(question, None, "", confident=False, right=False)
    top = hits[0]
    return Answered(question, top.entry_id, top.language, top.confident, family.get(top.entry_id) == expected)


def knowledge_by_language(questions: Sequence[FAQQuestion]) -> dict[str, KnowledgeFigures]:
    english, family = _entry_families()
    figures: dict[str, KnowledgeFigures] = {}
    for question in questions:
        figures.setdefault(question.lang, KnowledgeFigures(question.lang)).asked.append(
            ask_knowledge_base(question, english=english, family=family)
        )
    return dict(sorted(figures.items()))


# --- all together ------------------------------------------------------------------------------


@dataclass
class LanguageReport:
    routing: dict[str, RoutingReport]
    english_routing: RoutingReport | None
    consent: dict[str, ConsentFigures]
    knowledge: dict[str, KnowledgeFigures]

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """The figures as plain data (``--json``)."""
        out: dict[str, dict[str, Any]] = {}
        routing = dict(self.routing)
        if self.english_routing is not None:
            routing["en"] = self.english_routing
        for lang, report in routing.items():
            out.setdefault(lang, {})["routing"] = {
                "lines": report.total,
                "accuracy": round(report.accuracy, 4),
                "macro_recall": round(macro_recall(report), 4),
                "recall": {label: round(report.recall(label), 4) for label in report.labels if report.support(label)},
                "set": ENGLISH_ROUTING_FILE.stem if lang == "en" else ROUTING_FILE.stem,
            }
        for lang, fig in self.consent.items():
            out.setdefault(lang, {})["consent"] = {
                "replies": dict(fig.replies),
                "cancelled": {label: fig.cancelled[label] for label in REPLY_LABELS},
                "affirm_cancels": round(fig.rate("affirm"), 4),
                "deny_cancels": round(fig.rate("deny"), 4),
                "other_cancels": round(fig.rate("other"), 4),
                "unwanted_action_rate": round(fig.unwanted_rate, 4),
                "not_asked": fig.not_asked,
            }
        for lang, kb in self.knowledge.items():
            out.setdefault(lang, {})["knowledge"] = {
                "questions": kb.questions,
                "top1": round(kb.top1, 4),
                "confident_correct": round(kb.confident_correct, 4),
                "confident_wrong": round(kb.confident_wrong, 4),
                "answered_own_language": round(kb.own_language, 4),
                "answered_english_fallback": round(kb.fallback, 4),
            }
        return out


def evaluate_languages(*, languages: Sequence[str] | None = None, with_english: bool = True) -> LanguageReport:
    """Every figure, for ``languages`` (default: every language of the sets).

    The knowledge-base part needs the demo FAQ in the database (:func:`load_demo_faq`).
    """
    wanted = set(languages) if languages else None

    def keep(items: Iterable[_Line]) -> list[_Line]:  # lines and questions: both have .lang
        return [item for item in items if wanted is None or item.lang in wanted]

    routing_lines = keep(read_lines(ROUTING_FILE, labels=(*GOAL_LABELS, "smalltalk")))
    reply_lines = keep(read_lines(REPLIES_FILE, labels=REPLY_LABELS))
    questions = keep(read_faq_questions())
    english = english_routing() if with_english and (wanted is None or "en" in wanted) else None
    return LanguageReport(
        routing=routing_by_language(routing_lines),
        english_routing=english,
        consent=consent_by_language(reply_lines),
        knowledge=knowledge_by_language(questions),
    )
