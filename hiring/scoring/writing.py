"""Writing indicators that help raters read a written reply; they never enter the score."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import IO

import yaml
from spylls.hunspell import Dictionary, readers

HUNSPELL_DIR_ENV = "HUNSPELL_DIR"
DEFAULT_HUNSPELL_DIR = "/usr/share/hunspell"
PHRASES_FILE = Path(__file__).with_name("phrases.yaml")
CATEGORIES = ("apology", "empathy", "ownership")
MAX_LISTED_MISSPELLINGS = 20

# File stems tried in order. Debian's hunspell-sr installs sr_RS (Cyrillic, also linked
# as sr_ME) and sr_Latn_RS; other distributions call the Latin one sr-Latn.
DICTIONARIES: dict[str, tuple[str, ...]] = {
    "en": ("en_US",),
    "hr": ("hr_HR",),
    "sr": ("sr_Latn_RS", "sr-Latn"),
    "sr-Cyrl": ("sr_RS",),
    "bg": ("bg_BG",),
}

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S*[^\s.,;:!?)\]'\"])"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<number>\d+(?:[.,:/]\d+)*(?!\w))"
    r"|(?P<word>\w+(?:['’\-]\w+)*)"
    r"|(?P<end>[.!?…]+|\n[ \t]*\n)"
)
_VOWELS = "aeiouаеиоуъюяѐѝ"
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Spelling:
    """Misspellings hunspell found; the list is distinct, in order of appearance."""

    dictionary: str
    misspelled_count: int
    misspelled_words: tuple[str, ...]
    error_rate: float


@dataclass(frozen=True)
class PhraseMatches:
    """How often a category's phrases occur, and the distinct phrases as written."""

    count: int
    phrases: tuple[str, ...]


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

    @property
    def spelling_error_rate(self) -> float | None:
        return None if self.spelling is None else self.spelling.error_rate


@dataclass(frozen=True)
class _Token:
    text: str
    kind: str
    starts_sentence: bool


def writing_indicators(text: str, language: str, customer_name: str | None = None,
                       *, hunspell_dir: str | Path | None = None) -> WritingIndicators:
    """Measure a written reply for the rater: length, LIX, spelling, phrases, name."""
    text = unicodedata.normalize("NFC", text)
    tokens, sentence_count = _scan(text)
    words = [token.text for token in tokens]
    long_words = sum(1 for word in words if sum(c.isalpha() for c in word) > 6)
    per_sentence = len(words) / sentence_count if sentence_count else 0.0
    # LIX (Björnsson): words per sentence plus the percentage of words over six letters.
    lix = per_sentence + 100 * long_words / len(words) if words else 0.0
    name = _name_pattern(customer_name, language)
    code = _canonical_language(language)
    spelling, note = (None, f"no spelling dictionary for language {language!r}")
    if code is not None:
        spelling, note = _check_spelling(tokens, code, name, hunspell_dir)
    return WritingIndicators(
        word_count=len(words),
        sentence_count=sentence_count,
        words_per_sentence=per_sentence,
        long_words=long_words,
        lix=lix,
        spelling=spelling,
        spelling_note=note,
        phrases=_count_phrases(text, code) if code is not None else {},
        uses_customer_name=name is not None and name.search(text) is not None,
    )


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

def _check_spelling(tokens: list[_Token], language: str, name: re.Pattern[str] | None,
                    hunspell_dir: str | Path | None) -> tuple[Spelling | None, str | None]:
    directory = Path(hunspell_dir or os.environ.get(HUNSPELL_DIR_ENV) or DEFAULT_HUNSPELL_DIR)
    dictionary, stem, note = _dictionary(language, directory)
    if dictionary is None:
        return None, note
    misspelled = [token.text for token in _checkable(tokens, name)
                  if not _spelled_right(dictionary, token)]
    distinct = tuple(dict.fromkeys(misspelled))[:MAX_LISTED_MISSPELLINGS]
    rate = len(misspelled) / len(tokens) if tokens else 0.0
    return Spelling(stem, len(misspelled), distinct, rate), None


def _checkable(tokens: list[_Token], name: re.Pattern[str] | None) -> Iterator[_Token]:
    """Skip numbers, e-mail addresses, URLs, abbreviations and the customer's name."""
    for token in tokens:
        word = token.text
        if token.kind != "word" or any(c.isdigit() or c == "_" for c in word):
            continue
        if (word.isupper() and len(word) <= 5) or (name is not None and name.fullmatch(word)):
            continue
        yield token


def _spelled_right(dictionary: Dictionary, token: _Token) -> bool:
    word = token.text.translate(_APOSTROPHES)
    if _lookup(dictionary, word):
        return True
    return token.starts_sentence and word[:1].isupper() and _lookup(dictionary, word.lower())


@lru_cache(maxsize=65536)
def _lookup(dictionary: Dictionary, word: str) -> bool:
    # spylls needs 0.1 ms (en, bg) to 10 ms (sr) per new word; words recur across replies.
    return bool(dictionary.lookup(word))


_dictionaries: dict[Path, Dictionary] = {}
_failures: dict[Path, str] = {}
_load_locks: dict[Path, threading.Lock] = {}
_guard = threading.Lock()


def _dictionary(language: str, directory: Path) -> tuple[Dictionary | None, str, str | None]:
    """Return the language's dictionary, loaded once per process, or why there is none."""
    stems = DICTIONARIES[language]
    for stem in stems:
        base = directory / stem
        if base.with_suffix(".aff").is_file() and base.with_suffix(".dic").is_file():
            break
    else:
        base = directory / stems[0]
        missing = [str(path) for path in (base.with_suffix(".aff"), base.with_suffix(".dic"))
                   if not path.is_file()]
        return None, stems[0], f"hunspell dictionary missing: {', '.join(missing)}"
    with _guard:
        lock = _load_locks.setdefault(base, threading.Lock())
    with lock:  # a few seconds per dictionary: load each once, other languages in parallel
        if base not in _dictionaries and base not in _failures:
            try:
                _dictionaries[base] = _read_dictionary(base)
            except Exception as error:  # a broken file must not fail the rater's page
                _failures[base] = f"hunspell dictionary {base} could not be loaded: {error}"
    if base in _failures:
        return None, stem, _failures[base]
    return _dictionaries[base], stem, None


class _ClosingReader(readers.FileReader):
    """spylls' file reader, which never closes its files: remember them to close them."""

    def __init__(self, path: str, encoding: str = "Windows-1252") -> None:
        self.opened: list[IO[str]] = []
        super().__init__(path, encoding)

    def _open(self, path: str, encoding: str) -> IO[str]:
        self.opened.append(super()._open(path, encoding))
        return self.opened[-1]

    def close(self) -> None:
        for handle in self.opened:
            handle.close()


def _read_dictionary(base: Path) -> Dictionary:
    """Do what Dictionary.from_files does, closing the files (filterwarnings = error)."""
    aff_reader = _ClosingReader(f"{base}.aff")
    try:
        aff, context = readers.read_aff(aff_reader)
    finally:
        aff_reader.close()
    dic_reader = _ClosingReader(f"{base}.dic", encoding=context.encoding)
    try:
        dic = readers.read_dic(dic_reader, aff=aff, context=context)
    finally:
        dic_reader.close()
    return Dictionary(aff, dic)


def loaded_dictionaries() -> tuple[str, ...]:
    """Return the dictionaries loaded so far, as file paths without suffix."""
    return tuple(str(base) for base in _dictionaries)


def clear_dictionary_cache() -> None:
    """Forget loaded dictionaries and looked-up words (for tests)."""
    with _guard:
        _dictionaries.clear()
        _failures.clear()
        _load_locks.clear()
    _lookup.cache_clear()


# --- phrases -----------------------------------------------------------------------------

def _count_phrases(text: str, language: str) -> dict[str, PhraseMatches]:
    lowered = text.translate(_APOSTROPHES).lower()
    counts = {}
    for category, pattern in _phrase_patterns(PHRASES_FILE).get(language, {}).items():
        found = [match.group() for match in pattern.finditer(lowered)]
        counts[category] = PhraseMatches(len(found), tuple(dict.fromkeys(found)))
    return counts


@cache
def _phrase_patterns(path: Path) -> dict[str, dict[str, re.Pattern[str]]]:
    """Compile phrases.yaml: per language, per category, one alternation, longest first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns: dict[str, dict[str, re.Pattern[str]]] = {}
    for language, categories in data.items():
        if not isinstance(categories, dict) or set(categories) != set(CATEGORIES):
            raise ValueError(f"{path}: {language} needs exactly the categories {CATEGORIES}")
        patterns[language] = {}
        for category, phrases in categories.items():
            if not phrases or not all(isinstance(p, str) and p == p.lower() for p in phrases):
                raise ValueError(f"{path}: {language}.{category} needs lowercase phrases")
            ordered = sorted(phrases, key=len, reverse=True)
            alternatives = "|".join(_phrase_regex(phrase) for phrase in ordered)
            patterns[language][category] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    return patterns


def _phrase_regex(phrase: str) -> str:
    words = unicodedata.normalize("NFC", phrase).split()
    return r"\s+".join(re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word)
                       for word in words)
