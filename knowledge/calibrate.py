"""Fit the search confidence model (``knowledge/search/confidence_model.json``).

    .venv/bin/python -m knowledge.calibrate [--check] [--mode lexical|embeddings]

The embeddings model is fitted across knowledge bases (:func:`fit_across`: FIT_KBS at
once, each left out in turn to check it, CHECK_KBS never fitted on). The lexical model is
fitted on the demo alone, as follows. It builds the index of the demo FAQ
(``fixtures/demo_faq.json``, no database needed), runs every question of the development
evaluation set (``knowledge/eval/faq_eval.json``), and
describes the top hit by the features of :mod:`knowledge.search.confidence`; the label is
1 when that hit is the labelled entry, 0 when it is another or the question has no answer.
A standardised, L2-regularised logistic regression is fitted on these ~200 rows and
checked by stratified 5-fold cross-validation. The operating point is then chosen on the
out-of-fold scores: the cut that answers the most questions correctly while still saying
"I don't know" to at least ``MIN_IDK`` of the unanswerable ones, and the intercept is
shifted so that this cut sits at 0.5. ``--check`` prints the figures without writing.

Refit after changing the analyser, the ranking or the features, and after a large change
to the demo FAQ. Never fit on ``faq_eval_fresh.json``: it measures how well this generalises.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT / "knowledge" / "eval" / "faq_eval.json"
DEMO_FAQ = ROOT / "fixtures" / "demo_faq.json"
# The least share of unanswerable questions that must get "I don't know" at the operating point.
# Conservative on purpose: the development set has only 32 of them, an answer to the wrong
# question is worse for a customer than "I don't know" (which offers a person), and at 0.80
# the independent set got a confident wrong answer to 60% of its unanswerable questions.
MIN_IDK = 0.95
# L2 strength (scikit-learn's C: smaller is stronger); few rows, so keep it firm.
REGULARISATION_C = 0.3
FEATURES_BY_MODE = {
    "lexical": ("margin", "matched", "strong", "unknown"),
    # Not the coverage nor the fused key: they repeat matched, strong and semantic, and
    # fitted beside them they took negative weights (a question matched word for word lost
    # confidence).
    "embeddings": ("margin", "matched", "strong", "unknown", "semantic", "semantic_best", "semantic_margin", "semantic_z"),
}
# The embeddings model (the default install's) is fitted on several knowledge bases at once,
# each weighing the same however many questions it has, and checked on the ones left out:
# the demo's development set, StackFAQ (technical questions) and CovidFAQ (noisy labels, one
# topic). The demo's independent set (faq_eval_fresh.json) is never fitted on.
FIT_KBS = ("demo-dev", "stackfaq", "covidfaq")
CHECK_KBS = ("demo-fresh", "shop-foreign")
# The operating point: the most correct confident answers (mean over the fitted knowledge
# bases) such that, on average, at most MAX_CONFIDENT_WRONG of the answerable questions get
# a wrong answer and at least MIN_LEFT_OUT_IDK of the questions whose entry is left out get
# "I don't know".
MAX_CONFIDENT_WRONG = 0.10
MIN_LEFT_OUT_IDK = 0.80
# Left-out questions asked per entry (all of them would triple the time for no new figure).
LEFT_OUT_PER_ENTRY = 3


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def demo_entries():
    from knowledge.search.entries import EntryText

    rows = json.loads(DEMO_FAQ.read_text(encoding="utf-8"))
    entries = []
    for row in rows:
        f = row["fields"]
        if row["model"] != "knowledge.faqentry" or not f.get("is_published", True):
            continue
        keywords = ", ".join(f["keywords"]) if isinstance(f["keywords"], list) else f["keywords"]
        entries.append(EntryText(row["pk"], f["question"], f["answer"], f["category"], f["product"], keywords))
    return sorted(entries, key=lambda e: e.id)


def demo_index(*, semantic: bool):
    from knowledge.search import embeddings as emb
    from knowledge.search.index import build_index_from_entries

    entries = demo_entries()
    vectors = None
    if semantic:
        vectors = emb.embed_entries(entries)
    return entries, build_index_from_entries(entries, fingerprint="calibration", vectors=vectors)


def labelled_rows(index, entries, path: Path = DEV_SET):
    """(features per question as dicts, label per question, answerable flag per question)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    by_question = {e.question.strip().casefold(): e.id for e in entries}
    items = [
        (i["question"], by_question.get(i["expected_question"].strip().casefold(), i.get("expected_pk")))
        for i in data["answerable"]
    ]
    items += [(q, None) for q in data["unanswerable"]]
    feats, labels, answerable = [], [], []
    for question, expected in items:
        hits = index.candidates(question, limit=1, product=index.products.match(question))
        if hits is None:
            row = {name: 0.0 for name in FEATURES_BY_MODE["embeddings"]}
            label = 0
        else:
            rows, features, *_ = hits
            row = {name: float(values[0]) for name, values in features.items()}
            label = int(expected is not None and int(index.entry_ids[rows[0]]) == expected)
        feats.append(row)
        labels.append(label)
        answerable.append(expected is not None)
    return feats, labels, answerable


def _operating_point(scores, labels, answerable):
    """The cut maximising correct confident answers with at least MIN_IDK "I don't know"."""
    import numpy as np

    scores, labels, answerable = map(np.asarray, (scores, labels, answerable))
    unanswerable = ~answerable
    best = None
    for cut in np.unique(np.concatenate([scores, [1.0]])):
        idk = float((scores[unanswerable] < cut).mean()) if unanswerable.any() else 1.0
        correct = float(((scores >= cut) & (labels == 1)).sum() / max(answerable.sum(), 1))
        if idk >= MIN_IDK and (best is None or correct > best[1]):
            best = (float(cut), correct, idk)
    return best


def fit(mode: str, *, verbose: bool = True) -> dict:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    entries, index = demo_index(semantic=mode == "embeddings")
    names = FEATURES_BY_MODE[mode]
    feats, labels, answerable = labelled_rows(index, entries)
    X = np.array([[f.get(n, 0.0) for n in names] for f in feats])
    y = np.array(labels)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (X - mean) / scale

    out_of_fold = np.zeros(len(y))
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(Z, y):
        model = LogisticRegression(C=REGULARISATION_C).fit(Z[train], y[train])
        out_of_fold[test] = model.predict_proba(Z[test])[:, 1]
    cv_cut = _operating_point(out_of_fold, y, answerable)

    model = LogisticRegression(C=REGULARISATION_C).fit(Z, y)
    fitted = model.predict_proba(Z)[:, 1]
    cut, correct, idk = _operating_point(fitted, y, answerable)
    # The cut is where "I don't know" starts: move it to 0.5.
    from knowledge.search.confidence import logit

    intercept = float(model.intercept_[0]) - logit(cut)
    result = {
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(intercept, 6),
        "fitted_on": f"{DEV_SET.relative_to(ROOT)}: {int(np.sum(answerable))} answerable, "
        f"{int(len(y) - np.sum(answerable))} unanswerable",
        "dev": {"top1_and_confident": round(correct, 4), "idk": round(idk, 4), "model_cut": round(cut, 4)},
        "cross_validated": {
            "top1_and_confident": round(cv_cut[1], 4),
            "idk": round(cv_cut[2], 4),
            "model_cut": round(cv_cut[0], 4),
        },
    }
    if verbose:
        top1 = float(np.mean(y[np.asarray(answerable)]))
        print(f"{mode}: top-1 {top1:.1%}; features {', '.join(names)}")
        print(f"  fitted: top-1 and confident {correct:.1%}, I don't know {idk:.1%} (model cut {cut:.3f})")
        print(f"  5-fold: top-1 and confident {cv_cut[1]:.1%}, I don't know {cv_cut[2]:.1%} (model cut {cv_cut[0]:.3f})")
        print("  coefficients (standardised):", dict(zip(names, result["coef"])))
    return result


def _kb_rows(asked, names):
    import numpy as np

    X = np.array([[a.features.get(n, 0.0) for n in names] for a in asked], dtype=np.float64).reshape(-1, len(names))
    y = np.array([a.label for a in asked], dtype=int)
    kind = np.array([a.kind for a in asked])
    return X, y, kind


def _figures(p, y, kind, cut):
    from knowledge.kb_evaluation import ANSWERABLE, LEFT_OUT

    confident = p >= cut
    ans, out = kind == ANSWERABLE, kind == LEFT_OUT
    return (
        float((confident & (y == 1))[ans].mean()),
        float((confident & (y == 0))[ans].mean()),
        float((~confident)[out].mean()) if out.any() else 1.0,
    )


def _fit_weighted(sets, names):
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([sets[k][0] for k in sets])
    y = np.concatenate([sets[k][1] for k in sets])
    weight = np.concatenate([np.full(len(sets[k][1]), len(y) / (len(sets) * len(sets[k][1]))) for k in sets])
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION_C, max_iter=1000).fit((X - mean) / scale, y, sample_weight=weight)
    return model, mean, scale


def _across_cut(model, mean, scale, sets):
    """The cut on the model's probability chosen by the rule above, and the figures there."""
    import numpy as np

    probs = {k: model.predict_proba((v[0] - mean) / scale)[:, 1] for k, v in sets.items()}
    best = None
    for cut in np.linspace(0.02, 0.98, 97):
        figs = [_figures(probs[k], *sets[k][1:], cut) for k in sets]
        correct, wrong, idk = (float(np.mean(col)) for col in zip(*figs))
        if wrong <= MAX_CONFIDENT_WRONG and idk >= MIN_LEFT_OUT_IDK and (best is None or correct > best[1]):
            best = (float(cut), correct, wrong, idk)
    return best or (0.5, *(float(np.mean(c)) for c in zip(*[_figures(probs[k], *sets[k][1:], 0.5) for k in sets])))


def fit_across(mode: str, *, verbose: bool = True) -> dict:
    """Fit ``mode``'s model on FIT_KBS, check it by leaving each one out, and on CHECK_KBS."""

    from knowledge.kb_evaluation import collect
    from knowledge.kb_sets import named_kb
    from knowledge.search.confidence import logit

    names = FEATURES_BY_MODE[mode]
    semantic = mode == "embeddings"
    sets = {}
    for kb_name in FIT_KBS + CHECK_KBS:
        asked = collect(named_kb(kb_name), semantic=semantic, left_out_per_entry=LEFT_OUT_PER_ENTRY)
        sets[kb_name] = _kb_rows(asked, names)
    fit_sets = {k: sets[k] for k in FIT_KBS}
    held_out = {}
    for left in FIT_KBS:
        rest = {k: v for k, v in fit_sets.items() if k != left}
        model, mean, scale = _fit_weighted(rest, names)
        cut = _across_cut(model, mean, scale, rest)[0]
        p = model.predict_proba((sets[left][0] - mean) / scale)[:, 1]
        held_out[left] = _figures(p, *sets[left][1:], cut)
    model, mean, scale = _fit_weighted(fit_sets, names)
    cut, correct, wrong, idk = _across_cut(model, mean, scale, fit_sets)
    per_kb = {}
    for kb_name, (X, y, kind) in sets.items():
        p = model.predict_proba((X - mean) / scale)[:, 1]
        per_kb[kb_name] = dict(
            zip(("top1_and_confident", "confident_wrong", "left_out_idk"), map(lambda v: round(v, 4), _figures(p, y, kind, cut)))
        )
        per_kb[kb_name]["top1"] = round(float(y[kind == "answerable"].mean()), 4)
    result = {
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        # The cut is where "I don't know" starts: move it to 0.5.
        "intercept": round(float(model.intercept_[0]) - logit(cut), 6),
        "fitted_on": ", ".join(FIT_KBS) + f" (equal weight; {LEFT_OUT_PER_ENTRY} left-out questions per entry)",
        "model_cut": round(cut, 4),
        "figures": per_kb,
        "each_left_out_of_the_fit": {
            k: dict(zip(("top1_and_confident", "confident_wrong", "left_out_idk"), (round(v, 4) for v in f)))
            for k, f in held_out.items()
        },
    }
    if verbose:
        print(f"{mode}: features {', '.join(names)}; fitted on {', '.join(FIT_KBS)}; cut {cut:.2f}")
        for kb_name, f in per_kb.items():
            print(f"  {kb_name:11s} {f}")
        for kb_name, f in result["each_left_out_of_the_fit"].items():
            print(f"  {kb_name:11s} fitted without it: {f}")
        print("  coefficients (standardised):", dict(zip(names, result["coef"])))
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="print the figures; do not write the model file")
    parser.add_argument("--mode", choices=sorted(FEATURES_BY_MODE), action="append", help="default: every mode available")
    args = parser.parse_args(argv)
    _setup_django()
    from knowledge.search import confidence
    from knowledge.search.embeddings import embeddings_missing_packages

    modes = args.mode or ["lexical"] + ([] if embeddings_missing_packages() else ["embeddings"])
    models = dict(json.loads(confidence.MODEL_FILE.read_text(encoding="utf-8"))) if confidence.MODEL_FILE.exists() else {}
    # Features are computed without a model; the score itself is not used here.
    for mode in modes:
        models[mode] = fit_across(mode) if mode == "embeddings" else fit(mode)
    if not args.check:
        confidence.MODEL_FILE.write_text(json.dumps(models, indent=2) + "\n", encoding="utf-8")
        print(f"written {confidence.MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
