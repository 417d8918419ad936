import pytest
from django.core.management import call_command

from knowledge.evaluation import DEFAULT_EVAL_SET, evaluate_kb, load_evaluation_set

pytestmark = pytest.mark.django_db


def test_evaluation_set_has_enough_labelled_and_unanswerable_questions(demo_faq):
    labelled, unanswerable = load_evaluation_set(DEFAULT_EVAL_SET)
    assert len(labelled) >= 120 and len(unanswerable) >= 30


def test_lexical_search_meets_the_quality_targets(demo_faq, settings):
    settings.ENABLE_EMBEDDINGS = False
    report = evaluate_kb()
    assert report.top1_accuracy >= 0.85, report.misses
    # The operating point favours "I don't know" over a wrong answer (knowledge/calibrate.py):
    # measured 96.9% "I don't know" and 74.6% top-1 and confident.
    assert report.idk_rate >= 0.93, report.false_answers
    assert report.confident_correct_rate >= 0.72, report.misses


def test_lexical_search_generalises_to_the_independent_set(demo_faq, settings):
    # faq_eval_fresh.json was written separately and is never tuned on: a guard at what was
    # measured (top-1 73.1%, top-1 and confident 52.5%, "I don't know" 95.0%) less a margin.
    settings.ENABLE_EMBEDDINGS = False
    report = evaluate_kb(DEFAULT_EVAL_SET.with_name("faq_eval_fresh.json"))
    assert report.top1_accuracy >= 0.70
    assert report.confident_correct_rate >= 0.50
    assert report.idk_rate >= 0.90


def test_evaluate_kb_command_prints_the_figures(demo_faq, capsys):
    call_command("evaluate_kb", str(DEFAULT_EVAL_SET), verbosity=0)
    out = capsys.readouterr().out
    assert "top-1 accuracy" in out and "top-3 accuracy" in out and "I don't know" in out


@pytest.mark.skipif(
    not __import__("tests.knowledge.test_embeddings", fromlist=["HAVE_EMBEDDINGS"]).HAVE_EMBEDDINGS,
    reason="the model package (requirements-model.txt) is not installed",
)
def test_search_with_embeddings_meets_the_quality_targets(demo_faq, settings):
    settings.ENABLE_EMBEDDINGS = True
    from knowledge.search.holder import holder

    holder.reset()
    try:
        report = evaluate_kb()
    finally:
        settings.ENABLE_EMBEDDINGS = False
        holder.reset()
    assert report.top1_accuracy >= 0.92, report.misses
    assert report.idk_rate >= 0.80, report.false_answers
