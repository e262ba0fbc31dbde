"""The two spelling engines: enchant (C hunspell) when installed, spylls otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from hiring.scoring import dictionaries
from hiring.scoring.writing import writing_indicators

DEBIAN = Path(dictionaries.DEFAULT_HUNSPELL_DIR)
needs_enchant = pytest.mark.skipif(dictionaries._enchant_module() is None,
                                   reason="libenchant-2-2 is not installed")
# Right, wrong, missing diacritics, clipped infinitives, capitalised, odd characters.
CROATIAN_WORDS = ["račun", "racun", "poštovana", "postovana", "vratit", "vratiti", "sati",
                  "Zagreb", "zagreb", "ispričavamo", "ispricavamo", "kašnjenja", "neugodnost",
                  "xyzzy", "pomoći", "pomoči", "Žao", "ŽAO", "e-pošta", "日本", "x"]


@pytest.fixture(autouse=True)
def fresh_cache():
    dictionaries.clear_dictionary_cache()
    yield
    dictionaries.clear_dictionary_cache()


@needs_enchant
def test_debian_dictionaries_are_read_with_enchant_when_it_is_installed():
    checker, stem, note = dictionaries.checker("hr", DEBIAN)
    assert (checker.engine, stem, note) == ("enchant", "hr_HR", None)
    assert checker.is_word("račun") and not checker.is_word("racun")


@needs_enchant
def test_both_engines_agree_on_croatian_words(monkeypatch):
    enchant, _, _ = dictionaries.checker("hr", DEBIAN)
    dictionaries.clear_dictionary_cache()
    monkeypatch.setenv(dictionaries.ENGINE_ENV, "spylls")
    spylls, _, _ = dictionaries.checker("hr", DEBIAN)
    assert (enchant.engine, spylls.engine) == ("enchant", "spylls")
    assert {w: enchant.is_word(w) for w in CROATIAN_WORDS} == {
        w: spylls.is_word(w) for w in CROATIAN_WORDS}


def test_without_enchant_spylls_reads_the_same_files(monkeypatch):
    monkeypatch.setattr(dictionaries, "_enchant_module", lambda: None)
    checker, stem, _ = dictionaries.checker("en", DEBIAN)
    assert (checker.engine, stem) == ("spylls", "en_US")
    result = writing_indicators("You will recieve the parcel.", "en")
    assert result.spelling is not None and result.spelling.misspelled_words == ("recieve",)


def test_dictionaries_elsewhere_are_read_with_spylls(tmp_path):
    (tmp_path / "en_US.aff").write_text("SET UTF-8\n", encoding="utf-8")
    (tmp_path / "en_US.dic").write_text("1\nparcel\n", encoding="utf-8")
    checker, _, _ = dictionaries.checker("en", tmp_path)
    assert checker.engine == "spylls"
    assert checker.is_word("parcel") and not checker.is_word("sorry")


def test_an_unknown_engine_is_a_clear_note(monkeypatch):
    monkeypatch.setenv(dictionaries.ENGINE_ENV, "aspell")
    checker, _, note = dictionaries.checker("en", DEBIAN)
    assert checker is None
    assert note is not None and "HIRING_SPELLING_ENGINE must be one of enchant, spylls" in note
