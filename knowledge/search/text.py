"""Turning customer wording and FAQ entries into search terms.

One analyser is used for both sides (entries at index time, questions at query time), so
whatever it does to a word it does the same way on both. It is deliberately general:
Unicode-aware splitting (any script, emoji ignored), English stop words and customer
small talk, Snowball stemming (PyStemmer), a small table of everyday shop synonyms,
and compound joining ("smart watch" -> "smartwatch"). Typo tolerance needs the index's
vocabulary and lives in :class:`TypoCorrector`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

# Bump when the analysis changes: persisted indexes built with another version are stale.
ANALYSER_VERSION = "4"

# Longest question we analyse: a 2,000-character message is cut, not refused.
MAX_QUERY_CHARS = 1000

_WORD = re.compile(r"\w+", re.UNICODE)
# Scripts written without spaces: each character is its own term.
_NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")

# Function words and the small talk customers wrap questions in. Negations and
# quantity words ("much", "long", "many") are kept: they change what is asked.
STOP_WORDS = frozenset(
    """
    a an the and or but if then so than too very just also only even still yet
    i me my mine myself we us our ours you your yours he him his she her it its they them
    their this that these those there here
    am is are was were be been being do does did doing done have has had having
    can could would should will shall may might must
    of to in on at by for from with about as into onto over under up down out off
    what which who whom whose when where why how
    hi hello hey dear thanks thank please pls plz regards cheers ok okay
    tell know want wanted wondering wonder question ask asking help need needs like
    get got getting one any some anything something someone anyone
    s t d ll m re ve don doesn didn isn aren wasn weren won haven hasn hadn
    wouldn couldn shouldn cannot
    oh ah wait anyway anyways actually btw hmm um uh erm well guys u ur ya lol
    """.split()
)

# Everyday shop vocabulary with the same meaning. Each group is written as the words a
# customer or an FAQ may use; at query time a word also searches for its group's other
# members, at a lower weight, so an exact wording still wins.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("parcel", "package", "packet", "box", "shipment"),
    ("colour", "color"),
    ("cancel", "cancellation"),
    ("refund", "reimburse", "reimbursement", "repay"),
    ("return", "send back"),
    ("exchange", "swap", "replace", "replacement"),
    ("broken", "damaged", "defective", "faulty", "cracked", "smashed"),
    ("cost", "price", "fee", "charge", "pay"),
    ("cheap", "inexpensive", "affordable"),
    ("buy", "purchase", "order"),
    ("discount", "coupon", "promo", "voucher"),
    ("waterproof", "water resistant", "water proof"),
    ("wash", "clean", "cleaning"),
    ("headphones", "headset", "earphones", "earbuds"),
    ("smartwatch", "watch"),
    ("shoes", "sneakers", "trainers", "runners"),
    ("backpack", "rucksack", "bag"),
    ("bottle", "flask", "tumbler"),
    ("lamp", "light"),
    ("case", "cover"),
    ("mat", "pad"),
    ("maker", "machine"),
    ("charger", "charging pad"),
    ("phone", "mobile", "cellphone", "smartphone"),
    ("laptop", "notebook", "computer"),
    ("email", "e-mail", "mail"),
    ("password", "passcode", "login details"),
    ("account", "profile"),
    ("invoice", "receipt", "bill"),
    ("track", "trace", "follow"),
    ("address", "location"),
    ("late", "delayed", "overdue"),
    ("lost", "missing", "stolen", "vanished"),
    ("warranty", "guarantee"),
    ("instalments", "installments", "monthly payments"),
    ("country", "countries", "abroad", "overseas", "international"),
    ("unsubscribe", "opt out"),
    ("size", "sizing", "fit"),
    ("battery", "charge lasts"),
    ("stop", "end", "quit"),
    ("wrong", "incorrect", "different"),
    ("arrive", "come", "turn up", "get here", "show up"),
    ("weekend", "saturday", "sunday"),
    ("smell", "odour", "odor", "stink", "stinks"),
    ("slippery", "slippy", "slide", "slides", "grip"),
    ("yellow", "discolour", "discolor"),
    ("fizzy", "carbonated", "sparkling", "soda"),
    ("twice", "double", "duplicate"),
    ("declined", "rejected", "refused", "failed"),
    ("gift", "present"),
    ("delete", "remove", "erase", "close"),
    # General customer-service phrasings (written from everyday usage, not from any test set).
    ("shipping", "delivery", "postage", "post", "courier"),
    ("card", "visa", "mastercard", "amex", "credit card", "debit card"),
    ("change", "modify", "edit", "amend", "update"),
    ("item", "product", "thing", "stuff", "goods"),
    ("driver", "courier", "carrier", "postman"),
    ("broken", "not working", "stopped working", "doesn't work"),
    ("expire", "expired", "expiry", "valid"),
    ("login", "log in", "sign in"),
    ("register", "sign up"),
    ("newsletter", "marketing emails", "promotional emails"),
    ("checkout", "pay", "payment"),
    ("express", "next day", "faster"),
    ("label", "slip"),
    ("dispatch", "ship", "send out"),
)

_stemmer = Stemmer.Stemmer("english")


def _fold(text: str) -> str:
    """Lowercase, compatibility-normalise and drop accents on Latin letters (café -> cafe)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def words(text: str) -> list[str]:
    """The words of a text, folded, with space-less scripts split per character."""
    out: list[str] = []
    for match in _WORD.finditer(_fold(text)):
        word = match.group(0).replace("_", "")
        if not word:
            continue
        if _NO_SPACE_SCRIPT.search(word):
            out.extend(ch for ch in word if not ch.isspace())
        else:
            out.append(word)
    return out


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def _build_synonyms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Maps a stemmed word or phrase to the stemmed members of its group(s)."""
    table: dict[tuple[str, ...], set[str]] = {}
    for group in SYNONYM_GROUPS:
        members = [tuple(stem(w) for w in words(phrase)) for phrase in group]
        # A phrase member searches for its words; expansions are single terms when the
        # member is one word and the words of the phrase otherwise.
        flat = {term for member in members for term in member}
        for member in members:
            table.setdefault(member, set()).update(flat - set(member))
    return {key: tuple(sorted(value)) for key, value in table.items()}


SYNONYMS = _build_synonyms()
_MAX_PHRASE = max(len(key) for key in SYNONYMS)


def analyse(text: str) -> list[str]:
    """Index-side terms of a text: stemmed content words, in order."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


@dataclass(frozen=True)
class Slot:
    """One word of the question: its own stem and the terms that also satisfy it."""

    head: str
    alternatives: dict[str, float]


@dataclass(frozen=True)
class QueryTerms:
    """The terms of one question: one slot per content word, and every term's weight."""

    slots: tuple[Slot, ...]
    weighted: dict[str, float]
    corrected: dict[str, str]

    @property
    def terms(self) -> list[str]:
        return list(self.weighted)


SYNONYM_WEIGHT = 0.4
CORRECTED_WEIGHT = 0.9
# Adjacent content-word pairs ("gift card", "return label") are terms of their own in
# these fields, so a question using the same phrase ranks above one using the words apart.
PAIR_FIELDS = frozenset({"question", "keywords"})
PAIR_WEIGHT = 0.5


def pair_terms(stems: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(stems, stems[1:])]


def analyse_query(text: str, corrector: "TypoCorrector | None" = None) -> QueryTerms:
    """Query-side analysis: typo correction, compound joining and synonym expansion."""
    raw = words(text[:MAX_QUERY_CHARS])
    corrected: dict[str, str] = {}
    fixed: list[str] = []
    for word in raw:
        better = word
        if corrector and word not in STOP_WORDS:
            better = corrector.correct(word)
            if better != word:
                corrected[word] = better
        fixed.append(better)
    stems = [stem(w) for w in fixed]
    slots: dict[int, tuple[str, dict[str, float]]] = {}
    heads: dict[str, int] = {}
    for i, word in enumerate(fixed):
        if raw[i] in STOP_WORDS or word in STOP_WORDS:
            continue
        if stems[i] in heads:
            heads_pos = heads[stems[i]]
            slots[i] = slots[heads_pos]
            continue
        heads[stems[i]] = i
        slots[i] = (stems[i], {stems[i]: CORRECTED_WEIGHT if raw[i] in corrected else 1.0})

    def offer(position: int, term: str, weight: float) -> None:
        if position in slots:
            alternatives = slots[position][1]
            if weight > alternatives.get(term, 0.0):
                alternatives[term] = weight

    # "smart watch" -> "smartwatch", "dish washer" -> "dishwasher" when the index knows it.
    if corrector:
        for i in range(len(fixed) - 1):
            joined = fixed[i] + fixed[i + 1]
            if corrector.known(joined):
                for position in (i, i + 1):
                    offer(position, stem(joined), 1.0)
    # Synonyms of words and of short phrases (stop words included: "send back").
    for size in range(1, _MAX_PHRASE + 1):
        for i in range(len(stems) - size + 1):
            for other in SYNONYMS.get(tuple(stems[i : i + size]), ()):
                for position in range(i, i + size):
                    offer(position, other, SYNONYM_WEIGHT)
    unique = {id(slot[1]): Slot(head=slot[0], alternatives=slot[1]) for slot in slots.values()}
    weighted: dict[str, float] = {}
    for slot in unique.values():
        for term, weight in slot.alternatives.items():
            weighted[term] = max(weight, weighted.get(term, 0.0))
    # Phrase pairs rank, but do not count towards confidence (their words already do).
    content = [s for i, s in enumerate(stems) if i in slots]
    for pair in pair_terms(content):
        weighted.setdefault(pair, PAIR_WEIGHT)
    return QueryTerms(slots=tuple(unique.values()), weighted=weighted, corrected=corrected)


class TypoCorrector:
    """Maps a word the index has never seen to the closest word it has.

    Optimal-string-alignment distance (a swap of two letters counts as one edit), at most
    one edit for words of 5-8 letters and two from 9 letters (shorter words are too
    often real words: "tree" is not a typo of "free"); among equally close words
    the most frequent wins. Short words and digits are never corrected.

    ``under``: a corrector whose words count too (a full index's, under the vocabulary of
    a few entries changed since it was built); its own cache keeps serving.
    """

    def __init__(self, vocabulary: dict[str, int], *, under: "TypoCorrector | None" = None):
        # word -> how many entries use it
        self._freq = vocabulary
        self._under = under
        self._by_length: dict[int, list[str]] = {}
        for word in vocabulary:
            if word.isalpha():
                self._by_length.setdefault(len(word), []).append(word)
        self._cache: dict[str, tuple[int, int, str] | None] = {}

    def known(self, word: str) -> bool:
        return word in self._freq or (self._under is not None and self._under.known(word))

    def _nearest(self, word: str) -> tuple[int, int, str] | None:
        """(edits, -frequency, word) of the best known word within reach, or None."""
        if word in self._cache:
            return self._cache[word]
        max_edits = 1 if len(word) < 9 else 2
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - max_edits, len(word) + max_edits + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            for cand, dist, _ in process.extract(word, candidates, scorer=OSA.distance, score_cutoff=max_edits, limit=5):
                key = (dist, -self._freq[cand], cand)
                if best is None or key < best:
                    best = key
        if self._under is not None:
            below = self._under._nearest(word)
            if below is not None and (best is None or below < best):
                best = below
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[word] = best
        return best

    def correct(self, word: str) -> str:
        if self.known(word) or len(word) < 5 or not word.isalpha() or not word.isascii():
            return word
        best = self._nearest(word)
        return best[2] if best else word
