"""The searchable snapshot of the published FAQ: building, searching, saving.

A :class:`KnowledgeIndex` is immutable: built from the published entries at one
knowledge-base version (see :mod:`knowledge.versioning`), searched by any number
of threads; :mod:`knowledge.search.holder` keeps each process's current one. Indexes of
``KB_INDEX_PERSIST_MIN_ENTRIES`` entries or more are saved under ``KB_INDEX_DIR`` keyed
by version, so a restart with an unchanged knowledge base loads instead of rebuilding.
Each row keeps its entry's ``updated_at`` stamp, so the entries changed since an index
was built can be found without rebuilding it (:mod:`knowledge.search.overlay`). The
entries are read from the database through :mod:`knowledge.search.source`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from knowledge.search import confidence
from knowledge.search import embeddings as emb
from knowledge.search import source
from knowledge.search.embedding_store import embeddings_for_entries
from knowledge.search.entries import EntryText
from knowledge.search.lexical import LexicalIndex
from knowledge.search.products import ProductMatcher
from knowledge.search.text import (
    ANALYSER_VERSION,
    PAIR_FIELDS,
    STOP_WORDS,
    SYNONYMS,
    TypoCorrector,
    analyse_query,
    pair_terms,
    stem,
    words,
)

logger = logging.getLogger(__name__)

RRF_K = 60
# The semantic list's weight in the fusion (the lexical list weighs 1).
SEMANTIC_RRF_WEIGHT = 1.0
# Candidates: the union of both rankings, cut by reciprocal rank fusion. Order: "score" sorts
# them by the fused confidence (half lexical, half semantic), "rrf" by the fusion itself.
FUSION = "score"
LEXICAL_SHARE = 0.3
# Ranking boost for entries about the product the customer is talking about, and the
# damping for entries about another product (confidence too: an answer about the
# smartwatch is not a confident answer to a question about headphones).
SAME_PRODUCT_BOOST = 1.3
OTHER_PRODUCT_WEIGHT = 0.6
SHOP_WIDE_WEIGHT = 0.9
# A question word an entry uses at least this fully (see lexical._usage) counts as a strong match:
# about twice at the average entry length, as a word of the question or keywords (indexed twice) is.
STRONG_USAGE = 0.82
# Stems of words that ask about an amount or a time but name no subject.
SHAPE_WORDS = frozenset({"much", "mani", "long", "time", "soon", "often", "fast", "quick", "old", "big"})


def _shape_word(head: str) -> bool:
    return head in SHAPE_WORDS or head.isdigit()


# Cosine similarity mapped to confidence: at or below LOW means nothing, HIGH and above is certain.
SEMANTIC_LOW, SEMANTIC_HIGH = 0.10, 1.00


@dataclass(frozen=True)
class RankedEntry:
    entry_id: int
    score: float  # confidence, 0..1
    lexical: float  # lexical confidence
    semantic: float | None  # cosine similarity, when embeddings are on
    bm25: float


# How many times each field is indexed: the question and keywords are written for search.
FIELD_REPEATS = (("question", 2), ("keywords", 2), ("product", 1), ("category", 1), ("answer", 1))
# Ranking: coverage of the question (confidence) first, BM25 to separate near-ties.
RANK_BM25_WEIGHT = 0.6


def _phrases(entry: EntryText, field_name: str) -> list[str]:
    value = getattr(entry, field_name)
    return value.split(",") if field_name == "keywords" else [value]


def entry_terms(entry: EntryText, vocabulary: Counter) -> list[str]:
    """An entry's index terms: stemmed content words, plus adjacent-word pairs of the question and keywords."""
    seen: set[str] = set()
    terms: list[str] = []
    for field_name, repeats in FIELD_REPEATS:
        field_terms: list[str] = []
        for phrase in _phrases(entry, field_name):
            stems = []
            for word in words(phrase):
                if word in STOP_WORDS:
                    continue
                seen.add(word)
                stems.append(stem(word))
            field_terms.extend(stems)
            if field_name in PAIR_FIELDS:
                field_terms.extend(pair_terms(stems))
        terms.extend(field_terms * repeats)
    vocabulary.update(seen)
    return terms


def _typos_corrected(query: str, corrected: dict[str, str]) -> str:
    """The question with the words typo correction fixed, for the embedding model: it has
    never seen "retrun polcy" and would place it far from "return policy"."""
    if not corrected:
        return query
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(corrected, key=len, reverse=True))) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: corrected.get(m.group(0).casefold(), m.group(0)), query)


def _lexical_order(lex_conf: dict[int, float], bm25: dict[int, float]) -> list[int]:
    top = max(bm25.values(), default=1.0) or 1.0
    return sorted(lex_conf, key=lambda r: lex_conf[r] + RANK_BM25_WEIGHT * bm25[r] / top, reverse=True)


def _merge(first: dict, second: dict | None, limit: int) -> dict:
    """Two searches' rows as one ranking: each row keeps its better key (and that search's
    features), best first; the margin is taken again against the merged ranking."""
    if not second:
        return first
    key: dict[int, float] = {}
    for found in (first, second):
        for row, k in zip(found["order"], found["all_keys"]):
            key[int(row)] = max(float(k), key.get(int(row), -np.inf))
    order = sorted(key, key=key.get, reverse=True)
    # A row in the merged top ``limit`` is in the top ``limit`` of the search that keyed it best.
    pick = []
    for row in order[:limit]:
        for found in (first, second):
            at = np.flatnonzero(found["rows"] == row)
            if at.size and float(found["keys"][at[0]]) == key[row]:
                pick.append((found, int(at[0])))
                break
    keys = np.asarray([key[r] for r in order], dtype=np.float64)
    top = keys[: len(pick)]
    best_other = np.where(np.arange(top.size) == 0, keys[1] if keys.size > 1 else 0.0, keys[0])
    features = {name: np.asarray([f["features"][name][i] for f, i in pick]) for name in first["features"]}
    features["margin"] = top - best_other
    return {
        "rows": np.asarray(order[: len(pick)], dtype=np.int64),
        "keys": top,
        "order": order,
        "all_keys": keys,
        "features": features,
        "lexical": np.asarray([f["lexical"][i] for f, i in pick]),
        "sims": None if first["sims"] is None else np.asarray([f["sims"][i] for f, i in pick]),
        "bm25": np.asarray([f["bm25"][i] for f, i in pick]),
    }


class KnowledgeIndex:
    """The published entries at one knowledge-base version, searchable by any number of threads.

    Row ``r`` is entry ``entry_ids[r]``, last updated at ``stamps[r]`` (microseconds), about
    product ``product_names[product_codes[r]]`` (-1: shop-wide), with embedding ``vectors[r]``.
    """

    def __init__(
        self,
        *,
        fingerprint: str,
        entry_ids: np.ndarray,
        product_codes: np.ndarray,
        product_names: list[str],
        lexical: LexicalIndex,
        vocabulary: dict[str, int],
        vectors: np.ndarray | None,
        stamps: np.ndarray | None = None,
        corrector: TypoCorrector | None = None,
        live_products: list[str] | None = None,
        products: ProductMatcher | None = None,
        languages: np.ndarray | None = None,
    ):
        self.fingerprint = fingerprint
        self.entry_ids = entry_ids
        self.stamps = stamps if stamps is not None else np.zeros(entry_ids.size, dtype=np.int64)
        self.product_codes = product_codes
        # Each row's language code (FAQEntry.language): a customer is answered from their own.
        self.languages = languages if languages is not None else np.full(entry_ids.size, "en", dtype="<U8")
        # The code table, and the names that have a published entry (the same for a full index).
        self.product_table = product_names
        self.product_names = live_products if live_products is not None else product_names
        self.lexical = lexical
        self.vocabulary = vocabulary
        self.corrector = corrector or TypoCorrector(vocabulary)
        self.vectors = vectors
        self.products = products or ProductMatcher(self.product_names)
        code = {name: i for i, name in enumerate(product_names)}
        self._product_code = {name.casefold(): code[name] for name in self.product_names}

    def __len__(self) -> int:
        return int(self.entry_ids.size)

    @property
    def watermark(self) -> int:
        """The newest entry's ``updated_at`` stamp: entries changed later are not in this index."""
        return int(self.stamps.max()) if self.stamps.size else 0

    # --- search ---------------------------------------------------------------------

    def _row_weight(self, product: str | None) -> np.ndarray | None:
        if not product:
            return None
        code = self._product_code.get(product.strip().casefold())
        if code is None:
            matched = self.products.match(product)
            code = self._product_code.get(matched.casefold()) if matched else None
        if code is None:
            return None
        weight = np.where(self.product_codes == -1, SHOP_WIDE_WEIGHT, OTHER_PRODUCT_WEIGHT).astype(np.float32)
        weight[self.product_codes == code] = SAME_PRODUCT_BOOST
        return weight

    def search(self, query: str, *, limit: int = 5, product: str | None = None, language: str | None = None) -> list[RankedEntry]:
        hits = self.candidates(query, limit=limit, product=product, language=language)
        if hits is None:
            return []
        rows, features, lexical, sims, bm25s_ = hits
        score = confidence.hit_scores(features, semantic=sims is not None)
        # Best first, whatever the model says about a lower hit: a hit never outscores one ranked above it.
        score = np.minimum.accumulate(score)
        return [
            RankedEntry(
                int(self.entry_ids[r]),
                float(score[i]),
                float(lexical[i]),
                None if sims is None else float(sims[i]),
                float(bm25s_[i]),
            )
            for i, r in enumerate(rows)
        ]

    def candidates(self, query: str, *, limit: int = 5, product: str | None = None, language: str | None = None):
        """The best ``limit`` rows for ``query`` and the confidence model's features of each.

        Returns None for an empty index or question, else ``(rows, features, lexical
        confidence, cosine similarities or None, BM25 scores)``, row-aligned, best first.

        A question that names ``product`` is about a topic of that product: the shop-wide
        entries are searched for the topic alone as well ("what's the warranty on the yoga
        mat?" is a warranty question), while the product's own entries answer the question
        as asked. Each row keeps the better of the two searches.

        ``language``: only that language's entries (None: every entry).
        """
        if len(self) == 0 or not query or not query.strip():
            return None
        allowed = None
        if language is not None:
            allowed = self.languages == language
            if not allowed.any():
                return None
        row_weight = self._row_weight(product)
        found = self._run(query, limit=limit, row_weight=row_weight, allowed=allowed)
        topic = self._topic_of(query, product) if row_weight is not None else None
        if topic is not None:
            shop_wide = self.product_codes == -1
            if allowed is not None:
                shop_wide &= allowed
            shop_wide = self._run(topic, limit=limit, row_weight=row_weight, allowed=shop_wide)
            found = _merge(found, shop_wide, limit) if found else shop_wide
        if not found:
            return None
        return found["rows"], found["features"], found["lexical"], found["sims"], found["bm25"]

    def _topic_of(self, query: str, product: str | None) -> str | None:
        """``query`` without the words that name ``product`` (None: nothing else is left, or
        it names no product)."""
        matched = self.products.match(product or "") or ""
        name_stems = {stem(w) for w in words(matched) if w not in STOP_WORDS}
        if not name_stems:
            return None
        # A product's kind as customers say it ("coffee machine" for the Coffee Maker).
        kinds = {other for term in name_stems for other in SYNONYMS.get((term,), ())} | name_stems
        dropped = {w for w in words(query) if stem(w) in name_stems or set(SYNONYMS.get((stem(w),), ())) & kinds}
        if not dropped:
            return None
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(dropped, key=len, reverse=True))) + r")\b", re.IGNORECASE)
        # The product's words become "product", as the shop-wide entries say ("What warranty do
        # your products come with?"): "is the coffee maker covered" -> "is the product covered".
        topic = re.sub(r"\x00(?:\W*\x00)*", " product ", pattern.sub("\x00", query))
        topic = " ".join(topic.split())
        if not analyse_query(topic, self.corrector).slots:
            return None
        return topic

    def _run(self, query: str, *, limit: int, row_weight: np.ndarray | None, allowed: np.ndarray | None = None):
        """One search of ``query`` over the ``allowed`` rows (all by default): rows best first,
        their ranking keys and features (see :meth:`candidates`); None when nothing matched."""
        terms = analyse_query(query, self.corrector)
        pool = max(limit * 6, 30)
        lex = self.lexical.search(terms, k=pool, row_weight=row_weight)
        lex_conf = {int(r): float(c) for r, c in zip(lex.rows, lex.confidence) if allowed is None or allowed[r]}
        bm25 = {int(r): float(s) for r, s in zip(lex.rows, lex.scores) if allowed is None or allowed[r]}
        if self.vectors is None:
            top = max(bm25.values(), default=1.0) or 1.0
            key = {r: lex_conf[r] + RANK_BM25_WEIGHT * bm25[r] / top for r in lex_conf}
            sims = None
        else:
            key, sims_all, query_vector = self._fused(query, terms, lex_conf, bm25, row_weight, pool, limit, allowed)
        order = sorted(key, key=key.get, reverse=True)
        if not order:
            return None
        rows = np.asarray(order[:limit], dtype=np.int64)
        keys = np.asarray([key[r] for r in order], dtype=np.float64)
        best_other = np.where(np.arange(rows.size) == 0, keys[1] if keys.size > 1 else 0.0, keys[0])
        lexical = np.asarray([lex_conf.get(int(r), 0.0) for r in rows], dtype=np.float64)
        scores = np.asarray([bm25.get(int(r), 0.0) for r in rows], dtype=np.float64)
        # Which question words each hit matches (fully, a typo-corrected or compound form, or
        # a synonym at most half way).
        matched = np.zeros((len(terms.slots), rows.size))
        for j, slot in enumerate(terms.slots):
            for term, weight in slot.alternatives.items():
                matched[j] = np.maximum(matched[j], weight * self.lexical.usage(term, rows))
        # Words that shape a question without naming its subject ("how much", "what time", a
        # number) do not count as matched: "thank you so much" is not about shipping costs.
        subject = np.array([not _shape_word(slot.head) for slot in terms.slots], dtype=bool)[:, None]
        hit = (matched >= 0.5) & subject
        unknown = sum(1 for slot in terms.slots if not any(self.lexical.knows(t) for t in slot.alternatives))
        features = {
            "coverage": lexical,
            "margin": keys[: rows.size] - best_other,
            "matched": np.log1p(hit.sum(axis=0)),
            "unknown": np.full(rows.size, math.log1p(unknown)),
            # Shape words are left out of the share too: "how much is shipping" is all about shipping.
            "strong": ((matched >= STRONG_USAGE) & subject).sum(axis=0) / max(int(subject.sum()), 1),
            "fused": keys[: rows.size] if self.vectors is not None else lexical,
        }
        if self.vectors is not None:
            sims = sims_all[rows]
            features["semantic"] = sims
            # The better of the two halves (question side, question with answer), each a plain
            # cosine: a question worded like the entry's own scores near 1 on the first, however
            # long the answer is.
            vectors = self._row_vectors(rows)
            half = vectors.shape[1] // 2
            features["semantic_best"] = 2.0 * np.maximum(
                vectors[:, :half] @ query_vector[:half], vectors[:, half:] @ query_vector[half:]
            )
            finite = sims_all[np.isfinite(sims_all)]
            top_two = np.partition(finite, finite.size - 2)[-2:] if finite.size > 1 else (finite if finite.size else np.zeros(1))
            best = float(top_two[-1])
            second = float(top_two[0]) if top_two.size > 1 else 0.0
            # How far a hit stands out from the rest of this knowledge base (its size and
            # wording set the scale: a FAQ about one topic scores every entry high).
            features["semantic_margin"] = sims - np.where(sims >= best, second, best)
            spread = float(finite.std()) if finite.size > 1 else 1.0
            features["semantic_z"] = (sims - float(finite.mean() if finite.size else 0.0)) / max(spread, 1e-3)
        return {
            "rows": rows,
            "keys": keys[: rows.size],
            "order": order,
            "all_keys": keys,
            "features": features,
            "lexical": lexical,
            "sims": sims,
            "bm25": scores,
        }

    def _fused(self, query, terms, lex_conf, bm25, row_weight, pool, limit, allowed=None):
        """The candidates of both rankings, cut by reciprocal rank fusion, keyed by their fused
        confidence (half lexical, half semantic); and every row's cosine similarity."""
        qv = emb.embed_query(_typos_corrected(query, terms.corrected))
        sims = self._similarities(qv)
        if allowed is not None:
            sims = np.where(allowed, sims, -np.inf)
        if row_weight is not None:
            # Another product's entries are damped; shop-wide ones are not: a cosine is a
            # narrow scale, and 10% off put "can I return the headphones?" above the shop's
            # warranty entry for "what's the warranty on the headphones?".
            sims = sims * np.where(row_weight < SHOP_WIDE_WEIGHT, row_weight, 1.0)
        pool = min(pool, sims.size)
        sem_rows = np.argpartition(-sims, pool - 1)[:pool]
        sem_rows = sem_rows[np.argsort(-sims[sem_rows])]
        sem_rows = sem_rows[np.isfinite(sims[sem_rows])]  # rows that are not searchable
        lex_order = _lexical_order(lex_conf, bm25)
        fused: dict[int, float] = {}
        for rank, row in enumerate(lex_order):
            fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, row in enumerate(sem_rows):
            fused[int(row)] = fused.get(int(row), 0.0) + SEMANTIC_RRF_WEIGHT / (RRF_K + rank + 1)
        rows = np.array(sorted(fused, key=fused.get, reverse=True)[: max(limit, 10)], dtype=np.int64)
        missing = np.array([r for r in rows if r not in lex_conf], dtype=np.int64)
        if missing.size:
            extra = self.lexical.confidence_for(terms, missing, row_weight)
            lex_conf.update({int(r): float(c) for r, c in zip(missing, extra)})
        key: dict[int, float] = {}
        for row in rows:
            row = int(row)
            sem_conf = min(max((float(sims[row]) - SEMANTIC_LOW) / (SEMANTIC_HIGH - SEMANTIC_LOW), 0.0), 1.0)
            confidence = LEXICAL_SHARE * lex_conf.get(row, 0.0) + (1 - LEXICAL_SHARE) * sem_conf
            # The fusion only breaks ties (FUSION == "rrf" orders by it outright).
            key[row] = confidence + 1e-6 * fused[row] if FUSION == "score" else fused[row]
        return key, sims, qv

    def _row_vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of ``rows`` (an overlay numbers its own rows after the base's)."""
        assert self.vectors is not None
        return self.vectors[rows]

    def _similarities(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of every row to the question (-inf: a row that must not match)."""
        return self.vectors @ query_vector

    def explain(self, query: str) -> dict:
        terms = analyse_query(query, self.corrector)
        return {
            "terms": {slot.head: sorted(slot.alternatives) for slot in terms.slots},
            "corrected": terms.corrected,
        }

    # --- persistence ----------------------------------------------------------------

    def save(self, directory: Path) -> None:
        tmp = directory.with_name(directory.name + f".tmp{threading.get_ident()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.lexical.save(tmp / "lexical")
        np.save(tmp / "entry_ids.npy", self.entry_ids)
        np.save(tmp / "stamps.npy", self.stamps)
        np.save(tmp / "product_codes.npy", self.product_codes)
        np.save(tmp / "languages.npy", self.languages)
        if self.vectors is not None:
            np.save(tmp / "vectors.npy", self.vectors)
        meta = {
            "fingerprint": self.fingerprint,
            "product_names": self.product_table,
            "vocabulary": self.vocabulary,
            "avgdl": self.lexical.avgdl,
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        shutil.rmtree(directory, ignore_errors=True)
        tmp.rename(directory)

    @classmethod
    def load(cls, directory: Path) -> "KnowledgeIndex":
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        vectors_file = directory / "vectors.npy"
        return cls(
            fingerprint=meta["fingerprint"],
            entry_ids=np.load(directory / "entry_ids.npy"),
            stamps=np.load(directory / "stamps.npy"),
            product_codes=np.load(directory / "product_codes.npy"),
            languages=np.load(directory / "languages.npy"),
            product_names=meta["product_names"],
            lexical=LexicalIndex.load(directory / "lexical", avgdl=meta["avgdl"]),
            vocabulary=meta["vocabulary"],
            vectors=np.load(vectors_file) if vectors_file.exists() else None,
        )


def build_index_from_entries(
    entries, *, fingerprint: str, vectors: np.ndarray | None = None, show_progress: bool = False
) -> KnowledgeIndex:
    """Build from an iterable of :class:`EntryText` sorted by id (``vectors`` row-aligned)."""
    from tqdm import tqdm

    vocabulary: Counter = Counter()
    ids: list[int] = []
    stamps: list[int] = []
    products: list[str] = []
    languages: list[str] = []
    corpus: list[list[str]] = []
    iterator = tqdm(entries, desc="analysing entries", unit="entry", disable=not show_progress)
    for entry in iterator:
        ids.append(entry.id)
        stamps.append(entry.stamp)
        products.append(entry.product.strip())
        languages.append(entry.language)
        corpus.append(entry_terms(entry, vocabulary))
    product_names = sorted({p for p in products if p})
    code = {name: i for i, name in enumerate(product_names)}
    lexical = LexicalIndex.build(corpus, show_progress=show_progress)
    return KnowledgeIndex(
        fingerprint=fingerprint,
        entry_ids=np.asarray(ids, dtype=np.int64),
        stamps=np.asarray(stamps, dtype=np.int64),
        product_codes=np.asarray([code.get(p, -1) for p in products], dtype=np.int32),
        languages=np.asarray(languages, dtype="<U8"),
        product_names=product_names,
        lexical=lexical,
        vocabulary=dict(vocabulary),
        vectors=vectors,
    )


def build_index(*, fingerprint: str, show_progress: bool = False) -> KnowledgeIndex:
    """The full index of the published entries, read from the database now."""
    entries = source.published_entries()
    vectors = None
    if emb.embeddings_enabled():
        vectors = embeddings_for_entries(entries, show_progress=show_progress)
    return build_index_from_entries(entries, fingerprint=fingerprint, vectors=vectors, show_progress=show_progress)


def index_root() -> Path:
    return Path(getattr(settings, "KB_INDEX_DIR", Path(settings.BASE_DIR) / "var" / "kb_index"))


# Bump when what is saved changes: saved indexes of another format are not loaded.
STORAGE_FORMAT = 3


def _storage_key(fingerprint: str) -> str:
    raw = (
        f"{fingerprint}|{ANALYSER_VERSION}|fmt={STORAGE_FORMAT}|emb={emb.embeddings_enabled()}"
        f"|db={settings.DATABASES['default']['NAME']}"
    )
    return hashlib.sha1(raw.encode()).hexdigest()[:20]


def index_directory(fingerprint: str) -> Path:
    """Where the index of this knowledge-base version is saved."""
    return index_root() / _storage_key(fingerprint)


def load_saved(directory: Path) -> KnowledgeIndex | None:
    """The index saved in ``directory``, or None when there is none (or it is unreadable)."""
    if not (directory / "meta.json").exists():
        return None
    try:
        started = time.perf_counter()
        index = KnowledgeIndex.load(directory)
        logger.info("knowledge index loaded from %s in %.2fs", directory, time.perf_counter() - started)
        return index
    except Exception:
        logger.warning("knowledge index at %s unreadable; rebuilding", directory, exc_info=True)
        return None


def save_index(index: KnowledgeIndex, directory: Path) -> bool:
    """Save ``index`` (dropping all but the newest few saved ones); False when the disk refuses."""
    try:
        index.save(directory)
        _prune(directory)
        return True
    except OSError:
        logger.warning("knowledge index could not be saved to %s", directory, exc_info=True)
        return False


def load_or_build(fingerprint: str, *, show_progress: bool = False, persist: bool | None = None) -> KnowledgeIndex:
    """The index for this version: from disk when saved, else built (and saved if large, or ``persist``)."""
    directory = index_directory(fingerprint)
    index = load_saved(directory)
    if index is not None:
        return index
    started = time.perf_counter()
    index = build_index(fingerprint=fingerprint, show_progress=show_progress)
    logger.info("knowledge index built: %d entries in %.2fs", len(index), time.perf_counter() - started)
    if persist is None:
        persist = len(index) >= int(getattr(settings, "KB_INDEX_PERSIST_MIN_ENTRIES", 1000))
    if persist:
        save_index(index, directory)
    return index


def _prune(keep: Path, keep_count: int = 3) -> None:
    siblings = sorted(
        (p for p in keep.parent.iterdir() if p.is_dir() and ".tmp" not in p.name),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in siblings[keep_count:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
