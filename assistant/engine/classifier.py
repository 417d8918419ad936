"""The intent classifier: cancel, track, product, shop_other, out_of_scope or smalltalk.

A linear model over word and character n-grams (scikit-learn), trained at first use on
the training splits of the project's labelled lines (``assistant/data/routing_*.jsonl``)
and of ``assistant/data/clinc150_routing.jsonl``: requests from CLINC150 (Larson et al.,
"An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction", EMNLP
2019, CC BY 3.0; see ``assistant/data/README.md``) relabelled for a shop: its 149
other-domain intents and out-of-scope queries as ``out_of_scope``, its chit-chat intents
as ``smalltalk``, ``order_status`` as ``track``. Part of CLINC150 is never trained on, to
measure (``evaluate_routing --clinc``).

Character n-grams make it tolerant of typos ("cancle", "were is my pakage"); order IDs,
emails and numbers are replaced by placeholder tokens so that the model learns that an
order number is present, not which one. The fitted model is cached on disk under a hash
of the training files and the code's settings (``ROUTING_MODEL_CACHE_DIR``), so only the
first process after a change to the data pays the few seconds of training.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.jsonl import jsonl_rows

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from sklearn.pipeline import Pipeline  # scikit-learn has no type information: Any to mypy

    _Floats = NDArray[np.float64]

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# The labelled set (train and held-out test split), plus extra training-only lines.
DATA_FILE = DATA_DIR / "routing_utterances.jsonl"
# Other shop requests, small talk and out-of-scope lines written for this project.
INTENTS_FILE = DATA_DIR / "routing_intents.jsonl"
# More of the same kind, written by someone else (no held-out line seen): other shop
# requests, policy questions that sound like them, and shop-like words out of scope.
INTENTS_MORE_FILE = DATA_DIR / "routing_intents_more.jsonl"
# CLINC150, relabelled (split "train" is trained on; "test" and "oos_test" never are).
CLINC_FILE = DATA_DIR / "clinc150_routing.jsonl"
# Spanish, German and French lines over the six labels (split "test" never trained on).
MULTILINGUAL_FILE = DATA_DIR / "routing_multilingual.jsonl"
TRAINING_FILES = (
    DATA_FILE,
    DATA_DIR / "routing_utterances_extra.jsonl",
    INTENTS_FILE,
    INTENTS_MORE_FILE,
    CLINC_FILE,
    MULTILINGUAL_FILE,
)
# What the model predicts.
INTENT_LABELS = ("cancel", "track", "product", "shop_other", "out_of_scope", "smalltalk")
# What a labelled file may say: the model's labels, and ``other`` from the files written
# before out_of_scope and smalltalk were told apart (anything no order or product agent owns).
LABELS = (*INTENT_LABELS, "other")

# Cue words that customers use for each kind of request, as general vocabulary of the
# domain (synonyms, common misspellings, other languages' words for "cancel"). Each cue
# adds one token the model can weigh, so a synonym it never saw in training still counts
# towards the right intent.
CUES = {
    "zzcancelcue": r"\b(cancel\w*|cancle\w*|cancell?\w*|canel\w*|delete|scrap|abort|void|revoke|undo|call(?:ing)? (?:it )?off"
    r"|stop (?:the|my|this) (?:order|shipment|delivery|purchase)|don'?t (?:want|need) (?:it|this|that|the order|them)"
    r"|no longer (?:want|need)|changed? my mind|storn\w*|annul\w*|anul\w*"
    # es / de / fr: "ya no lo quiero", "me arrepenti", "rueckgaengig machen", "vom Kauf zuruecktreten",
    # "widerrufe", "brauche es nicht mehr", "je n'en veux plus", "j'ai change d'avis"
    r"|ya no (?:lo |la |los |las )?(?:quiero|necesito)|me arrepenti|cambie de opinion|ruckgangig|zurucktreten|rucktritt"
    r"|widerruf\w*|(?:brauche|will|mochte) (?:es |sie |ihn |das |die \w+ )?(?:doch )?nicht mehr|anders uberlegt"
    r"|n'en (?:veux|ai) plus|chang\w* d'avis)\b",
    "zztrackcue": r"\b(where\w*|were is|track\w*|arriv\w*|ship(?:ped|ping)?|deliver\w*|status|eta|update|package|pakage"
    r"|parcel|on (?:its|it's) way|late|not (?:here|arrived|received)|still waiting|when (?:will|is|does)|dispatch\w*"
    r"|received|hasn'?t (?:come|arrived)"
    # es / de / fr
    r"|donde|dnd|cuando|llega\w*|seguimiento|rastre\w*|estado|enviad[oa]s?|enviaron|entreg\w*|en camino|paquete"
    r"|wo (?:ist|is|bleibt)|wann|sendung\w*|paket\w*|verfolg\w*|geliefert|zugestellt|zustell\w*|versandt|versendet"
    r"|verschickt|unterwegs|ankomm\w*|kommt"
    r"|ou (?:est|et|en est|en et|se trouve)|est ou|quand|suivi|suivre|statut|livre[es]?|expedi\w*|envoye\w*|colis"
    r"|en route)\b",
    "zzquestioncue": r"\b(can (?:i|you|u)|could i|is it possible|do (?:you|u|i)|does|how (?:long|much|many|do|can)"
    r"|what (?:is|are|'s)|policy|policies|fee|if (?:i|you)|before i|allowed|possible|any way"
    # es / de / fr
    r"|puedo|se puede|cuanto|cuanta|cual(?:es)?|como (?:puedo|se)|politica|tienen|hacen|aceptan"
    r"|kann (?:ich|man)|gibt es|wie (?:lange|viel|kann|ist|sind)|was kostet|ab wann|bis wann|richtlinie|bedingungen"
    r"|liefert ihr|liefern sie"
    r"|je peux|puis-je|peut-on|on peut|est-ce que|combien|quel(?:le)?s?|comment|politique|frais|jusqu'a quand"
    r"|vous (?:livrez|acceptez))\b",
    "zzmyordercue": r"\b(?:my|our|the) (?:order|package|parcel|stuff|purchase|delivery|shipment)\b|zzorderid"
    r"|\b(?:mi|mis|nuestro|el) (?:pedido|paquete|compra|orden|envio)\b"
    r"|\b(?:meine|meiner|meinen|unsere|die) (?:bestellung|sendung|lieferung)\b|\b(?:mein|meinen|das) (?:paket|auftrag)\b"
    r"|\b(?:ma|mon|mes|la|notre) (?:commande|colis|livraison|achat)\b",
    # What customers ask about an order besides cancel and track.
    "zzsupportcue": r"\b(chang\w*|modif\w*|edit\w*|amend\w*|add\w*|remov\w*|swap\w*|switch\w*|exchang\w*|return\w*"
    r"|refund\w*|money back|invoice\w*|receipt\w*|charged|payment|paid|pay|damaged|broken|crushed|faulty|defective"
    r"|missing|wrong (?:item|size|colou?r|address|product)|never (?:got|received|arrived)|address|account|password|log ?in"
    r"|complain\w*|complaint"
    # es / de / fr
    r"|cambi\w*|direccion|devol\w*|devuelv\w*|reembols\w*|factura\w*|cobr\w*|pago|danad\w*|rot[oa]s?|falta\w*"
    r"|equivocad\w*|cuenta|contrasena|reclam\w*|queja|adresse|andern|anderung\w*|abander\w*|zuruck\w*|rucksend\w*|erstatt\w*|rechnung\w*"
    r"|abgebucht|zahlung\w*|bezahl\w*|beschadigt|kaputt|fehlt|falsch\w*|konto|passwort|beschwer\w*|umtausch\w*"
    r"|retour\w*|rembours\w*|factur\w*|debitee?s?|paiement|abimee?s?|cassee?s?|manquant\w*|manque|mauvais|compte|mot de passe"
    r"|echang\w*)\b",
}
_CUES = {token: re.compile(pattern) for token, pattern in CUES.items()}

_ORDER_TOKEN = re.compile(
    r"\b(?:ord(?:er)?\s*[-_#:]?\s*#?\s*\d+|#\s?\d{3,6}"
    # "pedido 1234", "pedido no. 1234", "Bestellung Nr. 1234", "commande n°1234", "numero de pedido 1234"
    r"|(?:pedidos?|orden|bestellung(?:en)?|bestellnummer|bestell-?nr|auftrag|auftragsnummer|commandes?)\s*"
    r"(?:(?:n[o°]|nr|nro|num|numero|nummer)\.?\s*[-_#:]?\s*\d+|[-_#:]?\s*\d{3,})"
    r"|(?:numero|nummer|n[o°]|nr)\.?\s+(?:de|del|der)\s+(?:pedido|orden|bestellung|commande)\s*:?\s*\d+)\b",
    re.IGNORECASE,
)
_EMAIL_TOKEN = re.compile(r"\S+@\S+\.\S+")
_NUMBER_TOKEN = re.compile(r"\b\d+(?:[.,]\d+)?\b")

_lock = threading.Lock()

# Letters that do not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"ß": "ss", "œ": "oe", "æ": "ae", "ø": "o", "ł": "l"})


def fold_accents(text: str) -> str:
    """``text`` without accents ("sí" -> "si", "annulée" -> "annulee", "Straße" -> "Strasse").

    Customers type accents or leave them out ("dónde"/"donde", "über"/"uber"); folded, both
    spellings are one word to the model and to the rules.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def prepare(text: str) -> str:
    """The text the model sees: lower case without accents, with entities replaced by placeholders."""
    text = fold_accents(text.lower())
    text = _EMAIL_TOKEN.sub(" zzemail ", text)
    text = _ORDER_TOKEN.sub(" zzorderid ", text)
    text = _NUMBER_TOKEN.sub(" zznum ", text)
    cues = [token for token, pattern in _CUES.items() if pattern.search(text)]
    return f"{text} {' '.join(cues)}" if cues else text


def load_examples(split: str | None = None, path: Path = DATA_FILE, *, fine: bool = False) -> list[tuple[str, str]]:
    """``(text, label)`` pairs of a JSONL file, optionally of one split only.

    ``fine``: the model's label (a row's ``intent`` where the file's ``label`` is the older,
    coarser ``other``).
    """
    examples: list[tuple[str, str]] = []
    if not path.exists():
        return examples
    for _, row in jsonl_rows(path):
        if split is None or row.get("split", "train") == split:
            examples.append((row["text"], row.get("intent", row["label"]) if fine else row["label"]))
    return examples


def training_examples() -> list[tuple[str, str]]:
    """Every training line; the held-out splits are never trained on. A request for a
    person is read by a rule before the model, so those lines teach it nothing."""
    return [pair for path in TRAINING_FILES for pair in load_examples("train", path, fine=True) if pair[1] in INTENT_LABELS]


def build_model(examples: list[tuple[str, str]]) -> Pipeline:
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
    # Solved to a tight tolerance: at scikit-learn's default (1e-4) lbfgs stops after some 60
    # iterations, far enough from the optimum that adding a few lines in one language moved
    # unrelated borderline messages in another.
    classifier = LogisticRegression(C=20.0, max_iter=3000, class_weight="balanced", tol=1e-5)
    model = Pipeline([("features", features), ("classifier", classifier)])
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

    def __init__(self, pipeline: Pipeline) -> None:
        import numpy as np

        classifier = pipeline.named_steps["classifier"]
        self.classes = [str(label) for label in classifier.classes_]
        self.intercept: _Floats = np.asarray(classifier.intercept_, dtype=float)
        coef = np.asarray(classifier.coef_, dtype=float)
        # Per vectorizer: its analyzer, vocabulary (term -> column), IDF vector and weights.
        self.blocks: list[tuple[Callable[[str], list[str]], dict[str, int], _Floats, _Floats]] = []
        offset = 0
        for _, vectorizer in pipeline.named_steps["features"].transformer_list:
            size = len(vectorizer.vocabulary_)
            # Columns of the coefficients for this block, one row per vocabulary entry.
            self.blocks.append(
                (vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, coef[:, offset : offset + size].T.copy())
            )
            offset += size
        self._np = np

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_np", None)  # a module does not pickle; it is imported again on load
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        import numpy as np

        self.__dict__.update(state)
        self._np = np

    def predict_proba(self, text: str) -> _Floats:
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
        probabilities: _Floats = exp / exp.sum()
        return probabilities


# Bump when build_model or prepare changes in a way the data's hash does not show.
MODEL_VERSION = "4"


def training_fingerprint() -> str:
    """A hash of everything the fitted model depends on: the training files and the code."""
    digest = hashlib.sha256(MODEL_VERSION.encode())
    digest.update(json.dumps(CUES, sort_keys=True).encode())
    digest.update(_ORDER_TOKEN.pattern.encode())
    for path in TRAINING_FILES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    try:
        import sklearn

        digest.update(sklearn.__version__.encode())
    except ImportError:  # pragma: no cover
        pass
    return digest.hexdigest()[:20]


def _cache_dir() -> Path | None:
    configured = os.environ.get("ROUTING_MODEL_CACHE_DIR")
    if configured == "":
        return None  # explicitly off
    # Inside the project (as the knowledge-base index), never a shared temporary folder:
    # the file is a pickle, and whoever can write it could run code in the server.
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "var" / "routing_model"


def _load_or_train() -> CompiledIntentModel:
    directory = _cache_dir()
    path = directory / f"intent-model-{training_fingerprint()}.pickle" if directory else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)
            if isinstance(model, CompiledIntentModel):
                return model
        except Exception:  # a torn or foreign file: train again
            logger.warning("routing model cache %s unreadable, training again", path)
    started = time.perf_counter()
    model = CompiledIntentModel(build_model(training_examples()))
    logger.info("routing model trained", extra={"duration_ms": round((time.perf_counter() - started) * 1000)})
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written under a temporary name and renamed: another process never reads half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as temporary:
                pickle.dump(model, temporary, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary.name, path)
        except OSError:
            logger.warning("could not cache the routing model in %s", directory)
    return model


@lru_cache(maxsize=1)
def _model() -> CompiledIntentModel:
    with _lock:
        return _load_or_train()


def warm_up() -> None:
    """Train the model now rather than on the first customer message."""
    _model()


def classify_intent(text: str, model: CompiledIntentModel | None = None) -> tuple[str, float]:
    """The most likely intent and its probability."""
    model = model or _model()
    probabilities = model.predict_proba(text)
    best = int(probabilities.argmax())
    return model.classes[best], float(probabilities[best])
