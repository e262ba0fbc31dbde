"""Languages: the candidate sees the interface in the language of their attempt; a staff
member in the language they chose (User.language), else their browser's."""

from __future__ import annotations

import contextvars
from datetime import date as Date
from datetime import datetime as DateTime
from functools import lru_cache
from pathlib import Path

import flask_babel
from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, g, request
from flask_babel import Babel, get_locale

from hiring.items.messages import N_
from hiring.items.types import ITEM_TYPES
from hiring.reports.formatting import format_language

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def available() -> list[str]:
    """Return the interface languages: English plus every shipped catalogue."""
    found = {p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")}
    return ["en", *sorted(found - {"en"})]


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """Return a language's name in that language, e.g. hrvatski for hr (kept: a welcome
    page names every language it offers, and Babel parses the locale anew each time)."""
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


@lru_cache(maxsize=1)
def _shipped() -> frozenset[str]:
    """The languages with a catalogue, read once: every staff request asks."""
    return frozenset(available())


def interface_languages() -> list[str]:
    """Return the languages staff may choose: those configured (LANGUAGES) that have a
    catalogue, English first."""
    shipped = _shipped()
    chosen = [code for code in current_app.config["LANGUAGES"] if code in shipped]
    return ["en", *[code for code in chosen if code != "en"]]


def browser_language() -> str:
    """Return the interface language the browser asks for most, or English."""
    return request.accept_languages.best_match(interface_languages()) or "en"


def staff_language(user) -> str | None:
    """Return the language a staff member chose, if it is still offered; None otherwise."""
    chosen = getattr(user, "language", None)
    return chosen if chosen and chosen in interface_languages() else None


def _select_locale() -> str:
    """A candidate's or an expert's page speaks the language of their attempt or round;
    a staff page the staff member's chosen language, else the browser's, else English."""
    language = g.get("language")
    if language:
        return language.replace("-", "_")
    return staff_language(g.get("user")) or browser_language()


def page_language() -> str:
    """Return the page's language as an HTML lang attribute gives it (hr, en)."""
    return str(get_locale() or "en").replace("_", "-")


# ---- numbers and dates in the page's language (Jinja filters) ---------------------------

MISSING = "—"


def format_date(value: Date | DateTime | None, format: str = "medium") -> str:
    """A day as the page's language writes it: 7. pro 2026. (hr), Dec 7, 2026 (en)."""
    if value is None:
        return MISSING
    return flask_babel.format_date(value, format)


def format_datetime(value: DateTime | None, format: str = "medium") -> str:
    """A moment in the page's language, to the minute: 7. pro 2026. 14:30 (hr), Dec 7,
    2026, 2:30 PM (en); in BABEL_DEFAULT_TIMEZONE (UTC unless set)."""
    if value is None:
        return MISSING
    if format != "medium":
        return flask_babel.format_datetime(value, format)
    locale = get_locale() or Locale("en")
    pattern = str(locale.datetime_formats.get("medium", "{1} {0}"))
    return pattern.replace("{1}", flask_babel.format_date(value, "medium")).replace(
        "{0}", flask_babel.format_time(value, "short"))


def format_decimal(value: float | int | None, places: int | None = None) -> str:
    """A number in the page's language: 1.234,5 (hr), 1,234.5 (en); `places` fixes the
    decimals shown."""
    if value is None:
        return MISSING
    if places is None:
        return flask_babel.format_decimal(value)
    return flask_babel.format_decimal(value, "#,##0" + ("." + "0" * places if places else ""))


def format_percent(value: float | None, places: int = 0) -> str:
    """A share (0.257) as a percentage in the page's language: 26 % (hr), 26% (en)."""
    if value is None:
        return MISSING
    if not places:
        return flask_babel.format_percent(value)
    locale = get_locale() or Locale("en")
    pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0." + "0" * places, 1)
    return flask_babel.format_percent(value, pattern)


# The states of an attempt as staff pages name them.
ATTEMPT_STATES = {"invited": N_("invited"), "in_progress": N_("in progress"),
                  "submitted": N_("submitted"), "expired": N_("expired"),
                  "scored": N_("scored")}


def attempt_state(state: str) -> str:
    """An attempt's state in the page's language: in progress, u tijeku."""
    return flask_babel.gettext(ATTEMPT_STATES[state]) if state in ATTEMPT_STATES else state


def item_type_label(name: str) -> str:
    """An item type's name in the page's language: situation, situacija."""
    found = ITEM_TYPES.get(name)
    return flask_babel.gettext(found.label) if found is not None else name


FILTERS = {"date": format_date, "datetime": format_datetime, "decimal": format_decimal,
           "percent": format_percent, "attempt_state": attempt_state,
           "item_type": item_type_label}


# The catalogue a page's texts were last looked up in, with the locale and the context (g)
# it was for: a page asks for a few dozen texts, and Flask-Babel finds the catalogue anew
# for each (a tenth of a candidate's page). A locale changed by force_locale or refresh()
# is another object, and another request's context another g: either finds it anew.
_last_catalogue: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "hiring_last_catalogue", default=None)


def translations():
    """flask_babel.get_translations(), kept while the locale and context are the same."""
    locale = get_locale()
    if locale is None:  # outside an app context
        return flask_babel.get_translations()
    context = g._get_current_object()
    last = _last_catalogue.get()
    if last is not None and last[0] is locale and last[1] is context:
        return last[2]
    found = flask_babel.get_translations()
    _last_catalogue.set((locale, context, found))
    return found


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with our catalogues."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=_select_locale)
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, with the catalogue kept
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["language_in_page"] = language_in_page
    app.jinja_env.globals["page_language"] = page_language
    app.jinja_env.filters.update(FILTERS)
