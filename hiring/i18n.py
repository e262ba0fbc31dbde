"""Languages: the candidate sees the interface in the language of their attempt."""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale

from hiring.reports.formatting import format_language

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def available() -> list[str]:
    """Return the interface languages: English plus every shipped catalogue."""
    found = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return ["en", *sorted(found - {"en"})]


def language_name(code: str) -> str:
    """Return a language's name in that language, e.g. hrvatski for hr."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name() or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_in_page(code: str) -> str:
    """Return a language's name in the page's language, as written within a sentence:
    Croatian on an English page, engleski on a Croatian one (language_name names it in
    itself, for a choice of language)."""
    return format_language(code, str(get_locale() or "en"))


def _select_locale() -> str:
    language = g.get("language")
    if language:
        return language.replace("-", "_")
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our catalogues."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["language_in_page"] = language_in_page
