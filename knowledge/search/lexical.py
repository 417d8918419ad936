"""The lexical ranking: BM25 (bm25s) plus a size-independent confidence.

bm25s does the BM25 maths (Lucene variant) over a sparse matrix of precomputed
term-document scores, so a query costs a few column sums whatever the corpus size.

BM25 scores are not comparable across corpora, so the *confidence* a threshold is set
on is computed separately, per candidate: the idf-weighted share of the question's
words that the entry matches, each word counting fully when the entry uses it (or a
typo-corrected form, or a compound) and partly through a synonym. A word the index has
never seen counts against the confidence: "Do you sell cars?" matches "sell" but not
"cars", so it is not confidently the gift-card entry.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

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


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25 | None):
        self.retriever = retriever
        if retriever is None:  # an empty knowledge base
            self.vocab, self.num_docs, self.max_idf = {}, 0, 0.0
            self.idf = np.zeros(0)
            return
        self.vocab: dict[str, int] = retriever.vocab_dict
        indptr = retriever.scores["indptr"]
        self.num_docs = int(retriever.scores["num_docs"])
        df = np.diff(indptr).astype(np.float64)
        n = max(self.num_docs, 1)
        self.idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        self.max_idf = float(math.log(1.0 + (n + 0.5) / 0.5))

    @classmethod
    def build(cls, corpus_terms: list[list[str]], *, show_progress: bool = False) -> "LexicalIndex":
        if not corpus_terms:
            return cls(None)
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.index(corpus_terms, show_progress=show_progress)
        return cls(retriever)

    def save(self, directory: Path) -> None:
        if self.retriever is None:
            return
        self.retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        return cls(bm25s.BM25.load(str(directory), mmap=False, show_progress=False, verbosity=0))

    def _column(self, term_id: int) -> tuple[np.ndarray, np.ndarray]:
        s = self.retriever.scores
        start, end = s["indptr"][term_id], s["indptr"][term_id + 1]
        return s["indices"][start:end], s["data"][start:end]

    def search(self, query: QueryTerms, *, k: int, row_weight: np.ndarray | None = None) -> LexicalResult:
        empty = LexicalResult(np.empty(0, np.int64), np.empty(0, np.float32), np.empty(0, np.float32))
        if self.num_docs == 0 or not query.slots:
            return empty
        by_weight: dict[float, list[int]] = {}
        for term, weight in query.weighted.items():
            term_id = self.vocab.get(term)
            if term_id is not None:
                by_weight.setdefault(weight, []).append(term_id)
        if not by_weight:
            return empty
        total = None
        for weight, ids in by_weight.items():
            part = self.retriever.get_scores_from_ids(ids)
            total = part * weight if total is None else total + part * weight
        if row_weight is not None:
            total = total * row_weight
        k = min(k, self.num_docs)
        top = np.argpartition(-total, k - 1)[:k]
        top = top[total[top] > 0]
        if top.size == 0:
            return empty
        confidence = self._confidence(query, top)
        if row_weight is not None:
            confidence = confidence * np.minimum(row_weight[top], 1.0)
        return LexicalResult(top, total[top], confidence)

    def confidence_for(self, query: QueryTerms, rows: np.ndarray, row_weight: np.ndarray | None) -> np.ndarray:
        confidence = self._confidence(query, rows)
        if row_weight is not None:
            confidence = confidence * np.minimum(row_weight[rows], 1.0)
        return confidence

    def _confidence(self, query: QueryTerms, rows: np.ndarray) -> np.ndarray:
        """idf-weighted share of the question's words each row matches, in 0..1."""
        match_cache: dict[str, np.ndarray] = {}

        def matched(term: str) -> np.ndarray:
            # How fully each row uses the term: its BM25 contribution over the term's
            # idf (1 for one use in an entry of average length), capped at 1.
            if term in match_cache:
                return match_cache[term]
            out = np.zeros(rows.size, dtype=np.float64)
            term_id = self.vocab.get(term)
            if term_id is not None:
                idx, data = self._column(term_id)
                hit = np.isin(idx, rows)
                if hit.any():
                    pos = {int(r): i for i, r in enumerate(rows)}
                    for doc, score in zip(idx[hit], data[hit]):
                        out[pos[int(doc)]] = score
                out = np.minimum(out / max(self.idf[term_id], 1e-9), 1.0)
                # A word used once in a long entry still counts as used.
                out = np.where(out > 0, 0.6 + 0.4 * out, 0.0)
            match_cache[term] = out
            return out

        num = np.zeros(rows.size, dtype=np.float64)
        den = 0.0
        for slot in query.slots:
            head_id = self.vocab.get(slot.head)
            weight = float(self.idf[head_id]) if head_id is not None else UNKNOWN_WORD_WEIGHT * self.max_idf
            best = np.zeros(rows.size, dtype=np.float64)
            for term, term_weight in slot.alternatives.items():
                best = np.maximum(best, term_weight * matched(term))
            num += weight * best
            den += weight
        if den == 0:
            return np.zeros(rows.size, dtype=np.float32)
        return (num / den).astype(np.float32)


def save_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload), encoding="utf-8")
