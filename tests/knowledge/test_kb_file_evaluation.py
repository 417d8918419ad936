"""Search quality measured on a knowledge base loaded from a file (knowledge/kb_sets.py, kb_evaluation.py)."""

import json

import pytest
from django.core.management import call_command

from knowledge.kb_evaluation import evaluate_labelled_kb
from knowledge.kb_sets import KBFileError, load_labelled_kb

SHOP = {
    "entries": [
        {"id": 1, "question": "What payment methods do you accept?", "answer": "Visa, Mastercard and PayPal."},
        {"id": 2, "question": "How can I create an account?", "answer": "Click Sign up and enter your email."},
        {"id": 3, "question": "How long does shipping take?", "answer": "Standard 3-5 days, express 1-2 days."},
        {"id": 4, "question": "How do I return an item?", "answer": "Print the label from your account."},
        {"id": 5, "question": "Do you ship internationally?", "answer": "We ship to 30 countries."},
    ],
    "answerable": [
        {"question": "which payment methods can I use", "entry": 1},
        {"question": "how do I create an account", "entry": "How can I create an account?"},
        {"question": "how long does shipping usually take", "entry": 3},
        {"question": "how can I return an item I bought", "entry": 4},
        {"question": "do you ship to other countries", "entry": 5},
    ],
    "unanswerable": ["what is the capital of France"],
}


@pytest.fixture
def shop_file(tmp_path):
    path = tmp_path / "shop.json"
    path.write_text(json.dumps(SHOP), encoding="utf-8")
    return path


def test_a_knowledge_base_file_is_read_with_its_labelled_questions(shop_file):
    kb = load_labelled_kb(shop_file)
    assert len(kb.entries) == 5 and len(kb.answerable) == 5 and kb.unanswerable
    assert kb.answerable[1] == ("how do I create an account", 2)


def test_a_label_naming_no_entry_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**SHOP, "answerable": [{"question": "x", "entry": "No such question?"}]}))
    with pytest.raises(KBFileError, match="no entry"):
        load_labelled_kb(path)


def test_stackfaq_and_covidfaq_formats_are_read(tmp_path):
    stack = tmp_path / "stack.json"
    stack.write_text(
        json.dumps(
            {
                "root": {
                    "qapair": [{"question": "Strikethrough in Markdown", "answer": ["~~x~~"], "rephr": ["cross out text", None]}]
                }
            }
        )
    )
    covid = tmp_path / "covid.json"
    covid.write_text(
        json.dumps(
            [
                {"query_type": "faq", "question": "What is COVID-19?", "answer": "A disease."},
                {"query_type": "user_query", "question": "what is covid", "answer": "A  disease."},
            ]
        )
    )
    assert load_labelled_kb(stack).answerable == [("cross out text", 1)]
    assert load_labelled_kb(covid).answerable == [("what is covid", 1)]


def test_evaluation_reports_top1_confidence_and_left_out_questions(shop_file, settings):
    settings.ENABLE_EMBEDDINGS = False
    figures, asked = evaluate_labelled_kb(load_labelled_kb(shop_file), semantic=False)
    assert figures.answerable == 5 and figures.top1 == 1.0
    # Each entry left out in turn: its question has no answer any more; and the set's own one.
    assert figures.left_out == 5 and figures.unanswerable == 1 and figures.idk_own is not None
    assert figures.confident_correct + figures.confident_wrong <= 1.0
    assert 0.0 <= figures.idk <= 1.0


def test_evaluate_kb_file_command_prints_the_table(shop_file, capsys):
    call_command("evaluate_kb_file", str(shop_file), "--lexical", verbosity=0)
    out = capsys.readouterr().out
    assert "correct and confident" in out and "confidently wrong" in out and "| shop | 5 | 100.0%" in out


def test_left_out_questions_are_asked_without_their_entry(shop_file, settings):
    settings.ENABLE_EMBEDDINGS = False
    kb = load_labelled_kb(shop_file)
    _, asked = evaluate_labelled_kb(kb, semantic=False)
    left_out = [a for a in asked if a.kind == "left-out"]
    own_entry = dict(kb.answerable)
    assert len(left_out) == len(kb.answerable)
    assert all(own_entry[a.question] not in a.ranked for a in left_out)
    # On this tiny shop every left-out question gets "I don't know" and the off-topic one too.
    figures, _ = evaluate_labelled_kb(kb, semantic=False)
    assert figures.idk == 1.0 and figures.idk_own == 1.0


def test_the_named_knowledge_bases_load(db):
    from knowledge.kb_sets import KBFileError, named_kb

    demo = named_kb("demo-dev")
    assert len(demo.entries) >= 100 and len(demo.answerable) >= 120 and len(demo.unanswerable) >= 30
    try:
        stack, covid = named_kb("stackfaq"), named_kb("covidfaq")
    except KBFileError:
        pytest.skip("the public FAQ sets (shared/data/faq_sets) are not beside this checkout")
    assert (len(stack.entries), len(stack.answerable)) == (125, 1374)
    assert len(covid.entries) == 68 and len(covid.answerable) >= 1300


def test_an_unreadable_file_is_a_command_error(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "nothing.json"
    path.write_text("{}")
    with pytest.raises(CommandError, match="not a knowledge-base file"):
        call_command("evaluate_kb_file", str(path), "--lexical", verbosity=0)
