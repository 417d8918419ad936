"""Recognising which product a customer's message is about.

Each product name is split into words (stemmed); a message earns points for each name
word it uses, directly, with a typo, as a compound ("smart watch" -> "Smartwatch"), or
through a shop synonym ("coffee machine" -> "Coffee Maker"). The brand (first word)
and the kind of product (last word) weigh most. A product is named when it scores at
least one full word's worth and beats every other product.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from knowledge.search.text import SYNONYMS, STOP_WORDS, stem, words

_MIN_SCORE = 1.0


class ProductMatcher:
    def __init__(self, product_names: list[str]):
        self.names = sorted({name.strip() for name in product_names if name.strip()})
        self._products: list[tuple[str, list[tuple[str, float]]]] = []
        for name in self.names:
            parts = [w for w in words(name) if w not in STOP_WORDS]
            weighted = []
            for i, word in enumerate(parts):
                edge = i == 0 or i == len(parts) - 1
                weighted.append((stem(word), 1.0 if edge or len(parts) == 1 else 0.5))
            self._products.append((name, weighted))

    def _message_stems(self, text: str) -> set[str]:
        raw = words(text[:1000])
        # "in case" is an idiom, not a phone case.
        raw = [w for i, w in enumerate(raw) if not (w == "case" and i > 0 and raw[i - 1] == "in")]
        found = {stem(w) for w in raw}
        for left, right in zip(raw, raw[1:]):
            found.add(stem(left + right))
        for term in list(found):
            found.update(SYNONYMS.get((term,), ()))
        return found

    @staticmethod
    def _uses(stems: set[str], word: str) -> float:
        if word in stems:
            return 1.0
        if len(word) >= 5:
            for candidate in stems:
                if abs(len(candidate) - len(word)) <= 1 and OSA.distance(candidate, word, score_cutoff=1) <= 1:
                    return 0.9
        return 0.0

    def match(self, text: str) -> str | None:
        if not self.names or not text or not text.strip():
            return None
        stems = self._message_stems(text)
        scored = []
        for name, parts in self._products:
            score = sum(weight * self._uses(stems, word) for word, weight in parts)
            scored.append((score, name))
        scored.sort(reverse=True)
        best_score, best = scored[0]
        if best_score < _MIN_SCORE * 0.9:
            return None
        if len(scored) > 1 and scored[1][0] >= best_score:
            return None
        return best
