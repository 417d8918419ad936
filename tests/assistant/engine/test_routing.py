"""Routing quality on the held-out part of the labelled set, and the evaluation command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assistant.engine.classifier import DATA_FILE, load_examples, training_examples
from assistant.engine.evaluation import evaluate_routing, read_labelled_file


def test_the_labelled_set_is_large_and_its_test_split_is_never_trained_on():
    test = load_examples("test")
    assert len(load_examples()) >= 400
    assert len(test) >= 100
    trained = {text for text, _ in training_examples()}
    assert not trained & {text for text, _ in test}


def test_routing_accuracy_on_the_held_out_split_is_at_least_95_percent():
    report = evaluate_routing(read_labelled_file(DATA_FILE, split="test"))
    assert report.accuracy >= 0.95, report.mistakes


def test_routing_accuracy_on_an_independently_written_set_is_at_least_95_percent():
    # 320 utterances written by someone who never saw the training data; never trained on.
    report = evaluate_routing(read_labelled_file(DATA_FILE.parent / "routing_fresh_eval.jsonl"))
    assert report.total >= 300
    assert report.accuracy >= 0.95, report.mistakes


@pytest.mark.parametrize(
    "text, label",
    [
        ("I want to cancel my order ORD-4567", "cancel"),
        ("where is my parcel", "track"),
        ("is the smartwatch waterproof?", "product"),
        ("hello", "other"),
    ],
)
def test_plain_requests_route_to_their_agent(text, label):
    report = evaluate_routing([(text, label)])
    assert report.correct == 1


def test_evaluate_routing_prints_accuracy_per_label_figures_and_the_confusion_matrix(tmp_path):
    csv_file = tmp_path / "labelled.csv"
    csv_file.write_text(
        "text,label\n"
        "cancel ORD-1234 please,cancel\n"
        "has my order shipped yet,track\n"
        "what is your return policy,product\n"
        "thanks bye,other\n"
    )
    out = StringIO()
    call_command("evaluate_routing", str(csv_file), stdout=out)
    printed = out.getvalue()
    assert "accuracy:   100.0% (4/4)" in printed
    for label in ("cancel", "track", "product", "other"):
        assert label in printed
    assert "confusion matrix" in printed


def test_evaluate_routing_reads_jsonl_and_rejects_unknown_labels(tmp_path):
    good = tmp_path / "ok.jsonl"
    good.write_text('{"text": "where is my stuff", "label": "track"}\n')
    out = StringIO()
    call_command("evaluate_routing", str(good), stdout=out)
    assert "(1/1)" in out.getvalue()

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "hi", "label": "greeting"}\n')
    with pytest.raises(CommandError, match="row 1"):
        call_command("evaluate_routing", str(bad))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("evaluate_routing", str(tmp_path / "missing.csv"))


def test_the_compiled_classifier_agrees_with_the_fitted_pipeline():
    import numpy as np

    from assistant.engine.classifier import CompiledIntentModel, build_model

    pipeline = build_model(training_examples())
    compiled = CompiledIntentModel(pipeline)
    texts = [text for text, _ in load_examples("test")] + ["", "🙂🙂", "x" * 2000, "ORD-1234 ORD-5678"]
    expected = pipeline.predict_proba(texts)
    actual = np.array([compiled.predict_proba(text) for text in texts])
    assert compiled.classes == list(pipeline.classes_)
    assert np.abs(expected - actual).max() < 1e-9
