"""How numbers and dates appear in profiles, the same on the web page and in the PDF."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol

MISSING = "—"


def format_utc(moment: datetime | None, missing: str = MISSING) -> str:
    """Format a moment as YYYY-MM-DD HH:MM UTC; naive moments are taken as UTC."""
    if moment is None:
        return missing
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def format_day(moment: datetime | None, missing: str = MISSING) -> str:
    """Format a moment's date in UTC as YYYY-MM-DD (the dates of a norm group)."""
    if moment is None:
        return missing
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d")


def _decimal_comma(text: str, language: str) -> str:
    """Write a decimal number with the language's separator: 0.71 in English, 0,71 in
    Croatian, Serbian and Bulgarian."""
    try:
        symbol = get_decimal_symbol(Locale.parse(language.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return text
    return text.replace(".", symbol)


def format_two_decimals(value: float | None, language: str = "en") -> str:
    """Format a reliability: 0.71."""
    return MISSING if value is None else _decimal_comma(f"{value:.2f}", language)


def format_rounded(value: float | None) -> str:
    """Format a 0-100 score as a whole number, halves rounded up."""
    return MISSING if value is None else str(math.floor(value + 0.5))


def format_one_decimal(value: float | None, language: str = "en") -> str:
    """Format a rubric mean with one decimal."""
    return MISSING if value is None else _decimal_comma(f"{value:.1f}", language)


def format_ordinal(value: float, language: str) -> str:
    """Format a percentile as an ordinal number: 62nd in English, 62. elsewhere."""
    number = math.floor(value + 0.5)
    if language.replace("_", "-").split("-")[0].lower() != "en":
        return f"{number}."  # Croatian, Serbian and Bulgarian write ordinals with a dot
    if 11 <= number % 100 <= 13:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def format_percent(value: float) -> str:
    """Format a 0-100 value clamped to that range, for a CSS length in percent."""
    return f"{min(max(value, 0.0), 100.0):.1f}"


def format_language(code: str | None, language: str) -> str:
    """Name a language in the profile's language: English, engleski; sr-Cyrl with its script."""
    if not code:
        return MISSING
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(
            Locale.parse(language.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return code
    return name or code
