"""What a production ``DJANGO_SECRET_KEY`` must be: long, random, and not a placeholder.

The key signs sessions, CSRF tokens and password-reset links, and keys the session-ID
hashes in logs and audit rows (``core.session_hash``): a guessable key forges all of
them. ``secret_key_problem`` says why a key is refused (never echoing it), or ``None``.

Randomness is estimated three ways, each with a margin measured on 100,000 keys from
each of Django's ``get_random_secret_key()``, ``secrets.token_hex(32)`` and
``secrets.token_urlsafe(38/60)`` (the lowest value seen is in brackets):

- Shannon entropy of the character frequencies times the length, at least 180 bits
  (real keys: 210+; ``"password1" * 6``: 159);
- at least 10 distinct characters (real keys: 12+, hex keys having only 16 to draw on);
- zlib cannot squeeze it below 75% of its length (real keys: 0.86+): repetitions such
  as ``"abcdefghijklmnop" * 4`` (0.42) compress, random text does not;
- and at most half of neighbouring characters are alphabet steps (``abcd``, ``4321``;
  real keys: under a third).

The shipped placeholders (``deploy/env.example``, the demo key, "change-me" and the like)
are refused whatever their length.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter

MIN_LENGTH = 50
MIN_DISTINCT = 10
MIN_ENTROPY_BITS = 180
MIN_COMPRESSION_RATIO = 0.75
MAX_STEP_SHARE = 0.5

# Words of the shipped examples and of the usual "fill me in" values (lower case).
PLACEHOLDER_MARKERS = (
    "change-me",
    "changeme",
    "change_me",
    "insecure",
    "placeholder",
    "replace",
    "example",
    "secret-key",
    "secret_key",
    "secretkey",
    "your",
    "fixme",
    "dummy",
    "default",
    "password",
)


# A marker counts as a word of its own (not inside a run of random letters, where a
# 5-letter word turns up about once in 100,000 random keys).
_PLACEHOLDER_RE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(re.escape(m) for m in PLACEHOLDER_MARKERS) + r")(?![a-z0-9])", re.IGNORECASE
)


def entropy_bits(text: str) -> float:
    """Shannon entropy of ``text``'s character frequencies, times its length."""
    counts = Counter(text)
    n = len(text)
    return -sum(c * math.log2(c / n) for c in counts.values()) if n else 0.0


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit for production, or ``None`` when it is."""
    if len(key) < MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {MIN_LENGTH}"
    if len(set(key)) < MIN_DISTINCT:
        return f"it uses only {len(set(key))} distinct characters (at least {MIN_DISTINCT})"
    bits = entropy_bits(key)
    if bits < MIN_ENTROPY_BITS:
        return f"its estimated entropy is {bits:.0f} bits, under {MIN_ENTROPY_BITS}"
    ratio = len(zlib.compress(key.encode(), 9)) / len(key.encode())
    if ratio < MIN_COMPRESSION_RATIO:
        return "it repeats itself (it compresses to {:.0%} of its length)".format(ratio)
    steps = sum(abs(ord(a) - ord(b)) == 1 for a, b in zip(key, key[1:]))
    if steps > MAX_STEP_SHARE * (len(key) - 1):
        return "it runs along the alphabet or the digits"
    found = _PLACEHOLDER_RE.search(key)
    if found is not None:
        return f"it looks like a placeholder (contains {found.group(1)!r})"
    return None


__all__ = ["entropy_bits", "secret_key_problem"]
