"""Reading a customer message: order IDs, emails, yes/no, references and the intent.

Entity extraction is rules (order IDs and emails have exact formats); the intent comes
from the classifier trained on the labelled set (``assistant/engine/classifier.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.engine.classifier import classify_intent

# "ORD-4567", "ord 4567", "ORD4567", "ORD_4567", "ORD #4567": the ORD prefix makes any
# digit run an order number attempt, so wrong lengths are reported, not ignored.
_ORD_PREFIXED = re.compile(r"(?<![A-Za-z0-9])ORD(?:ER)?\s*[-_#:]?\s*#?\s*(\d+)(?![\d])", re.IGNORECASE)
# "order #4567", "order number 4567", "order no. 4567", "order 4567": the word "order"
# counts only with a number marker or exactly four digits, so "order 2 lamps" is not one.
_ORDER_WORD = re.compile(
    r"\border(?:\s+(?:number|num|no\.?|nr\.?|id|#))?\s*[:#]\s*(\d+)\b"
    r"|\border\s+(?:number|num|no\.?|nr\.?|id)\s*[:#]?\s*(\d+)\b"
    r"|\border\s+(\d{4})\b(?!\s*(?:x|pcs|items|units))",
    re.IGNORECASE,
)
_HASH_NUMBER = re.compile(r"(?<![\w#])#\s?(\d{3,6})\b")
_BARE_NUMBER = re.compile(r"(?<![\w.,$€£-])(\d{3,6})(?![\w.,%])")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

_WORD = re.compile(r"[a-z0-9']+")

_YES = {
    "yes", "y", "yeah", "yep", "yup", "ya", "yea", "yes.", "sure", "ok", "okay", "k", "correct",
    "confirm", "confirmed", "affirmative", "absolutely", "definitely", "si", "ja", "oui",
}
_YES_PHRASES = ("go ahead", "do it", "that's right", "thats right", "that is right", "please do", "yes please")
_NO = {"no", "n", "nope", "nah", "don't", "dont", "nein", "non"}
_NO_PHRASES = (
    "never mind", "nevermind", "forget it", "don't cancel", "dont cancel", "do not cancel", "changed my mind",
    "keep it", "keep the order", "no thanks", "no thank you", "not that one", "wrong order", "leave it",
)
_PERSON = r"(?:human|human being|person|real person|real human|agent|live agent|representative|rep|someone|somebody|operator|manager|supervisor|staff|colleague)"
_WANTS_HUMAN = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|put)\w*\s+(?:me\s+)?(?:to|with|through to)\s+(?:a\s+|an\s+|the\s+|your\s+|some\s+|real\s+)?" + _PERSON
    + r"|\b(?:want(?:ed)?|need(?:ed)?|get|give me|request(?:ed)?|ask(?:ed|ing)? for)\s+(?:to\s+(?:talk|speak)\s+to\s+)?(?:a\s+|an\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|representative)\b"
    r"|\b(?:real person|live agent|actual person|human being|human agent)\b"
    r"|\b(?:an?\s+)?(?:real\s+)?(?:human|person|agent|representative)\s+(?:again\s+)?(?:please|pls|plz|now)\b"
    r"|^\s*(?:an?\s+)?(?:agent|operator|representative|human|person)(?:\s+please|\s+pls|\s+now)?[\s!.]*$"
    r"|\bcustomer (?:service|support) (?:agent|representative|rep|person)\b",
    re.IGNORECASE,
)
# Words of anger and despair that, with shouting and "!!!", mark an upset customer.
_UPSET_WORDS = re.compile(
    r"\b(ridiculous|unacceptable|worst|terrible|horrible|awful|useless|pathetic|disgusting|furious|angry|livid|"
    r"scam|scammers|fraud|rip ?off|lawyer|sue|complaint|disgrace|joke|fed up|sick of|wtf|damn|hell|crap|"
    r"shit|fuck\w*|bullshit|stupid|idiot\w*|incompetent|never again|third time|still nothing)\b",
    re.IGNORECASE,
)
UPSET_THRESHOLD = 3


def upset_score(text: str) -> int:
    """A small heuristic: angry words count 2 each, shouting 2, each run of "!!"/"??" 1."""
    score = 2 * len(_UPSET_WORDS.findall(text))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        score += 2
    score += len(re.findall(r"[!?]{2,}", text))
    return score


_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|yo|greetings)"
    r"(\s+(there|all|team|everyone|guys|folks|again))?\b[\s!.,:)(😊🙂👋]*$",
    re.I,
)
_THANKS = re.compile(r"\b(thanks|thank you|thx|ty|cheers|much appreciated|appreciate it)\b", re.I)
_BYE = re.compile(r"^\s*(bye|goodbye|see you|see ya|that's all|thats all|nothing else|have a good day)\b", re.I)


@dataclass(frozen=True)
class Understanding:
    text: str
    normalized: str
    order_ids: tuple[str, ...] = ()
    malformed_order_ids: tuple[str, ...] = ()
    bare_numbers: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    intent: str = "other"
    intent_confidence: float = 0.0
    affirmative: bool = False
    negative: bool = False
    greeting: bool = False
    thanks: bool = False
    goodbye: bool = False
    wants_human: bool = False
    upset: bool = False
    words: tuple[str, ...] = field(default_factory=tuple)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # Smart quotes and dashes from phones and word processors.
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return re.sub(r"\s+", " ", text).strip()


def canonical_order_id(digits: str) -> str:
    return f"ORD-{digits}"


def extract_order_ids(text: str) -> tuple[list[str], list[str]]:
    """Valid order IDs (canonical form, in order of appearance) and malformed attempts."""
    found: list[tuple[int, str, bool]] = []
    taken: list[tuple[int, int]] = []
    for match in _ORD_PREFIXED.finditer(text):
        digits = match.group(1)
        found.append((match.start(), digits, len(digits) == 4))
        taken.append(match.span())
    for pattern in (_ORDER_WORD, _HASH_NUMBER):
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in taken):
                continue
            digits = next(g for g in match.groups() if g)
            found.append((match.start(), digits, len(digits) == 4))
            taken.append(match.span())
    found.sort()
    valid: list[str] = []
    malformed: list[str] = []
    for _, digits, ok in found:
        if ok:
            order_id = canonical_order_id(digits)
            if order_id not in valid:
                valid.append(order_id)
        else:
            attempt = f"ORD-{digits}"
            if attempt not in malformed:
                malformed.append(attempt)
    return valid, malformed


def _is_affirmative(words: list[str], lowered: str) -> bool:
    # A question is never a confirmation: "do you ship to Canada?" must not cancel anything.
    if lowered.rstrip().endswith("?") or _is_negative(words, lowered):
        return False
    if any(phrase in lowered for phrase in _YES_PHRASES):
        return True
    return bool(words) and words[0] in _YES and len(words) <= 8


def _is_negative(words: list[str], lowered: str) -> bool:
    if any(phrase in lowered for phrase in _NO_PHRASES):
        return True
    return bool(words) and words[0] in _NO and len(words) <= 6


def understand(text: str) -> Understanding:
    normalized = normalize(text)
    lowered = normalized.lower()
    words = _WORD.findall(lowered)
    order_ids, malformed = extract_order_ids(normalized)
    emails = tuple(dict.fromkeys(e.rstrip(".") for e in _EMAIL.findall(normalized)))
    without_emails = _EMAIL.sub(" ", normalized)
    bare = tuple(m.group(1) for m in _BARE_NUMBER.finditer(without_emails))
    intent, confidence = classify_intent(normalized)
    return Understanding(
        text=text,
        normalized=normalized,
        order_ids=tuple(order_ids),
        malformed_order_ids=tuple(malformed),
        bare_numbers=bare,
        emails=emails,
        intent=intent,
        intent_confidence=confidence,
        affirmative=_is_affirmative(words, lowered),
        negative=_is_negative(words, lowered),
        greeting=bool(_GREETING.match(lowered)),
        thanks=bool(_THANKS.search(lowered)) and len(words) <= 8,
        goodbye=bool(_BYE.match(lowered)),
        wants_human=bool(_WANTS_HUMAN.search(normalized)),
        upset=upset_score(normalized) >= UPSET_THRESHOLD,
        words=tuple(words),
    )
