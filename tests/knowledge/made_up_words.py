"""Made-up words for the search tests and ``benchmarks/kb_search.py``: a query with one can
only be answered by the entry that uses it."""

CONSONANTS = "bcdfghjklmnpqrstvwxz"


def made_up_word(number: int, *, syllables: int, vowel: str, prefix: str = "") -> str:
    """``number`` written as consonant-vowel syllables, lowest digit first (0 -> "ba...").

    Far from English words, and (with five syllables) from each other's typos.
    """
    word = prefix
    for _ in range(syllables):
        number, digit = divmod(number, len(CONSONANTS))
        word += CONSONANTS[digit] + vowel
    return word
