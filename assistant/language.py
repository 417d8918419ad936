"""The customer's language: what a message is written in, and what the conversation speaks.

Detection uses lingua (offline n-gram models, nothing fetched) among ``DETECTABLE_LANGUAGES``:
the languages a shop may serve plus a few other common ones, so that a message in a
language the shop does not serve is recognised as such instead of being forced into the
nearest served one. The detector is built once per process with every model loaded
(about 300 MB and 1-3 s; ``assistant.warmup`` does it at start), then a message takes
well under a millisecond (benchmarks/language_detection.py).

Short chat messages are where detection goes wrong, so lingua's confidence is only half
of the decision (``detect_language``):
- only words count: order numbers, email addresses, links, digits, emoji and punctuation
  are removed first, so "ORD-1234", "jo@example.com" or "👍" decide nothing;
- a single word never decides ("ok", "no", "merci", "super", "smartwatch": the same, or
  used, in several languages), except a greeting or thanks of one language only
  (``OPENING_WORDS``: "hola", "bonjour", "danke") opening a new conversation;
- otherwise lingua's best language must be clearly ahead of the next one, and shorter
  messages need more of a lead (``_SURE``).

``turn_language`` applies the conversation's rules on top: its language is kept until a
message is surely in another served language; the client's hint decides only a first
message that detection is unsure of; a message surely in a language the shop does not
serve is named as such (``unserved``), and the conversation keeps its language.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass


from assistant.engine.chat_input import ChatInputError, InputProblem
from knowledge.languages import language_name

logger = logging.getLogger(__name__)

# ISO 639-1 codes. A shop may serve any of these (SHOP_LANGUAGES); the others are here so
# that "not a language we serve" can be recognised. Each adds about 30 MB of models.
DETECTABLE_LANGUAGES = ("en", "es", "de", "fr", "it", "pt", "nl", "pl", "tr")
# The reply to a message in a language the shop does not serve is in this language.
FALLBACK_LANGUAGE = "en"

# (fewest words, lingua's confidence in the best language, lead over the second best):
# the first row the message's word count reaches applies. Tuned on benchmarks/language_lines.tsv
# so that no served-language line is taken for another language; unsure costs little
# (the conversation keeps its language), a wrong switch costs the customer.
_SURE = ((5, 0.40, 0.15), (3, 0.50, 0.20), (2, 0.60, 0.25))
# A message in a language the shop does not serve is refused politely, so it must be
# surer still: three words at least (not "pizza margherita"), and almost nothing of it
# reads as a served language.
# Greetings and thanks that belong to one served language only: the first message of a new
# conversation is often just that ("hola"), and a single word is otherwise never enough.
# Not "hallo" (German and Dutch), "merci" (French and Swiss German), "ok", "super".
OPENING_WORDS = {
    "hola": "es",
    "buenas": "es",
    "gracias": "es",
    "bonjour": "fr",
    "bonsoir": "fr",
    "coucou": "fr",
    "danke": "de",
    "servus": "de",
    "moin": "de",
}
UNSERVED_MIN_WORDS = 3
UNSERVED_MIN_CONFIDENCE = 0.70
UNSERVED_MAX_SERVED_CONFIDENCE = 0.15

_EMAIL = re.compile(r"\S+@\S+")
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# "ORD-4567", "ord 4567", "ORD#4567": the ORD prefix of an order number is not a word.
_ORDER_NUMBER = re.compile(r"(?<![^\W\d_])ORD\s*[-_#:]?\s*#?\s*\d+", re.IGNORECASE)
# A word: letters, with inner apostrophes and hyphens ("j'ai", "dov'è", "est-ce").
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Detection:
    """What one message is written in, as far as it can be told."""

    language: str  # ISO 639-1 code of the best guess, "" when the message has no words
    confidence: float  # lingua's confidence in ``language``, 0 to 1
    words: int  # words left once order numbers, addresses and links are removed
    sure: bool  # ``language`` is sure enough to decide the conversation's language
    scores: dict[str, float]  # lingua's confidence per detectable language

    def served_confidence(self, served: Sequence[str]) -> float:
        return sum(self.scores.get(code, 0.0) for code in served)


@dataclass(frozen=True)
class TurnLanguage:
    """The language of one turn."""

    language: str  # the served language the conversation speaks from this turn on
    unserved: str = ""  # the message is surely in this language, which the shop does not serve

    @property
    def reply_language(self) -> str:
        """The language the assistant answers this turn in."""
        return FALLBACK_LANGUAGE if self.unserved else self.language

    @property
    def customer_language(self) -> str:
        """The language the customer wrote this turn in, as far as it is known (stored on the turn's messages)."""
        return self.unserved or self.language


@functools.cache
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTABLE_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def warm_up() -> None:
    """Load the detector's models now (about 300 MB, 1-3 s) instead of on the first message."""
    _detector()


def message_words(text: str) -> list[str]:
    """The words of ``text`` that say something about its language."""
    text = _ORDER_NUMBER.sub(" ", _LINK.sub(" ", _EMAIL.sub(" ", text)))
    return _WORD.findall(text)


def _first_word(text: str) -> str:
    words = message_words(text)
    return words[0].casefold() if words else ""


def detect_language(text: str) -> Detection:
    """The language of ``text`` among ``DETECTABLE_LANGUAGES``, and whether that is sure."""
    words = message_words(text)
    if not words:
        return Detection(language="", confidence=0.0, words=0, sure=False, scores={})
    values = _detector().compute_language_confidence_values(" ".join(words))
    scores = {value.language.iso_code_639_1.name.lower(): value.value for value in values}
    best, second = values[0].value, values[1].value if len(values) > 1 else 0.0
    language = values[0].language.iso_code_639_1.name.lower()
    sure = any(len(words) >= min_words and best >= confidence and best - second >= lead for min_words, confidence, lead in _SURE)
    return Detection(language=language, confidence=best, words=len(words), sure=sure, scores=scores)


def turn_language(*, message: str, current: str, hint: str, served: Sequence[str]) -> TurnLanguage:
    """The language a turn runs in, from the message, the conversation's language so far
    (``current``, "" for a new conversation) and the client's ``hint`` (a served code or "").

    - A message surely in a served language sets it (a hint never overrides that).
    - Otherwise the conversation keeps its language; a new one takes the hint, else the
      shop's first language.
    - A message surely in a language the shop does not serve comes back as ``unserved``;
      the conversation's language does not change.
    """
    detection = detect_language(message)
    kept = current if current in served else (hint if hint in served else served[0])
    if detection.sure and detection.language in served:
        return TurnLanguage(language=detection.language)
    opening = OPENING_WORDS.get(_first_word(message)) if not current and detection.words <= 3 else None
    if opening in served:
        return TurnLanguage(language=opening)  # "hola" opening a conversation: Spanish
    if (
        detection.sure
        and detection.language not in served
        and detection.words >= UNSERVED_MIN_WORDS
        and detection.confidence >= UNSERVED_MIN_CONFIDENCE
        and detection.served_confidence(served) <= UNSERVED_MAX_SERVED_CONFIDENCE
    ):
        return TurnLanguage(language=kept, unserved=detection.language)
    return TurnLanguage(language=kept)


def clean_language_hint(value: object, *, served: Sequence[str]) -> str:
    """The client's language hint as a served ISO 639-1 code ("de-AT" gives "de"), or "" for none.

    ``ChatInputError`` (field ``language``) when it is not text, not a language tag, or a
    language the shop does not serve.
    """
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ChatInputError(InputProblem("language", f"Must be a string, not {type(value).__name__}.", "invalid_type"))
    tag = value.strip().lower().replace("_", "-")
    primary = tag.split("-", 1)[0]
    if _LANGUAGE_TAG.fullmatch(tag) and primary in served:
        return primary
    raise ChatInputError(
        InputProblem(
            "language",
            f"Must be one of the languages this shop serves: {', '.join(served)} "
            f"(a regional tag such as {served[0]}-XX counts as {served[0]}); got {value[:20]!r}.",
            "unsupported_language",
        )
    )


def unserved_language_reply(served: Sequence[str]) -> str:
    """The reply to a message in a language the shop does not serve, in English."""
    names = [language_name(code) for code in served]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"Sorry, I can only help in {listed}."
