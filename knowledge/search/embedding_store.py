"""Stored entry embeddings: computed on save/import, re-computed only when the text changed.

They are read and written through :mod:`knowledge.search.source`.
"""

from __future__ import annotations

import numpy as np

from knowledge.search import embeddings as emb
from knowledge.search import source


def _texts(entries) -> list[tuple[str, str]]:
    return [
        emb.entry_embedding_texts(question=e.question, answer=e.answer, keywords=e.keywords, product=e.product) for e in entries
    ]


def embeddings_store_for(entries, *, show_progress: bool = False, batch_size: int = 256) -> int:
    """Compute and store vectors for entries whose stored one is missing or stale; returns how many."""
    entries = list(entries)
    if not entries:
        return 0
    texts = _texts(entries)
    hashes = [emb.text_hash(t) for t in texts]
    stored = source.embedding_hashes([e.id for e in entries])
    todo = [i for i, e in enumerate(entries) if stored.get(e.id) != hashes[i]]
    if not todo:
        return 0
    from tqdm import tqdm

    progress = tqdm(total=len(todo), desc="embedding entries", unit="entry", disable=not show_progress)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        vectors = emb.embed_entry_texts([texts[i] for i in chunk])
        rows = [(entries[i].id, hashes[i], emb.vector_to_bytes(vector)) for i, vector in zip(chunk, vectors)]
        source.embeddings_save(rows, model_name=emb.VECTOR_KIND)
        progress.update(len(chunk))
    progress.close()
    return len(todo)


def embeddings_for_entries(entries, *, show_progress: bool = False) -> np.ndarray:
    """A row-aligned matrix of unit vectors for ``entries``; backfills any missing ones."""
    entries = list(entries)
    embeddings_store_for(entries, show_progress=show_progress)
    matrix = np.zeros((len(entries), emb.DIMENSIONS), dtype=np.float32)
    position = {e.id: i for i, e in enumerate(entries)}
    for entry_id, raw in source.embedding_vectors(list(position)):
        matrix[position[entry_id]] = emb.vector_from_bytes(raw)
    return matrix
