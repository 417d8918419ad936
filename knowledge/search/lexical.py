"""The lexical ranking: BM25 (bm25s) plus a size-independent confidence.

bm25s does the BM25 maths (Lucene variant) over a sparse matrix of precomputed
term-document scores, so a query costs a few column sums whatever the corpus size.

BM25 scores are not comparable across corpora, so the *confidence* a threshold is set
on is computed separately, per candidate: the idf-weighted share of the question's
words that the entry matches, each word counting fully when the entry uses it (or a
typo-corrected form, or a compound) and partly through a synonym. A word the index has
never seen counts against the confidence: "Do you sell cars?" matches "sell" but not
"cars", so it is not confidently the gift-card entry.

How fully an entry uses a word is BM25's term-frequency part (a score over its idf), which
depends only on the entry and the corpus's average entry length. That is what lets
:class:`LayeredLexical` score a few changed entries beside a large index built earlier
with the same meaning: the same term-frequency part, the same idf per question word.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import bm25s
import numpy as np

from knowledge.search.text import QueryTerms

K1 = 1.2
B = 0.75
# How much an unknown word weighs against confidence, as a share of the rarest word's idf.
UNKNOWN_WORD_WEIGHT = 0.6


@dataclass(frozen=True)
class LexicalResult:
    rows: np.ndarray  # positions in the index, best first
    scores: np.ndarray  # BM25 score (corpus-dependent)
    confidence: np.ndarray  # 0..1


def _empty() -> LexicalResult:
    return LexicalResult(np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.float32))


def lucene_idf(num_docs: int, df):
    """bm25s' Lucene idf."""
    return np.log(1.0 + (num_docs - df + 0.5) / (df + 0.5))


def term_frequency_part(tf: np.ndarray, doc_len: np.ndarray, avgdl: float) -> np.ndarray:
    """bm25s' Lucene term-frequency component: a term's BM25 score in a document over its idf."""
    return tf / (K1 * ((1 - B) + B * doc_len / avgdl) + tf)


def _usage(tf_part: np.ndarray) -> np.ndarray:
    # How fully each row uses a term, capped at 1; a word used once in a long entry still counts as used.
    tf_part = np.minimum(tf_part, 1.0)
    return np.where(tf_part > 0, 0.6 + 0.4 * tf_part, 0.0)


def _share_matched(query: QueryTerms, weights: np.ndarray, size: int, usage: Callable[[str], np.ndarray]) -> np.ndarray:
    """idf-weighted share of the question's words each of ``size`` rows matches, in 0..1."""
    cache: dict[str, np.ndarray] = {}
    num = np.zeros(size, dtype=np.float64)
    den = 0.0
    for slot, weight in zip(query.slots, weights):
        best = np.zeros(size, dtype=np.float64)
        for term, term_weight in slot.alternatives.items():
            if term not in cache:
                cache[term] = usage(term)
            best = np.maximum(best, term_weight * cache[term])
        num += weight * best
        den += weight
    if den == 0:
        return np.zeros(size, dtype=np.float32)
    return (num / den).astype(np.float32)


def _top(total: np.ndarray, k: int) -> np.ndarray:
    k = min(k, total.size)
    if k <= 0:
        return np.empty(0, np.int64)
    top = np.argpartition(-total, k - 1)[:k]
    return top[total[top] > 0]


class _Ranking:
    """What both lexical indexes rank by, given each one's word weights and usage."""

    def slot_weights(self, query: QueryTerms) -> np.ndarray:
        raise NotImplementedError

    def usage(self, term: str, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def confidence_for(self, query: QueryTerms, rows: np.ndarray, row_weight: np.ndarray | None) -> np.ndarray:
        """The confidence (0..1) of ``rows`` for the question."""
        confidence = _share_matched(query, self.slot_weights(query), rows.size, lambda term: self.usage(term, rows))
        if row_weight is not None:
            confidence = confidence * np.minimum(row_weight[rows], 1.0)
        return confidence

    def _best(self, query: QueryTerms, total: np.ndarray, k: int, row_weight: np.ndarray | None) -> LexicalResult:
        """The ``k`` rows of highest ``total`` (BM25) that score at all, with their confidence."""
        top = _top(total, k)
        if top.size == 0:
            return _empty()
        return LexicalResult(top, total[top], self.confidence_for(query, top, row_weight))


class LexicalIndex(_Ranking):
    def __init__(self, retriever: bm25s.BM25 | None, *, avgdl: float | None = None):
        self.retriever = retriever
        self.avgdl = float(avgdl or 1.0)
        if retriever is None:  # an empty knowledge base
            self.vocab, self.num_docs, self.max_idf = {}, 0, 0.0
            self.df = np.zeros(0)
            self.idf = np.zeros(0)
            return
        self.vocab: dict[str, int] = retriever.vocab_dict
        indptr = retriever.scores["indptr"]
        self.num_docs = int(retriever.scores["num_docs"])
        self.df = np.diff(indptr).astype(np.float64)
        self.idf = lucene_idf(max(self.num_docs, 1), self.df)
        self.max_idf = float(math.log(1.0 + (max(self.num_docs, 1) + 0.5) / 0.5))

    @classmethod
    def build(cls, corpus_terms: list[list[str]], *, show_progress: bool = False) -> "LexicalIndex":
        if not corpus_terms:
            return cls(None)
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.index(corpus_terms, show_progress=show_progress)
        return cls(retriever, avgdl=sum(map(len, corpus_terms)) / len(corpus_terms))

    def save(self, directory: Path) -> None:
        if self.retriever is None:
            return
        self.retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, *, avgdl: float | None) -> "LexicalIndex":
        if not directory.exists():
            return cls(None)
        return cls(bm25s.BM25.load(str(directory), mmap=False, show_progress=False, verbosity=0), avgdl=avgdl)

    def _column(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        s = self.retriever.scores
        start, end = s["indptr"][term_id], s["indptr"][term_id + 1]
        return s["indices"][start:end], s["data"][start:end]

    def knows(self, term: str) -> bool:
        return term in self.vocab

    def doc_frequency(self, term: str) -> int:
        term_id = self.vocab.get(term)
        return 0 if term_id is None else int(self.df[term_id])

    def slot_weights(self, query: QueryTerms) -> np.ndarray:
        """Each question word's weight in the confidence: its idf, or the unknown-word weight."""
        weights = np.empty(len(query.slots), dtype=np.float64)
        for i, slot in enumerate(query.slots):
            head_id = self.vocab.get(slot.head)
            weights[i] = self.idf[head_id] if head_id is not None else UNKNOWN_WORD_WEIGHT * self.max_idf
        return weights

    def scores(self, query: QueryTerms, row_weight: np.ndarray | None = None) -> np.ndarray | None:
        """The weighted BM25 score of every row (None when no question term is in the index)."""
        if self.num_docs == 0:
            return None
        by_weight: dict[float, list[int]] = {}
        for term, weight in query.weighted.items():
            term_id = self.vocab.get(term)
            if term_id is not None:
                by_weight.setdefault(weight, []).append(term_id)
        if not by_weight:
            return None
        total = None
        for weight, ids in by_weight.items():
            part = self.retriever.get_scores_from_ids(ids)
            total = part * weight if total is None else total + part * weight
        return total if row_weight is None else total * row_weight

    def search(self, query: QueryTerms, *, k: int, row_weight: np.ndarray | None = None) -> LexicalResult:
        if not query.slots:
            return _empty()
        total = self.scores(query, row_weight)
        if total is None:
            return _empty()
        return self._best(query, total, k, row_weight)

    def usage(self, term: str, rows: np.ndarray) -> np.ndarray:
        """How fully each of ``rows`` uses ``term`` (0, or 0.6..1)."""
        out = np.zeros(rows.size, dtype=np.float64)
        term_id = self.vocab.get(term)
        if term_id is None:
            return out
        idx, data = self._column(term_id)
        hit = np.isin(idx, rows)
        if hit.any():
            pos = {int(r): i for i, r in enumerate(rows)}
            for doc, score in zip(idx[hit], data[hit]):
                out[pos[int(doc)]] = score
        return _usage(out / max(self.idf[term_id], 1e-9))


class LayeredLexical(_Ranking):
    """A built :class:`LexicalIndex` with some rows hidden, plus a few more documents beside it.

    Rows ``0..base.num_docs-1`` are the base's (``hidden`` ones never match), the rest are
    ``docs`` in order. The added documents are scored with the base's average entry length
    and the idf of the corpus as it is now, and every row's confidence uses the same per-word
    weights, so base and added rows rank and compare on one scale. A hidden row leaves the
    document frequency of the words of the question it had exactly for words of up to
    ``EXACT_DF_UP_TO`` entries (rare words, where it matters: an edited entry's own product
    code must not count twice); more common words keep it, a rounding error in their idf.
    """

    EXACT_DF_UP_TO = 5000

    def __init__(self, base: LexicalIndex, hidden: np.ndarray, docs: list[list[str]]):
        self.base = base
        self.offset = base.num_docs
        self.num_docs = self.offset + len(docs)  # rows, hidden ones included
        self._hidden_rows = np.flatnonzero(hidden)
        self._live = np.where(hidden, 0.0, 1.0).astype(np.float32) if self._hidden_rows.size else None
        self._live_docs = max(self.num_docs - self._hidden_rows.size, 1)
        avgdl = base.avgdl if base.num_docs else (sum(map(len, docs)) / len(docs) if docs else 1.0)
        # The added documents' postings as flat arrays sorted by term (few Python objects:
        # the garbage collector's full passes stay short).
        self._term_ids: dict[str, int] = {}
        term_ids, rows, tfs, lengths = [], [], [], []
        for row, terms in enumerate(docs):
            for term, tf in Counter(terms).items():
                term_ids.append(self._term_ids.setdefault(term, len(self._term_ids)))
                rows.append(row)
                tfs.append(tf)
                lengths.append(len(terms))
        order = np.argsort(np.asarray(term_ids, dtype=np.int64), kind="stable")
        self._rows = np.asarray(rows, dtype=np.int64)[order]
        parts = term_frequency_part(np.asarray(tfs, dtype=np.float64), np.asarray(lengths, dtype=np.float64), avgdl)
        self._parts = parts[order]
        self._bounds = np.searchsorted(np.asarray(term_ids, dtype=np.int64)[order], np.arange(len(self._term_ids) + 1))
        self._max_idf = float(math.log(1.0 + (self._live_docs + 0.5) / 0.5))

    def _posting(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The added rows (counted from 0) that use ``term``, and its term-frequency part in each."""
        slot = self._term_ids.get(term)
        if slot is None:
            return None
        start, end = self._bounds[slot], self._bounds[slot + 1]
        return self._rows[start:end], self._parts[start:end]

    def knows(self, term: str) -> bool:
        return term in self._term_ids or self._base_df(term) > 0

    def _base_df(self, term: str) -> int:
        term_id = self.base.vocab.get(term)
        if term_id is None:
            return 0
        df = int(self.base.df[term_id])
        if self._hidden_rows.size and df <= self.EXACT_DF_UP_TO:
            df -= int(np.isin(self._column_rows(term_id), self._hidden_rows, assume_unique=True).sum())
        return df

    def _column_rows(self, term_id: int) -> np.ndarray:
        return self.base._column(term_id)[0]

    def _idf(self, term: str) -> float:
        posting = self._posting(term)
        df = self._base_df(term) + (0 if posting is None else posting[0].size)
        return float(lucene_idf(self._live_docs, df)) if df else 0.0

    def slot_weights(self, query: QueryTerms) -> np.ndarray:
        weights = np.empty(len(query.slots), dtype=np.float64)
        for i, slot in enumerate(query.slots):
            weights[i] = self._idf(slot.head) or UNKNOWN_WORD_WEIGHT * self._max_idf
        return weights

    def _added_scores(self, query: QueryTerms) -> np.ndarray:
        total = np.zeros(self.num_docs - self.offset, dtype=np.float32)
        for term, weight in query.weighted.items():
            posting = self._posting(term)
            if posting is not None:
                total[posting[0]] += weight * self._idf(term) * posting[1]
        return total

    def search(self, query: QueryTerms, *, k: int, row_weight: np.ndarray | None = None) -> LexicalResult:
        if not query.slots or self.num_docs == 0:
            return _empty()
        base_weight = self._live
        if row_weight is not None:
            own = row_weight[: self.offset]
            base_weight = own if base_weight is None else base_weight * own
        base_total = self.base.scores(query, base_weight)
        if base_total is None:
            base_total = np.zeros(self.offset, dtype=np.float32)
        added = self._added_scores(query)
        if row_weight is not None:
            added = added * row_weight[self.offset :]
        total = np.concatenate([base_total, added])
        return self._best(query, total, k, row_weight)

    def usage(self, term: str, rows: np.ndarray) -> np.ndarray:
        out = np.zeros(rows.size, dtype=np.float64)
        in_base = rows < self.offset
        if in_base.any():
            out[in_base] = self.base.usage(term, rows[in_base])
        posting = self._posting(term)
        if posting is not None and not in_base.all():
            parts = np.zeros(self.num_docs - self.offset)
            parts[posting[0]] = posting[1]
            out[~in_base] = _usage(parts[rows[~in_base] - self.offset])
        return out
