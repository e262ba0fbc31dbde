"""Tell a reply written mostly in another language than the attempt's.

An English reply in a Croatian attempt has "74 spelling errors" by the Croatian
dictionary, which says nothing about the candidate's spelling. Such a reply is known by
how few of its words the attempt's dictionary knows and how many another shipped
dictionary of the same script does. Close languages (Croatian and Serbian) share most
words, so a reply is only called another language's when the difference is clear.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from hiring.scoring.dictionaries import DICTIONARIES, Checker

MIN_WORDS = 5  # fewer words say too little
EXPECTED_BELOW = 0.6  # the attempt's dictionary knows under this share of the words ...
OTHER_AT_LEAST = 0.6  # ... another one knows at least this share ...
MARGIN = 0.25  # ... and that much more
SCRIPTS = {"en": "LATIN", "hr": "LATIN", "sr": "LATIN", "sr-Cyrl": "CYRILLIC", "bg": "CYRILLIC"}


def other_language(words: list[str], expected: str, expected_share: float,
                   checker_for: Callable[[str], Checker | None]) -> str | None:
    """Return the language a reply is mostly written in, when it is not the expected one.

    expected_share is the share of the words the expected language knows (words only
    missing their diacritics count as known). Other dictionaries are loaded only for a
    reply the expected one mostly does not know."""
    if len(words) < MIN_WORDS or expected_share >= EXPECTED_BELOW:
        return None
    script = _script(words)
    best, best_share = None, 0.0
    for language in DICTIONARIES:
        if language == expected or SCRIPTS.get(language) != script:
            continue
        checker = checker_for(language)
        if checker is None:
            continue
        share = sum(_known(checker, word) for word in words) / len(words)
        if share > best_share:
            best, best_share = language, share
    if best is not None and best_share >= OTHER_AT_LEAST and (
            best_share >= expected_share + MARGIN):
        return best
    return None


def _known(checker: Checker, word: str) -> bool:
    return checker.is_word(word) or (word[:1].isupper() and checker.is_word(word.lower()))


def _script(words: list[str]) -> str:
    """Return the script most letters are in: LATIN or CYRILLIC."""
    counts: dict[str, int] = {}
    for word in words:
        for letter in word:
            if letter.isalpha():
                script = unicodedata.name(letter, "").split(" ")[0]
                counts[script] = counts.get(script, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "LATIN"
