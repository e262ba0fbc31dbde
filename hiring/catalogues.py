"""The translated message catalogues, read with babel alone (no Flask): for texts built
outside a request, such as the profile's fixed texts and the domain's messages."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def languages() -> list[str]:
    """English and every language with a compiled catalogue."""
    found = {p.parent.parent.name for p in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.mo")}
    return ["en", *sorted(found - {"en"})]


def N_(message: str) -> str:  # noqa: N802 - the conventional name the extractor looks for
    """Mark a message for the catalogue without translating it here (as
    hiring.items.messages.N_, for the modules below the items)."""
    return message


@lru_cache(maxsize=16)
def translations(language: str) -> NullTranslations:
    """Load the catalogue of a language once; English and unknown languages get none."""
    locale = language.replace("-", "_")
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")
