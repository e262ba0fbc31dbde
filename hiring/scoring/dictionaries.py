"""Hunspell dictionaries for the writing indicators, loaded once per process.

Two engines read the same Debian hunspell files. The C hunspell library through
pyenchant (libenchant-2-2) loads one 7-27 times faster than spylls, pure Python, in a
sixth to an eighth of the memory (en 8 MiB against 62 MiB, Serbian Latin 34 MiB against
229 MiB), and rejects a misspelling in tens of microseconds where spylls takes up to a
fifth of a second in Serbian (benchmarks/dictionaries.py).
Enchant is used when it is installed and the dictionary is in the folder enchant reads
itself; spylls otherwise, so the indicators work without libenchant and with
dictionaries anywhere (HUNSPELL_DIR).

Either way a dictionary costs time and memory: only background jobs and commands load
one, never a web request.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

HUNSPELL_DIR_ENV = "HUNSPELL_DIR"
DEFAULT_HUNSPELL_DIR = "/usr/share/hunspell"
ENGINE_ENV = "HIRING_SPELLING_ENGINE"  # "enchant" or "spylls" to choose; unset: the best
ENGINES = ("enchant", "spylls")

# File stems tried in order. Debian's hunspell-sr installs sr_RS (Cyrillic, also linked
# as sr_ME) and sr_Latn_RS; other distributions call the Latin one sr-Latn.
DICTIONARIES: dict[str, tuple[str, ...]] = {
    "en": ("en_US",),
    "hr": ("hr_HR",),
    "sr": ("sr_Latn_RS", "sr-Latn"),
    "sr-Cyrl": ("sr_RS",),
    "bg": ("bg_BG",),
}


class Checker:
    """One language's dictionary: tells whether a word is spelled right."""

    def __init__(self, stem: str, engine: str, check: Callable[[str], object]) -> None:
        self.stem, self.engine = stem, engine
        self._check = check
        # Enchant converts each word with one iconv handle per dictionary: one at a time.
        self._lock = threading.Lock()
        self.is_word = lru_cache(maxsize=65536)(self._is_word)

    def _is_word(self, word: str) -> bool:
        if not word:
            return False
        with self._lock:
            return bool(self._check(word))


def directory(hunspell_dir: str | Path | None = None) -> Path:
    """Return the folder to read dictionaries from: the argument, HUNSPELL_DIR, Debian's."""
    return Path(hunspell_dir or os.environ.get(HUNSPELL_DIR_ENV) or DEFAULT_HUNSPELL_DIR)


def checker(language: str, folder: Path) -> tuple[Checker | None, str, str | None]:
    """Return the language's checker, loaded once per process, its file stem, or why none."""
    stems = DICTIONARIES[language]
    for stem in stems:
        base = folder / stem
        if base.with_suffix(".aff").is_file() and base.with_suffix(".dic").is_file():
            break
    else:
        base = folder / stems[0]
        missing = [str(path) for path in (base.with_suffix(".aff"), base.with_suffix(".dic"))
                   if not path.is_file()]
        return None, stems[0], f"hunspell dictionary missing: {', '.join(missing)}"
    with _guard:
        lock = _load_locks.setdefault(base, threading.Lock())
    with lock:  # seconds per dictionary: load each once, other languages in parallel
        if base not in _checkers and base not in _failures:
            try:
                _checkers[base] = _load(base)
            except Exception as error:  # a broken file must not fail the indicators
                _failures[base] = f"hunspell dictionary {base} could not be loaded: {error}"
    if base in _failures:
        return None, stem, _failures[base]
    return _checkers[base], stem, None


_checkers: dict[Path, Checker] = {}
_failures: dict[Path, str] = {}
_load_locks: dict[Path, threading.Lock] = {}
_guard = threading.Lock()


def _load(base: Path) -> Checker:
    """Load the dictionary at base (a path without suffix) with the best engine for it."""
    wanted = os.environ.get(ENGINE_ENV, "").strip().lower()
    if wanted and wanted not in ENGINES:
        raise ValueError(f"{ENGINE_ENV} must be one of {', '.join(ENGINES)}, not {wanted!r}")
    if wanted != "spylls" and _enchant_reads(base.parent):
        try:
            return Checker(base.name, "enchant", _read_enchant(base.name))
        except Exception as error:
            if wanted == "enchant":
                raise
            log.warning("enchant could not load %s (%s); reading it with spylls", base, error)
    return Checker(base.name, "spylls", _read_spylls(base).lookup)


def _enchant_reads(folder: Path) -> bool:
    """Tell whether enchant is installed and finds its hunspell files in this folder."""
    if folder.resolve() != Path(DEFAULT_HUNSPELL_DIR).resolve():
        return False  # enchant searches its own folders; another one is spylls' to read
    return _enchant_module() is not None


@lru_cache(maxsize=1)
def _enchant_module():
    try:
        import enchant  # needs the C library libenchant-2-2
    except (ImportError, OSError) as error:
        log.info("pyenchant unavailable (%s): spelling with spylls", error)
        return None
    return enchant


def _read_enchant(stem: str) -> Callable[[str], bool]:
    enchant = _enchant_module()
    broker = enchant.Broker()
    broker.set_ordering(stem, "hunspell")  # the Debian files, not aspell's lists
    dictionary = broker.request_dict(stem)
    if dictionary.provider.name != "hunspell":
        raise LookupError(f"enchant offers {stem} through {dictionary.provider.name}")
    return dictionary.check


def _read_spylls(base: Path):
    """Do what spylls' Dictionary.from_files does, closing the files (filterwarnings = error)."""
    from spylls.hunspell import Dictionary, readers  # pure Python, imported when needed

    class ClosingReader(readers.FileReader):
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

    aff_reader = ClosingReader(f"{base}.aff")
    try:
        aff, context = readers.read_aff(aff_reader)
    finally:
        aff_reader.close()
    dic_reader = ClosingReader(f"{base}.dic", encoding=context.encoding)
    try:
        dic = readers.read_dic(dic_reader, aff=aff, context=context)
    finally:
        dic_reader.close()
    return Dictionary(aff, dic)


def loaded_dictionaries() -> tuple[str, ...]:
    """Return the dictionaries loaded so far, as file paths without suffix."""
    return tuple(str(base) for base in _checkers)


def clear_dictionary_cache() -> None:
    """Forget loaded dictionaries and looked-up words (for tests)."""
    with _guard:
        _checkers.clear()
        _failures.clear()
        _load_locks.clear()
