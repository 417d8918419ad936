"""The confidence of a search hit: a fitted estimate of the chance it answers the question.

A raw share of matched words is a poor judge on its own: a one-word question matches its
one word fully ("what's your name?"), and a paraphrase that shares two words of five with
the right entry is often right anyway. So each hit is described by a handful of features
(:data:`FEATURES`) and a small logistic model, fitted on the labelled evaluation set
(``python -m knowledge.calibrate``), turns them into 0..1. The fitted numbers live in
``confidence_model.json`` beside this module: plain coefficients, no pickle.

The model is fitted per search mode (lexical, lexical + embeddings). Its intercept is
then shifted so that 0.5, ``KB_CONFIDENCE_THRESHOLD``'s default, is the operating point
chosen on the evaluation set (see :mod:`knowledge.calibrate`): the score orders hits by
the model's estimate and 0.5 is where the assistant starts answering.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent / "confidence_model.json"

# Per hit, computed by KnowledgeIndex.candidates (``semantic`` only with embeddings):
#   coverage   the idf-weighted share of the question's words the entry matches (0..1)
#   margin     its ranking key less the best other candidate's (>0 only for the top hit)
#   matched    log(1 + question words it matches: the word, a corrected form or a compound;
#              a synonym alone is not enough, and "how much", "what time" or a number never count)
#   strong     the share of the question's words it uses strongly: about twice at the average
#              entry length, as the question and keywords fields are indexed (answer-only is weak)
#   unknown    log(1 + question words the knowledge base never uses, synonyms included)
#   semantic   cosine similarity of question and entry (the mean of its two halves, below)
#   semantic_best    the better of the question side's and the question-with-answer's cosine
#   semantic_margin  its similarity less the best other entry's in the knowledge base
#   semantic_z       its similarity against all entries' (z-score): normalises a FAQ about one
#                    topic, where every entry is similar, against a shop's mixed one
FEATURES = ("coverage", "margin", "matched", "strong", "unknown", "semantic", "semantic_best", "semantic_margin", "semantic_z")


def mode_name(semantic: bool) -> str:
    return "embeddings" if semantic else "lexical"


@lru_cache(maxsize=1)
def _models() -> dict:
    try:
        return json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def reload_models() -> None:
    _models.cache_clear()


def model_for(mode: str) -> dict | None:
    return _models().get(mode)


def probability(features: dict[str, np.ndarray], mode: str, *, model: dict | None = None) -> np.ndarray | None:
    """The fitted model's score for each hit (0..1), or None when no model is fitted for ``mode``.

    ``model``: score with these coefficients instead of the shipped ones (calibration).
    """
    model = model or model_for(mode)
    if not model:
        return None
    z = np.full(next(iter(features.values())).shape, float(model["intercept"]), dtype=np.float64)
    for name, coef, mean, scale in zip(model["features"], model["coef"], model["mean"], model["scale"]):
        z += coef * (np.asarray(features[name], dtype=np.float64) - mean) / scale
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def hit_scores(features: dict[str, np.ndarray], *, semantic: bool, model: dict | None = None) -> np.ndarray:
    """Each hit's confidence as the search reports it (``model``: instead of the shipped one)."""
    score = probability(features, mode_name(semantic), model=model)
    if score is None:  # no fitted model: the share of matched words (and the semantic part)
        score = np.asarray(features["fused"], dtype=np.float64)
    return score
