"""Writing indicators that help raters read a written reply; they never enter the score.

Spelling (Debian's hunspell dictionaries), words missing their diacritics, colloquial
clipped infinitives, a reply in another language, length, LIX, customer-service phrases
and the customer's name. Computing them loads a dictionary (seconds, megabytes), so they
are computed once per reply by a background job and stored with it
(hiring.assessment.writing); pages read what is stored (hiring.scoring.writing_store).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from hiring.scoring import diacritics, dictionaries
from hiring.scoring.dictionaries import DICTIONARIES, HUNSPELL_DIR_ENV  # noqa: F401 - interface
from hiring.scoring.phrases import (  # noqa: F401 - part of this module's interface
    APOSTROPHES,
    CATEGORIES,
    PHRASES_FILE,
    PhraseMatches,
    count_phrases,
)
from hiring.scoring.reply_language import other_language

MAX_LISTED = 20  # words listed per indicator; the counts count them all

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S*[^\s.,;:!?)\]'\"])"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<number>\d+(?:[.,:/]\d+)*(?!\w))"
    r"|(?P<word>\w+(?:['’\-]\w+)*)"
    r"|(?P<end>[.!?…]+|\n[ \t]*\n)"
)
_VOWELS = "aeiouаеиоуъюяѐѝ"


@dataclass(frozen=True)
class Spelling:
    """Misspellings hunspell found; the list is distinct, in order of appearance.

    Words only missing their diacritics are not misspellings: they are listed apart."""

    dictionary: str
    misspelled_count: int
    misspelled_words: tuple[str, ...]
    error_rate: float


@dataclass(frozen=True)
class Flagged:
    """Words a rater should look at, each with the form expected: (as typed, expected)."""

    count: int
    words: tuple[tuple[str, str], ...]  # distinct, in order of appearance


@dataclass(frozen=True)
class WritingIndicators:
    word_count: int
    sentence_count: int
    words_per_sentence: float
    long_words: int
    lix: float
    spelling: Spelling | None
    spelling_note: str | None
    phrases: dict[str, PhraseMatches]
    uses_customer_name: bool
    # None: not looked for (a language without diacritics data, or no dictionary).
    missing_diacritics: Flagged | None = None  # zao (žao), racun (račun)
    colloquial: Flagged | None = None  # clipped infinitives: vratit (vratiti)
    language: str | None = None  # the attempt's language, whose dictionary was used
    # The reply is mostly in this other language: its spelling was not checked against
    # the attempt's language, and its phrases are that language's.
    written_in: str | None = None

    @property
    def spelling_error_rate(self) -> float | None:
        return None if self.spelling is None else self.spelling.error_rate


@dataclass(frozen=True)
class _Token:
    text: str
    kind: str
    starts_sentence: bool


@dataclass
class _Review:
    """What the dictionary says about the checkable words of a reply."""

    words: list[str] = field(default_factory=list)
    known: int = 0  # spelled right, or only missing diacritics
    misspelled: list[str] = field(default_factory=list)
    missing_diacritics: list[tuple[str, str]] = field(default_factory=list)
    colloquial: list[tuple[str, str]] = field(default_factory=list)


def writing_indicators(text: str, language: str, customer_name: str | None = None,
                       *, hunspell_dir: str | Path | None = None) -> WritingIndicators:
    """Measure a written reply for the rater: length, LIX, spelling, phrases, name.

    Loads the language's dictionary on first use: call it from a background job or a
    command, never while a web request waits."""
    text = unicodedata.normalize("NFC", text)
    tokens, sentence_count = _scan(text)
    words = [token.text for token in tokens]
    long_words = sum(1 for word in words if sum(c.isalpha() for c in word) > 6)
    per_sentence = len(words) / sentence_count if sentence_count else 0.0
    # LIX (Björnsson): words per sentence plus the percentage of words over six letters.
    lix = per_sentence + 100 * long_words / len(words) if words else 0.0
    name = _name_pattern(customer_name, language)
    counts = {"word_count": len(words), "sentence_count": sentence_count,
              "words_per_sentence": per_sentence, "long_words": long_words, "lix": lix,
              "uses_customer_name": name is not None and name.search(text) is not None}
    code = _canonical_language(language)
    if code is None:
        return WritingIndicators(**counts, spelling=None, phrases={},
                                 spelling_note=f"no spelling dictionary for language "
                                               f"{language!r}")
    folder = dictionaries.directory(hunspell_dir)
    checker, stem, note = dictionaries.checker(code, folder)
    if checker is None:
        return WritingIndicators(**counts, spelling=None, spelling_note=note, language=code,
                                 phrases=count_phrases(text, code))
    lexicon = diacritics.lexicon(code)
    found = _review(tokens, name, checker, lexicon)
    written_in = other_language(found.words, code, found.known / max(len(found.words), 1),
                                lambda other: dictionaries.checker(other, folder)[0])
    if written_in is not None:
        return WritingIndicators(**counts, spelling=None, language=code, written_in=written_in,
                                 spelling_note=f"written in {written_in}, not {code}: "
                                               f"spelling not checked",
                                 phrases=count_phrases(text, written_in))
    rate = len(found.misspelled) / len(tokens) if tokens else 0.0
    return WritingIndicators(
        **counts, language=code, spelling_note=None,
        spelling=Spelling(stem, len(found.misspelled),
                          tuple(dict.fromkeys(found.misspelled))[:MAX_LISTED], rate),
        missing_diacritics=_flagged(found.missing_diacritics) if lexicon else None,
        colloquial=_flagged(found.colloquial) if lexicon else None,
        phrases=count_phrases(text, code))


def _flagged(pairs: list[tuple[str, str]]) -> Flagged:
    return Flagged(len(pairs), tuple(dict.fromkeys(pairs))[:MAX_LISTED])


def _scan(text: str) -> tuple[list[_Token], int]:
    """Return the word tokens and the number of sentences."""
    tokens: list[_Token] = []
    sentences, in_sentence, at_start, previous_end = 0, False, True, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or ""
        line_start = "\n" in text[previous_end:match.start()]
        previous_end = match.end()
        if kind != "end":
            tokens.append(_Token(match.group(), kind, at_start or line_start))
            in_sentence, at_start = True, False
            continue
        # "npr. ovo", "do 15. svibnja", "e.g. this": a dot before a lowercase word.
        following = text[match.end():].lstrip()[:1]
        if set(match.group()) == {"."} and following.islower():
            continue
        if in_sentence:
            sentences += 1
        in_sentence, at_start = False, True
    return tokens, sentences + int(in_sentence)


def _canonical_language(language: str) -> str | None:
    parts = language.strip().replace("_", "-").lower().split("-")
    if parts[0] == "sr" and "cyrl" in parts:
        return "sr-Cyrl"
    return parts[0] if parts[0] in DICTIONARIES else None


# --- names -------------------------------------------------------------------------------

def _name_pattern(customer_name: str | None, language: str) -> re.Pattern[str] | None:
    """Match the first or last name, allowing Slavic case endings (Marija, Marijo, Mariji)."""
    given = unicodedata.normalize("NFC", customer_name or "")
    parts = [part for part in re.findall(r"[^\W\d_]+", given) if len(part) > 1]
    if not parts:
        return None
    inflected = _canonical_language(language) != "en"
    alternatives = []
    for part in parts:
        stem = part[:-1] if inflected and part[-1].lower() in _VOWELS and len(part) > 2 else part
        # Case endings start with a vowel (or j/й: Bulgarian Мария -> Марийо); this keeps
        # "Ana" from matching "and" or "any".
        ending = rf"(?:[{_VOWELS}jй]\w{{0,2}})?" if inflected else ""
        alternatives.append(re.escape(stem) + ending)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


# --- spelling ----------------------------------------------------------------------------

def _review(tokens: list[_Token], name: re.Pattern[str] | None,
            checker: dictionaries.Checker, lexicon: diacritics.Lexicon | None) -> _Review:
    """Sort the checkable words: spelled right, missing diacritics, misspelled; and find
    clipped infinitives among the words that are right."""
    found = _Review()
    for index, token in enumerate(tokens):
        if not _checkable(token, name):
            continue
        typed = token.text
        word = typed.translate(APOSTROPHES)
        found.words.append(word)
        if _spelled_right(checker, word, token.starts_sentence):
            meant = diacritics.usual_form(word, lexicon) if lexicon else None
        else:
            meant = diacritics.restore(word, lexicon, checker.is_word) if lexicon else None
            if meant is None:
                found.misspelled.append(typed)
                continue
        found.known += 1
        if meant is not None:
            found.missing_diacritics.append((typed, meant))
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        next_word = (following.text if following is not None and following.kind == "word"
                     and not following.starts_sentence else None)
        infinitive = (diacritics.clipped_infinitive(meant or word, next_word, lexicon,
                                                    checker.is_word) if lexicon else None)
        if infinitive is not None:
            found.colloquial.append((typed, infinitive))
    return found


def _checkable(token: _Token, name: re.Pattern[str] | None) -> bool:
    """Skip numbers, e-mail addresses, URLs, abbreviations and the customer's name."""
    word = token.text
    if token.kind != "word" or any(c.isdigit() or c == "_" for c in word):
        return False
    return not ((word.isupper() and len(word) <= 5)
                or (name is not None and name.fullmatch(word)))


def _spelled_right(checker: dictionaries.Checker, word: str, starts_sentence: bool) -> bool:
    if checker.is_word(word):
        return True
    # KEEPCASE words ("hello/K") are rejected capitalised, even at a sentence start.
    return starts_sentence and word[:1].isupper() and checker.is_word(word.lower())

