"""Words typed without their diacritics, and clipped infinitives (Croatian, Serbian Latin).

A reply typed on a keyboard without č, ć, š, ž, đ is not misspelled the way "recieve"
is, and some such words are words as typed (zao, sto): raters need to see them apart.
What each language needs is data in diacritics.yaml beside this file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import combinations, product
from pathlib import Path

import yaml

DIACRITICS_FILE = Path(__file__).with_name("diacritics.yaml")
MAX_CHANGES = 3  # restorations with more changed letters are rare and costly to try
MAX_CANDIDATES = 64  # spylls takes up to 100 ms to reject a word (benchmarks/dictionaries.py)

IsWord = Callable[[str], bool]


@dataclass(frozen=True)
class Clipped:
    auxiliaries: frozenset[str]  # ću, ćeš, ...: after these a clipped infinitive is right
    not_verbs: frozenset[str]
    verbs: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    """One language's diacritics: letters to restore, usual forms, clipped infinitives."""

    letters: tuple[tuple[str, tuple[str, ...]], ...]  # ("dj", ("đ",)), ("c", ("č", "ć"))
    letters_at_end: dict[str, tuple[str, ...]]  # another order near the end: c -> (ć, č)
    usual: dict[str, str]
    clipped: Clipped | None


def lexicon(language: str) -> Lexicon | None:
    """Return the language's diacritics data, or None for languages without any."""
    return _lexicons(DIACRITICS_FILE).get(language)


@cache
def _lexicons(path: Path) -> dict[str, Lexicon]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = {}
    for language, entry in data.items():
        letters = tuple(sorted(((plain, tuple(restored))
                                for plain, restored in entry["letters"].items()),
                               key=lambda pair: -len(pair[0])))
        clipped = entry.get("clipped_infinitives")
        found[language] = Lexicon(
            letters=letters, usual=dict(entry.get("usual") or {}),
            letters_at_end={plain: tuple(restored) for plain, restored
                            in (entry.get("letters_at_end") or {}).items()},
            clipped=Clipped(*(frozenset(clipped.get(key) or ())
                              for key in ("auxiliaries", "not_verbs", "verbs")))
            if clipped else None)
    return found


def usual_form(word: str, lexicon: Lexicon) -> str | None:
    """Return the form with diacritics of a word that is usually meant with them (zao: žao)."""
    usual = lexicon.usual.get(word.lower())
    return _recase(usual, word) if usual else None


def restore(word: str, lexicon: Lexicon, is_word: IsWord) -> str | None:
    """Return the first restoration of an unknown word that is a word (racun: račun).

    Restorations are tried with the fewest changed letters first, so the closest wins."""
    for candidate in _restorations(word.lower(), lexicon):
        recased = _recase(candidate, word)
        if is_word(recased):
            return recased
    return None


def clipped_infinitive(word: str, following: str | None, lexicon: Lexicon,
                       is_word: IsWord) -> str | None:
    """Return the full infinitive when the word is one clipped outside the future tense."""
    rule, lower = lexicon.clipped, word.lower()
    if rule is None or len(lower) < 3 or not lower.endswith("t") or lower in rule.not_verbs:
        return None
    if following is not None and following.lower() in rule.auxiliaries:
        return None  # vratit ću: the standard future
    stem = lower[:-1]
    if lower in rule.verbs or all(is_word(form) for form in (lower + "i", stem + "o",
                                                             stem + "la")):
        return _recase(lower + "i", word)
    return None


def _restorations(word: str, lexicon: Lexicon) -> Iterator[str]:
    """Yield the word with 1, 2, ... MAX_CHANGES plain letters replaced, at most
    MAX_CANDIDATES of them, the likelier letters first."""
    near_end = len(word) - (2 if word[-1:] in "aeiou" else 1)
    spots = [(at, at + len(plain), lexicon.letters_at_end.get(plain, restored)
              if at >= near_end else restored)
             for at in range(len(word)) for plain, restored in lexicon.letters
             if word.startswith(plain, at)]
    given = 0
    for changes in range(1, MAX_CHANGES + 1):
        for chosen in combinations(spots, changes):
            if any(a[1] > b[0] for a, b in zip(chosen, chosen[1:], strict=False)):
                continue  # "dj" and its "d" overlap
            for replacements in product(*(spot[2] for spot in chosen)):
                pieces, last = [], 0
                for (start, end, _), replacement in zip(chosen, replacements, strict=True):
                    pieces += [word[last:start], replacement]
                    last = end
                yield "".join(pieces) + word[last:]
                given += 1
                if given >= MAX_CANDIDATES:
                    return


def _recase(candidate: str, original: str) -> str:
    if len(original) > 1 and original.isupper():
        return candidate.upper()
    if original[:1].isupper():
        return candidate[:1].upper() + candidate[1:]
    return candidate
