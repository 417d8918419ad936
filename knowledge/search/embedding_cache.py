"""Sentence vectors kept on disk, shared by every process of this machine.

Embedding a text is the slow part of the semantic search (about 10 ms per text on one core),
and the same texts come back in every process: each server embeds the FAQ it starts with, a
demo database is loaded again for every test server, an evaluation asks the same questions.
A vector depends only on the model and the text, so it is stored once, under the hash of
both, in one SQLite file (``EMBEDDING_CACHE_PATH``; empty turns it off). The file is a
cache: losing it costs time, never an answer, and any error reading or writing it is logged
and ignored.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"
# SQLite's limit on parameters in one statement, with room to spare.
_CHUNK = 500


def cache_path() -> Path | None:
    value = getattr(settings, "EMBEDDING_CACHE_PATH", None)
    return Path(value) if value else None


def text_key(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\n{text}".encode()).hexdigest()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(_SCHEMA)
    return conn


def cached_vectors(model: str, texts: list[str], dimensions: int) -> dict[str, np.ndarray]:
    """The stored vectors of those ``texts`` that have one."""
    path = cache_path()
    if path is None or not texts:
        return {}
    keys = {text_key(model, t): t for t in texts}
    found: dict[str, np.ndarray] = {}
    try:
        with _connect(path) as conn:
            names = list(keys)
            for start in range(0, len(names), _CHUNK):
                chunk = names[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, raw in conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    vector = np.frombuffer(raw, dtype=np.float32)
                    if vector.size == dimensions:
                        found[keys[key]] = vector
    except (sqlite3.Error, OSError):
        logger.warning("embedding cache at %s unreadable; computing instead", path, exc_info=True)
        return {}
    return found


def store_vectors(model: str, vectors: dict[str, np.ndarray]) -> None:
    path = cache_path()
    if path is None or not vectors:
        return
    rows = [(text_key(model, t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in vectors.items()]
    try:
        with _connect(path) as conn:
            conn.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", rows)
    except (sqlite3.Error, OSError):
        logger.warning("embedding cache at %s not writable; vectors not kept", path, exc_info=True)
