"""``evaluate_languages``'s parts, each on a handful of lines, so the command cannot rot.

The figures themselves are measured on the full held-out sets by the command (docs/languages.md);
here only what must hold for any engine: a no or an unrelated reply to our confirmation
question never cancels, and an entry's own question in its own language finds it.
"""

from __future__ import annotations

import pytest

from assistant.engine.language_evaluation import (
    FAQQuestion,
    LanguageReport,
    Line,
    consent_by_language,
    knowledge_by_language,
    load_demo_faq,
    macro_recall,
    read_faq_questions,
    read_lines,
    REPLIES_FILE,
    ROUTING_FILE,
    routing_by_language,
)

pytestmark = pytest.mark.django_db


def test_the_held_out_sets_read_in_every_served_language():
    assert {line.lang for line in read_lines(ROUTING_FILE)} == {"es", "de", "fr"}
    assert {line.label for line in read_lines(REPLIES_FILE)} == {"affirm", "deny", "other"}
    assert {q.lang for q in read_faq_questions()} == {"es", "de", "fr"}


def test_routing_is_scored_per_language_with_the_orchestrators_decision():
    lines = [
        Line("Quiero cancelar mi pedido ORD-4821", "cancel", "es"),
        Line("Wo ist meine Bestellung ORD-4567?", "track", "de"),
        Line("bonjour", "smalltalk", "fr"),
    ]
    reports = routing_by_language(lines)
    assert sorted(reports) == ["de", "es", "fr"]
    assert all(report.total == 1 for report in reports.values())
    assert 0.0 <= macro_recall(reports["es"]) <= 1.0


def test_a_no_or_an_unrelated_reply_to_the_confirmation_never_cancels():
    lines = [
        Line("sí", "affirm", "es"),
        Line("no, no lo cancele", "deny", "es"),
        Line("nein", "deny", "de"),
        Line("Quelle est votre politique de retour ?", "other", "fr"),
    ]
    consent = consent_by_language(lines)
    assert consent["es"].replies["affirm"] == 1 and consent["es"].cancelled["affirm"] == 1
    assert all(fig.unwanted == 0 and fig.not_asked == 0 for fig in consent.values())


def test_an_entrys_own_question_finds_it_in_the_customers_language(settings, tmp_path):
    settings.ENABLE_EMBEDDINGS = False  # the lexical search is enough here, and fast
    settings.KB_INDEX_DIR = tmp_path
    load_demo_faq()
    knowledge = knowledge_by_language([FAQQuestion("¿Cuánto cuesta el envío?", "es", "How much does shipping cost?")])
    answered = knowledge["es"].asked[0]
    assert answered.right and answered.confident and answered.language == "es"
    assert knowledge["es"].own_language == 1.0 and knowledge["es"].fallback == 0.0
    figures = LanguageReport(routing={}, english_routing=None, consent={}, knowledge=knowledge).as_dict()
    assert figures["es"]["knowledge"]["confident_correct"] == 1.0
