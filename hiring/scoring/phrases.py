"""Apology, empathy and ownership phrases in a reply, from phrases.yaml beside this file.

The phrases cover the first person singular and plural and impersonal forms ("I will
check", "we'll check", "it will be refunded"): a team answers as "we" as often as "I".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")
CATEGORIES = ("apology", "empathy", "ownership")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
# A phrase typed without diacritics still apologises: "zao nam je" is "žao nam je".
_PLAIN = {"č": "[čc]", "ć": "[ćc]", "š": "[šs]", "ž": "[žz]", "đ": "(?:đ|dj|d)"}


@dataclass(frozen=True)
class PhraseMatches:
    """How often a category's phrases occur, and the distinct phrases as written."""

    count: int
    phrases: tuple[str, ...]


def count_phrases(text: str, language: str) -> dict[str, PhraseMatches]:
    """Count each category's phrases in the text; {} for a language without phrases."""
    lowered = unicodedata.normalize("NFC", text).translate(APOSTROPHES).lower()
    counts = {}
    for category, patterns in phrase_patterns(PHRASES_FILE).get(language, {}).items():
        found = _longest_first([match for pattern in patterns
                                for match in pattern.finditer(lowered)])
        counts[category] = PhraseMatches(len(found), tuple(dict.fromkeys(found)))
    return counts


def _longest_first(matches: list[re.Match[str]]) -> list[str]:
    """Keep, where phrases overlap, the one that starts first and then the longest:
    "I will call you back" counts once, not also as "I will"."""
    chosen, end = [], -1
    for match in sorted(matches, key=lambda m: (m.start(), -m.end())):
        if match.start() >= end:
            chosen.append(match.group())
            end = match.end()
    return chosen


@cache
def phrase_patterns(path: Path) -> dict[str, dict[str, list[re.Pattern[str]]]]:
    """Compile phrases.yaml: per language, per category, one pattern per phrase."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns: dict[str, dict[str, list[re.Pattern[str]]]] = {}
    for language, categories in data.items():
        if not isinstance(categories, dict) or set(categories) != set(CATEGORIES):
            raise ValueError(f"{path}: {language} needs exactly the categories {CATEGORIES}")
        patterns[language] = {}
        for category, phrases in categories.items():
            if not phrases or not all(isinstance(p, str) and p == p.lower() for p in phrases):
                raise ValueError(f"{path}: {language}.{category} needs lowercase phrases")
            patterns[language][category] = [
                re.compile(rf"(?<!\w){phrase_regex(phrase)}(?!\w)") for phrase in phrases]
    return patterns


def phrase_regex(phrase: str) -> str:
    """Turn a phrase into a regular expression.

    Words are separated by any whitespace; "*" stands for any letters (ispričava*);
    "{a|b}" for either text, within a word too (provjeri{ću|ćemo}); a word that is only
    "{a|}" is optional, except the first."""
    words = _words(unicodedata.normalize("NFC", phrase.strip()))
    if not words:
        raise ValueError(f"phrase {phrase!r} is empty")
    regex = ""
    for position, word in enumerate(words):
        optional = re.fullmatch(r"\{[^{}]*\}", word) is not None and "" in _alternatives(word)
        if optional and position == 0:
            raise ValueError(f"phrase {phrase!r}: the first word cannot be optional")
        if optional:
            part = _word_regex("{" + "|".join(filter(None, _alternatives(word))) + "}")
            regex += rf"(?:\s+{part})?"
        else:
            part = _word_regex(word)
            regex += part if position == 0 else rf"\s+{part}"
    return regex


def _words(phrase: str) -> list[str]:
    """Split at whitespace outside braces."""
    words, current, depth = [], "", 0
    for char in phrase:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth not in (0, 1):
            raise ValueError(f"phrase {phrase!r}: unbalanced braces")
        if char.isspace() and depth == 0:
            if current:
                words.append(current)
            current = ""
        else:
            current += char
    if depth:
        raise ValueError(f"phrase {phrase!r}: unbalanced braces")
    return [*words, current] if current else words


def _alternatives(group: str) -> list[str]:
    return group[1:-1].split("|")


def _word_regex(word: str) -> str:
    regex = ""
    for piece in re.split(r"(\{[^{}]*\})", word):
        if piece.startswith("{"):
            choices = [_text_regex(choice) for choice in _alternatives(piece) if choice]
            optional = "?" if "" in _alternatives(piece) else ""
            regex += f"(?:{'|'.join(choices)}){optional}"
        else:
            regex += _text_regex(piece)
    return regex


def _text_regex(text: str) -> str:
    parts = []
    for char in text:
        if char == "*":
            parts.append(r"\w*")
        elif char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        else:
            parts.append(_PLAIN.get(char, re.escape(char)))
    return "".join(parts)
