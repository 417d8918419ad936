"""The intent classifier: cancel, track, product or other.

A linear model over word and character n-grams (scikit-learn), trained at first use on
the training split of ``assistant/data/routing_utterances.jsonl``. Character n-grams
make it tolerant of typos ("cancle", "were is my pakage"); order IDs, emails and
numbers are replaced by placeholder tokens so that the model learns that an order
number is present, not which one. Training takes a fraction of a second, so the model
is built in process rather than shipped as a pickle.
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The labelled set (train and held-out test split), plus extra training-only lines.
DATA_FILE = DATA_DIR / "routing_utterances.jsonl"
TRAINING_FILES = (DATA_FILE, DATA_DIR / "routing_utterances_extra.jsonl")
LABELS = ("cancel", "track", "product", "other")

# Cue words that customers use for each kind of request, as general vocabulary of the
# domain (synonyms, common misspellings, other languages' words for "cancel"). Each cue
# adds one token the model can weigh, so a synonym it never saw in training still counts
# towards the right intent.
CUES = {
    "zzcancelcue": r"\b(cancel\w*|cancle\w*|cancell?\w*|canel\w*|delete|scrap|abort|void|revoke|undo|call(?:ing)? (?:it )?off"
    r"|stop (?:the|my|this) (?:order|shipment|delivery|purchase)|don'?t (?:want|need) (?:it|this|that|the order|them)"
    r"|no longer (?:want|need)|changed? my mind|storn\w*|annul\w*|cancelar|anular)\b",
    "zztrackcue": r"\b(where\w*|were is|track\w*|arriv\w*|ship(?:ped|ping)?|deliver\w*|status|eta|update|package|pakage"
    r"|parcel|on (?:its|it's) way|late|not (?:here|arrived|received)|still waiting|when (?:will|is|does)|dispatch\w*"
    r"|received|hasn'?t (?:come|arrived))\b",
    "zzquestioncue": r"\b(can (?:i|you|u)|could i|is it possible|do (?:you|u|i)|does|how (?:long|much|many|do|can)"
    r"|what (?:is|are|'s)|policy|policies|fee|if (?:i|you)|before i|allowed|possible|any way)\b",
    "zzmyordercue": r"\b(?:my|our|the) (?:order|package|parcel|stuff|purchase|delivery|shipment)\b|zzorderid",
}
_CUES = {token: re.compile(pattern) for token, pattern in CUES.items()}

_ORDER_TOKEN = re.compile(r"\b(?:ord(?:er)?\s*[-_#:]?\s*#?\s*\d+|#\s?\d{3,6})\b", re.IGNORECASE)
_EMAIL_TOKEN = re.compile(r"\S+@\S+\.\S+")
_NUMBER_TOKEN = re.compile(r"\b\d+(?:[.,]\d+)?\b")

_lock = threading.Lock()


def prepare(text: str) -> str:
    """The text the model sees: lower case, with entities replaced by placeholders."""
    text = text.lower()
    text = _EMAIL_TOKEN.sub(" zzemail ", text)
    text = _ORDER_TOKEN.sub(" zzorderid ", text)
    text = _NUMBER_TOKEN.sub(" zznum ", text)
    cues = [token for token, pattern in _CUES.items() if pattern.search(text)]
    return f"{text} {' '.join(cues)}" if cues else text


def load_examples(split: str | None = None, path: Path = DATA_FILE) -> list[tuple[str, str]]:
    """``(text, label)`` pairs of a JSONL file, optionally of one split only."""
    examples = []
    if not path.exists():
        return examples
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if split is None or row.get("split", "train") == split:
                examples.append((row["text"], row["label"]))
    return examples


def training_examples() -> list[tuple[str, str]]:
    """Every training line; the held-out test split is never trained on."""
    return [pair for path in TRAINING_FILES for pair in load_examples("train", path)]


def build_model(examples: list[tuple[str, str]]):
    """Fit the pipeline on ``(text, label)`` pairs."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(preprocessor=prepare, ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z']+"),
            ),
            (
                "chars",
                TfidfVectorizer(preprocessor=prepare, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
        ]
    )
    model = Pipeline(
        [("features", features), ("classifier", LogisticRegression(C=20.0, max_iter=3000, class_weight="balanced"))]
    )
    texts, labels = zip(*examples)
    model.fit(list(texts), list(labels))
    return model


class CompiledIntentModel:
    """The fitted pipeline's arithmetic, without scikit-learn's per-call overhead.

    scikit-learn validates its input and dispatches through joblib on every
    ``predict_proba``, which costs milliseconds for one short message. The fitted model
    is a sum of TF-IDF weights times coefficients; this class computes exactly that from
    the fitted vocabularies, IDF vectors and coefficients (tests check it agrees with
    the pipeline to 1e-9).
    """

    def __init__(self, pipeline):
        import numpy as np

        classifier = pipeline.named_steps["classifier"]
        self.classes = [str(label) for label in classifier.classes_]
        self.intercept = np.asarray(classifier.intercept_, dtype=float)
        coef = np.asarray(classifier.coef_, dtype=float)
        self.blocks = []
        offset = 0
        for _, vectorizer in pipeline.named_steps["features"].transformer_list:
            size = len(vectorizer.vocabulary_)
            # Columns of the coefficients for this block, one row per vocabulary entry.
            self.blocks.append(
                (vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, coef[:, offset : offset + size].T.copy())
            )
            offset += size
        self._np = np

    def predict_proba(self, text: str):
        np = self._np
        scores = self.intercept.copy()
        for analyzer, vocabulary, idf, weights in self.blocks:
            counts: dict[int, int] = {}
            for term in analyzer(text):
                index = vocabulary.get(term)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))  # sublinear_tf
            values = tf * idf[indices]
            values /= np.sqrt(values @ values)  # l2 norm, as TfidfVectorizer does
            scores += values @ weights[indices]
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()


@lru_cache(maxsize=1)
def _model() -> CompiledIntentModel:
    with _lock:
        return CompiledIntentModel(build_model(training_examples()))


def warm_up() -> None:
    """Train the model now rather than on the first customer message."""
    _model()


def classify_intent(text: str, model: CompiledIntentModel | None = None) -> tuple[str, float]:
    """The most likely intent and its probability."""
    model = model or _model()
    probabilities = model.predict_proba(text)
    best = int(probabilities.argmax())
    return model.classes[best], float(probabilities[best])
