"""Reading a customer message: order IDs, emails, yes/no, references and the intent.

Entity extraction is rules (order IDs and emails have exact formats); the intent comes
from the classifier trained on the labelled set (``assistant/engine/classifier.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.engine.classifier import classify_intent
from orders.domain import find_order_ids

_BARE_NUMBER = re.compile(r"(?<![\w.,$€£-])(\d{3,6})(?![\w.,%])")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

_WORD = re.compile(r"[a-z0-9']+")
# Smart quotes and dashes from phones and word processors, as plain ones.
_PLAIN_PUNCTUATION = str.maketrans("’‘“”–—", "''\"\"--")

_YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "yup",
    "ya",
    "yea",
    "yes.",
    "sure",
    "ok",
    "okay",
    "k",
    "correct",
    "confirm",
    "confirmed",
    "affirmative",
    "absolutely",
    "definitely",
    "si",
    "ja",
    "oui",
}
_YES_PHRASES = ("go ahead", "do it", "that's right", "thats right", "that is right", "please do", "yes please")
_NO = {"no", "n", "nope", "nah", "don't", "dont", "nein", "non"}
_NO_PHRASES = (
    "never mind",
    "nevermind",
    "forget it",
    "don't cancel",
    "dont cancel",
    "do not cancel",
    "changed my mind",
    "keep it",
    "keep the order",
    "no thanks",
    "no thank you",
    "not that one",
    "wrong order",
    "leave it",
)
# Words that take a request back, whatever was asked: the pending request closes.
_WITHDRAWAL = re.compile(
    r"\b(?:never\s*mind(?: (?:about )?(?:the|my|that) (?:cancell?ation|order|request))?|nvm|forget (?:it|about it|that|this|the (?:whole )?(?:thing|cancell?ation|request))"
    r"|scratch that|changed? (?:my|of) mind|change of plans?|(?:i'?ll|i will|i'?d rather|i want to|let me) keep (?:it|them|the order|my order)"
    r"|keep (?:it|the order|my order)\b(?! (?:coming|going))|leave it(?: be| as it is)?|don'?t bother|no need|not any ?more"
    r"|hold off|i'?m good|all good|no(?:,)? (?:thanks|thank you))\b"
    r"|^\s*(?:stop|no|nope|nah|cancel that|abort)[\s!.]*$",
    re.IGNORECASE,
)
# A cancellation word, in the languages customers mix in.
_CANCEL_WORD = (
    r"(?:cancel\w*|cancle\w*|canel\w*|cancell\w*|call(?:ing)? (?:it |the order |them )?off|scrap|abort|stornier\w*|storno"
    r"|annul\w*|cancelar\w*|anular\w*)"
)
_CANCEL_VERB = re.compile(r"\b" + _CANCEL_WORD, re.IGNORECASE)
# "don't cancel", "I do NOT want to cancel", "no need to cancel", "without cancelling":
# a negation, then at most three of the small words that can stand between it and the verb
# (a comma or any other word breaks the chain: "don't worry, cancel it" is a request).
_NEGATION = (
    r"(?:don'?t|do not|dont|doesn'?t|does not|didn'?t|did not|not|never|no need to|no reason to|no longer"
    r"|won'?t|wouldn'?t|shouldn'?t|mustn'?t|without|nicht|kein\w*|ne pas|pas)"
)
_GAP = (
    r"(?:want|wanna|need|wish|like|have|to|please|pls|actually|really|go|ahead|and|you|u|i|it|that|this|the|my|"
    r"order|yet|just|even|try|trying|going|gonna|plan|planning|intend|mean|meant|ask|asked|asking|said|say|dare|"
    r"be|get|any|anything|them|yourself)"
)
_NEGATED_CANCEL = re.compile(r"\b" + _NEGATION + r"(?:\s+" + _GAP + r"){0,3}\s+" + _CANCEL_WORD, re.IGNORECASE)
# Return, exchange, refund or change requests: never a cancellation by themselves.
_REQUEST_KINDS = (
    ("refund", re.compile(r"\b(?:refund\w*|money back|reimburs\w*|charge ?back|my money)\b", re.I)),
    ("exchange", re.compile(r"\b(?:exchang\w*|swap\w*|replac\w*|different (?:size|colou?r|model|one))\b", re.I)),
    ("return", re.compile(r"\b(?:return\w*|send (?:it |them |this |these |the \w+ )?back|ship (?:it |them )?back)\b", re.I)),
    (
        "change",
        re.compile(
            r"\b(?:chang\w*|modif\w*|edit\w*|amend\w*)\b(?:\s+\S+){0,5}?\s+"
            r"(?:order|address|item|items|size|colou?r|quantity|product|shipping|delivery|name|phone)\b"
            r"|\b(?:updat\w*|correct\w*|fix)\s+(?:the\s+|my\s+)?(?:shipping\s+|delivery\s+)?address\b"
            r"|\b(?:add|remove|take off|take out)\b(?:\s+\S+){0,5}?\s+(?:to|from|in|on|item|items|product|products|order)\b"
            r"|\btake\b(?:\s+\S+){1,3}?\s+(?:out of|off)\s+(?:my\s+|the\s+|this\s+)?order\b",
            re.I,
        ),
    ),
)
# "the first one", "the other one", "both of them": an order among those mentioned.
_ORDER_REFERENCE = re.compile(
    r"\b(?:the\s+)?(first|1st|second|2nd|third|3rd|last|latter|former|other|previous|earlier)\s+(?:one|order|ones|orders)\b"
    r"|\bthe\s+(other|latter|former)\b"
    r"|\b(both)(?:\s+(?:of\s+them|orders|of\s+the\s+orders))?\b",
    re.IGNORECASE,
)
_MENTIONS_EMAIL = re.compile(r"\b(e-?mail|mail address|address)\b", re.IGNORECASE)
_TRACK_CUE = re.compile(r"\b(where|when|track\w*|status|arriv\w*|ship(?:ped|ping)?|deliver\w*|eta|dispatch\w*)\b", re.IGNORECASE)
_PERSON = r"(?:human|human being|person|real person|real human|agent|live agent|representative|rep|someone|somebody|operator|manager|supervisor|staff|colleague)"
_WANTS_HUMAN = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|put)\w*\s+(?:me\s+)?(?:to|with|through to)\s+(?:a\s+|an\s+|the\s+|your\s+|some\s+|real\s+)?"
    + _PERSON
    + r"|\b(?:want(?:ed)?|need(?:ed)?|get|give me|request(?:ed)?|ask(?:ed|ing)? for)\s+(?:to\s+(?:talk|speak)\s+to\s+)?(?:a\s+|an\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|representative)\b"
    r"|\b(?:real person|live agent|actual person|human being|human agent)\b"
    r"|\b(?:an?\s+)?(?:real\s+)?(?:human|person|agent|representative)\s+(?:again\s+)?(?:please|pls|plz|now)\b"
    r"|^\s*(?:an?\s+)?(?:agent|operator|representative|human|person)(?:\s+please|\s+pls|\s+now)?[\s!.]*$"
    r"|\bcustomer (?:service|support) (?:agent|representative|rep|person)\b",
    re.IGNORECASE,
)
# "are you a real person?", "am I talking to a human?": a question about the assistant,
# not a request for a person.
_ASKS_WHAT_IT_IS = re.compile(
    r"^\s*(?:(?:so|wait|hey|hi|hello|hmm+|ok|okay)[,!.]?\s+)?(?:are|r)\s+(?:you|u)\s+(?:an?\s+)?(?:real|actual|human|person|bot|robot|ai|machine|chat ?bot|live)\b"
    r"|\b(?:am i|are we)\s+(?:talking|speaking|chatting)\s+(?:to|with)\s+(?:an?\s+)?(?:real\s+|actual\s+)?(?:human|person|bot|robot|machine|ai|computer)\b[^.!]*\?\s*$"
    r"|\bwho\s+(?:am i|are we)\s+(?:talking|speaking|chatting)\s+(?:to|with)\b|^\s*who(?:'s| is)\s+(?:this|there)\b",
    re.IGNORECASE,
)
# A short question that continues the last topic: "what about the smartwatch?", "and germany?",
# "how about in blue?". The group is what changes.
_FOLLOW_UP = re.compile(
    r"^\s*(?:(?:ok|okay|and|but|so|hmm+)[,]?\s+)?(?:what|how)\s*(?:'s|\s+is)?\s+about\s+(?:the\s+|a\s+|an\s+|in\s+|for\s+|to\s+)?(.{2,40}?)\s*[?.!]*\s*$"
    r"|^\s*and\s+(?:the\s+|for\s+the\s+|for\s+|to\s+|in\s+)?(.{2,40}?)\s*\?+\s*$",
    re.IGNORECASE,
)
# Questions that continue a tracking answer: "what carrier is it with?", "when will it arrive?".
_TRACKING_FOLLOW_UP = re.compile(
    r"\b(?:carrier|courier|shipping company|delivery company|tracking (?:number|code|link|id)|which (?:company|service)"
    r"|shipped (?:with|by|via)|deliver(?:ed|ing)? (?:it|by|with)|when (?:will|does|should|is) it (?:arrive|come|get here|be delivered|be here)"
    r"|what time will it|eta)\b",
    re.IGNORECASE,
)
# An acknowledgement before the real message: "ok, and ...", "thanks! now ...".
_LEADING_ACK = re.compile(
    r"^\s*(?:ok(?:ay)?|nice|great|cool|thanks|thank you|thx|perfect|awesome|alright|got it|i see|hmm+)\b[\s,.!]+(?:and|now|also|so)?\s*",
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
    # The message words a cancellation ("cancel", "call it off"), and does not negate it.
    cancel_worded: bool = False
    # "don't cancel", "I do NOT want to cancel", "no need to cancel".
    cancel_negated: bool = False
    # "never mind", "forget it", "stop", "I'll keep it": takes a pending request back.
    withdrawal: bool = False
    # return / exchange / refund / change, when the message asks for one of them.
    request_kind: str = ""
    # "first", "second", "last", "other", "both": an order among those mentioned.
    order_reference: str = ""
    mentions_email: bool = False
    # Words of tracking ("where", "when", "status"), for a request that follows a withdrawal.
    track_cue: bool = False
    # What the customer asks about their own order: order_info ("what did I order?"),
    # delivery (late, damaged, missing), complaint; "" for none of these.
    order_topic: str = ""
    # "are you a bot?", "who am I talking to?": small talk, never a request for a person.
    asks_what_it_is: bool = False
    # The new subject of a short follow-up question ("the smartwatch" in "what about the smartwatch?").
    follow_up: str = ""
    # "what carrier is it with?", "when will it arrive?": about the order just tracked.
    tracking_follow_up: bool = False


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PLAIN_PUNCTUATION)
    return re.sub(r"\s+", " ", text).strip()


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


# What an order question that is not a return, exchange, refund or change is about.
_ORDER_TOPICS = (
    (
        "order_info",
        re.compile(
            r"\b(?:what (?:did|have) i (?:order|buy|bought)|what(?:'s| is| was) in (?:my|the|this) (?:order|parcel|package)"
            r"|how much (?:did i pay|was (?:it|my order|the order))|what (?:items|products)|which items|when did i (?:order|place)"
            r"|(?:total|price) of (?:my|the) order)\b",
            re.I,
        ),
    ),
    (
        "delivery",
        re.compile(
            r"\b(?:late|overdue|delayed|damaged|broken|crushed|missing|never (?:got|received|arrived|came)|not (?:received|arrived)"
            r"|wrong (?:item|product|size|colou?r)|says (?:it was )?delivered|(?:hasn'?t|has not|haven'?t|didn'?t|did not) (?:come|arrived|shown up|turned up|been delivered)|still not here)\b",
            re.I,
        ),
    ),
    ("complaint", re.compile(r"\b(?:complain\w*|complaint|not happy|unhappy|disappointed|terrible|awful|rude|worst)\b", re.I)),
)


def _order_topic(text: str) -> str:
    """``order_info``, ``delivery``, ``complaint`` or ``""``."""
    for topic, pattern in _ORDER_TOPICS:
        if pattern.search(text):
            return topic
    return ""


def _order_reference(text: str) -> str:
    match = _ORDER_REFERENCE.search(text)
    if not match:
        return ""
    word = next(g for g in match.groups() if g).lower()
    return {
        "1st": "first",
        "2nd": "second",
        "3rd": "third",
        "latter": "last",
        "former": "first",
        "previous": "other",
        "earlier": "other",
    }.get(word, word)


def _request_kind(text: str, *, withdrawal: bool) -> str:
    for kind, pattern in _REQUEST_KINDS:
        if kind == "change" and withdrawal:
            continue  # "I changed my mind" is not a change request
        if pattern.search(text):
            return kind
    return ""


def understand(text: str) -> Understanding:
    normalized = normalize(text)
    lowered = normalized.lower()
    words = _WORD.findall(lowered)
    order_ids, malformed = find_order_ids(normalized)
    emails = tuple(dict.fromkeys(e.rstrip(".") for e in _EMAIL.findall(normalized)))
    without_emails = _EMAIL.sub(" ", normalized)
    bare = tuple(m.group(1) for m in _BARE_NUMBER.finditer(without_emails))
    # "nice. and can they connect to two devices?": the question is what is classified.
    rest = _LEADING_ACK.sub("", normalized, count=1)
    intent, confidence = classify_intent(rest if rest != normalized and len(rest.split()) >= 3 else normalized)
    asks_what_it_is = bool(_ASKS_WHAT_IT_IS.search(lowered))
    follow_up_match = _FOLLOW_UP.match(lowered) if len(words) <= 7 else None
    follow_up = next((g for g in follow_up_match.groups() if g), "") if follow_up_match else ""
    cancel_negated = bool(_NEGATED_CANCEL.search(lowered))
    withdrawal = bool(_WITHDRAWAL.search(lowered))
    # Worded when some cancel word stands outside every negation ("don't track it, cancel it").
    cancel_worded = bool(_CANCEL_VERB.search(_WITHDRAWAL.sub(" ", _NEGATED_CANCEL.sub(" ", lowered))))
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
        wants_human=bool(_WANTS_HUMAN.search(normalized)) and not asks_what_it_is,
        upset=upset_score(normalized) >= UPSET_THRESHOLD,
        words=tuple(words),
        cancel_worded=cancel_worded,
        cancel_negated=cancel_negated,
        withdrawal=withdrawal,
        request_kind=_request_kind(lowered, withdrawal=withdrawal),
        order_reference=_order_reference(lowered),
        mentions_email=bool(_MENTIONS_EMAIL.search(normalized)),
        track_cue=bool(_TRACK_CUE.search(lowered)),
        order_topic=_order_topic(lowered),
        asks_what_it_is=asks_what_it_is,
        follow_up=follow_up.strip(" ?.!"),
        tracking_follow_up=bool(_TRACKING_FOLLOW_UP.search(lowered)) and len(words) <= 12,
    )
