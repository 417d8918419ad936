"""Stored entry embeddings: computed on save/import, re-computed only when the text changed."""

from __future__ import annotations

import numpy as np

from knowledge.search import embeddings as emb


def _texts(entries) -> list[str]:
    return [emb.entry_embedding_text(question=e.question, keywords=e.keywords, product=e.product) for e in entries]


def embeddings_store_for(entries, *, show_progress: bool = False, batch_size: int = 256) -> int:
    """Compute and store vectors for entries whose stored one is missing or stale; returns how many."""
    from knowledge.models import FAQEmbedding

    entries = list(entries)
    if not entries:
        return 0
    texts = _texts(entries)
    hashes = [emb.text_hash(t) for t in texts]
    stored = dict(
        FAQEmbedding.objects.filter(entry_id__in=[e.id for e in entries]).values_list("entry_id", "text_hash")
    )
    todo = [i for i, e in enumerate(entries) if stored.get(e.id) != hashes[i]]
    if not todo:
        return 0
    from tqdm import tqdm

    progress = tqdm(total=len(todo), desc="embedding entries", unit="entry", disable=not show_progress)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        vectors = emb.embed_texts([texts[i] for i in chunk])
        rows = [
            FAQEmbedding(
                entry_id=entries[i].id,
                model_name=emb.MODEL_NAME,
                text_hash=hashes[i],
                vector=emb.vector_to_bytes(vector),
            )
            for i, vector in zip(chunk, vectors)
        ]
        FAQEmbedding.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["entry"],
            update_fields=["model_name", "text_hash", "vector", "updated_at"],
        )
        progress.update(len(chunk))
    progress.close()
    return len(todo)


def embeddings_for_entries(entries, *, show_progress: bool = False) -> np.ndarray:
    """A row-aligned matrix of unit vectors for ``entries``; backfills any missing ones."""
    from knowledge.models import FAQEmbedding

    entries = list(entries)
    embeddings_store_for(entries, show_progress=show_progress)
    matrix = np.zeros((len(entries), emb.DIMENSIONS), dtype=np.float32)
    position = {e.id: i for i, e in enumerate(entries)}
    ids = list(position)
    for start in range(0, len(ids), 5000):
        for entry_id, raw in FAQEmbedding.objects.filter(entry_id__in=ids[start : start + 5000]).values_list(
            "entry_id", "vector"
        ):
            matrix[position[entry_id]] = emb.vector_from_bytes(bytes(raw))
    return matrix
