"""An edit applied in milliseconds: the changed entries indexed beside the last full index.

Rebuilding the whole index takes seconds at 10,000 entries and 15-25 s at 100,000. After
an edit, :class:`OverlayIndex` serves instead: the last full index with the rows of
edited, unpublished and deleted entries hidden, plus a small index of the changed entries
as they are now (see :class:`knowledge.search.lexical.LayeredLexical` for why the two rank
and score on one scale). The holder (:mod:`knowledge.search.holder`) has the full index
rebuilt in the background and swaps it in.

Finding what changed (:func:`kb_changes`) costs one query, plus one more after a deletion
(both through :mod:`knowledge.search.source`):

- every write stamps ``updated_at`` (model saves, and the FAQ queryset for bulk writes),
  so the entries stamped since the newest stamp already looked at (less a few seconds'
  margin) are read with their stamp and published flag; one whose stamp equals the full
  index's copy is unchanged. The next edit starts from there, so its cost follows the
  entries written since, not everything changed since the full index was built;
- a deletion leaves no stamp, so the published count in the knowledge-base fingerprint is
  compared with what the full index plus the changes make; when they differ, the
  published ids are read to find which entries went.

Like the fingerprint itself, this relies on ``updated_at`` moving forward: a transaction
that commits more than the margin after it stamped its rows, while the index was being
read, is seen at the next full rebuild.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.utils import timezone

from knowledge.search import source
from knowledge.search.embedding_store import embeddings_for_entries
from knowledge.search.entries import moment_of, stamp_of
from knowledge.search.index import KnowledgeIndex, entry_terms
from knowledge.search.lexical import LayeredLexical
from knowledge.search.text import TypoCorrector
from knowledge.versioning import kb_fingerprint_published

logger = logging.getLogger(__name__)

# Entries stamped up to this long before the newest stamp already seen are looked at
# again: a transaction commits a moment after it stamps its rows, and app servers'
# clocks may differ slightly.
STAMP_MARGIN = timedelta(seconds=5)


@dataclass(frozen=True)
class KnowledgeChanges:
    """How the published knowledge base differs from a full index."""

    hidden: np.ndarray  # per row of the full index: its entry was edited, unpublished or deleted
    added: frozenset[int]  # published entries to index beside it: new, edited, published again
    seen_to: int  # entries stamped before this, less the margin, are accounted for

    def __bool__(self) -> bool:
        return bool(self.added) or bool(self.hidden.any())


def _rows_of(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``ids`` in ``sorted_ids``, and which of them are there at all."""
    if sorted_ids.size == 0:
        return np.zeros(ids.size, np.int64), np.zeros(ids.size, bool)
    rows = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.size - 1)
    return rows, sorted_ids[rows] == ids


def kb_changes(base: KnowledgeIndex, *, published: int | None, since: KnowledgeChanges | None = None) -> KnowledgeChanges:
    """What changed in the knowledge base since ``base`` was built.

    ``published``: the published count at the version being served (from its fingerprint);
    None reads the published ids whatever the count. ``since``: the changes found last
    time over the same ``base``; only entries stamped since then (less the margin) are
    read again, so the cost follows the new edits, not everything since ``base``.
    """
    floor = since.seen_to if since is not None else base.watermark
    # Every row committed before the query below is in it or older than the margin: the next
    # look-up can start from here, whatever the rows' own stamps.
    now = stamp_of(timezone.now())
    window = source.entries_updated_since(moment_of(floor) - STAMP_MARGIN)
    hidden = since.hidden.copy() if since is not None else np.zeros(len(base), dtype=bool)
    added = set(since.added) if since is not None else set()
    seen_to = max(floor, now)
    if window:
        ids = np.fromiter((row[0] for row in window), np.int64, len(window))
        stamps = np.fromiter((stamp_of(row[1]) for row in window), np.int64, len(window))
        is_published = np.fromiter((row[2] for row in window), bool, len(window))
        rows, in_base = _rows_of(base.entry_ids, ids)
        unchanged = in_base & is_published & (base.stamps[rows] == stamps)
        hidden[rows[in_base & unchanged]] = False
        hidden[rows[in_base & ~unchanged]] = True
        added -= set(ids[~is_published | unchanged].tolist())
        added |= set(ids[is_published & ~unchanged].tolist())
        seen_to = max(seen_to, int(stamps.max()))
    if published is None or len(base) - int(hidden.sum()) + len(added) != published:
        # A deletion leaves no stamp: find which entries went.
        published_ids = np.array(source.published_entry_ids(), dtype=np.int64)
        hidden |= ~np.isin(base.entry_ids, published_ids)
        # Every published entry no visible row serves (including rows a transaction
        # committed with stamps older than the index).
        added = set(np.setdiff1d(published_ids, base.entry_ids[~hidden]).tolist())
    return KnowledgeChanges(hidden=hidden, added=frozenset(added), seen_to=seen_to)


class OverlayIndex(KnowledgeIndex):
    """A full index with some rows hidden, plus the changed entries' own rows after them.

    Searches like a :class:`KnowledgeIndex` of the current knowledge base, to within idf
    rounding; words only hidden entries used stay known to typo correction until the
    rebuild. Never saved: the background rebuild saves the full index that replaces it.
    """

    def __init__(
        self,
        *,
        base: KnowledgeIndex,
        fingerprint: str,
        changes: KnowledgeChanges,
        entries: list,
        vectors: np.ndarray | None,
        previous: "OverlayIndex | None" = None,
    ):
        # Entries the previous overlay already analysed, unchanged since, are not analysed again.
        reusable = previous._analysed if previous is not None else {}
        self._analysed: dict[int, tuple[int, list[str], tuple[str, ...]]] = {}
        words: Counter = Counter()
        docs = []
        for entry in entries:
            known = reusable.get(entry.id)
            if known is None or known[0] != entry.stamp:
                entry_words: Counter = Counter()
                known = (entry.stamp, entry_terms(entry, entry_words), tuple(entry_words))
            self._analysed[entry.id] = known
            docs.append(known[1])
            words.update(known[2])
        table = list(base.product_table)
        code = {name: i for i, name in enumerate(table)}
        added_codes = []
        for entry in entries:
            name = entry.product.strip()
            if name and name not in code:
                code[name] = len(table)
                table.append(name)
            added_codes.append(code[name] if name else -1)
        product_codes = np.concatenate([base.product_codes, np.asarray(added_codes, dtype=np.int32)])
        visible = np.concatenate([~changes.hidden, np.ones(len(entries), dtype=bool)])
        used = np.bincount(product_codes[visible & (product_codes >= 0)], minlength=len(table)) > 0
        live_products = sorted(name for name, in_use in zip(table, used) if in_use)
        super().__init__(
            fingerprint=fingerprint,
            entry_ids=np.concatenate([base.entry_ids, np.asarray([e.id for e in entries], dtype=np.int64)]),
            stamps=np.concatenate([base.stamps, np.asarray([e.stamp for e in entries], dtype=np.int64)]),
            product_codes=product_codes,
            product_names=table,
            lexical=LayeredLexical(base.lexical, changes.hidden, docs),
            vocabulary=base.vocabulary,
            vectors=vectors,
            corrector=TypoCorrector(dict(words), under=base.corrector),
            live_products=live_products,
            products=base.products if live_products == base.product_names else None,
            languages=np.concatenate([base.languages, np.asarray([e.language for e in entries], dtype="<U8")]),
        )
        self.base = base
        self.hidden = changes.hidden
        self.known_changes = changes
        self.change_count = len(entries) + int(changes.hidden.sum())
        self._size = int(visible.sum())

    def __len__(self) -> int:
        return self._size

    def _row_vectors(self, rows: np.ndarray) -> np.ndarray:
        assert self.base.vectors is not None and self.vectors is not None
        base_rows = self.base.vectors.shape[0]
        return np.vstack([self.base.vectors[r] if r < base_rows else self.vectors[r - base_rows] for r in rows.tolist()]).reshape(
            len(rows), self.base.vectors.shape[1]
        )

    def _similarities(self, query_vector: np.ndarray) -> np.ndarray:
        sims = self.base.vectors @ query_vector
        sims[self.hidden] = -np.inf
        return np.concatenate([sims, self.vectors @ query_vector])

    def save(self, directory) -> None:
        raise TypeError("an overlay is not saved: save the full index that replaces it")


def overlay_index(
    base: KnowledgeIndex,
    *,
    fingerprint: str,
    since: KnowledgeChanges | None = None,
    previous: KnowledgeIndex | None = None,
) -> OverlayIndex:
    """``base`` brought up to the knowledge base at ``fingerprint``, without rebuilding it.

    ``since``: the changes over ``base`` found last time (see :func:`kb_changes`);
    ``previous``: the index served until now, whose analysed entries are reused when it is
    an overlay over the same ``base``.
    """
    if not (isinstance(previous, OverlayIndex) and previous.base is base):
        previous = None
    changes = kb_changes(base, published=kb_fingerprint_published(fingerprint), since=since)
    entries = source.published_entries_by_id(changes.added)
    vectors = None
    if base.vectors is not None:
        vectors = embeddings_for_entries(entries)
    return OverlayIndex(base=base, fingerprint=fingerprint, changes=changes, entries=entries, vectors=vectors, previous=previous)
