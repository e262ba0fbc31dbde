"""The profile's fixed texts in its language, from the same catalogues as the web pages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"


@lru_cache(maxsize=16)
def translations(language: str) -> NullTranslations:
    """Load the catalogue of a language once; English and unknown languages get none."""
    locale = language.replace("-", "_")
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")
