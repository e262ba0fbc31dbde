"""Write numbers, money and durations the way a language does."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

# How a value is shown: a plain number, money (always two decimals), or a duration given
# in minutes and shown as minutes and seconds (7:26).
FORMATS = ("number", "money", "duration")
MAX_PLACES = 6  # a plain number shows at most this many decimals


class Symbols(NamedTuple):
    decimal: str
    group: str
    minus: str


@lru_cache(maxsize=32)
def locale_of(language: str) -> Locale:
    """Return Babel's locale for a language code (sr-Cyrl too); English when unknown."""
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def symbols(language: str) -> Symbols:
    """Return the decimal, group and minus symbols of a language."""
    locale = locale_of(language)
    return Symbols(locale.number_symbols["latn"]["decimal"],
                   locale.number_symbols["latn"]["group"],
                   locale.number_symbols["latn"]["minusSign"])


def _decimal(value: float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(float(value)))


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return min(MAX_PLACES, max(0, -int(exponent)))


def format_number(value: float | Decimal, language: str, places: int | None = None, *,
                  grouping: bool = True) -> str:
    """Format a number with the language's symbols: 1.234,5 in Croatian.

    Without places, as many decimals as the value has (none for whole values); without
    grouping, 9940 rather than 9.940 (where a reader must not take one for the other)."""
    number = _decimal(value)
    if places is None:
        places = _places(number)
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=locale_of(language),
                          decimal_quantization=True)


def format_money(value: float | Decimal, language: str) -> str:
    """Format an amount of money with two decimals: 75,50 in Croatian, 75.50 in English."""
    return format_number(value, language, 2)


def format_duration(minutes: float | Decimal, language: str = "en") -> str:
    """Format a duration in minutes as minutes and seconds, rounded to the second: 7:26."""
    seconds = int((_decimal(minutes) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def format_value(value: float | Decimal, language: str, kind: str = "number",
                 places: int | None = None) -> str:
    """Format a value as the kind says (number, money or duration)."""
    if kind == "money":
        return format_money(value, language)
    if kind == "duration":
        return format_duration(value, language)
    return format_number(value, language, places)


def canonical(value: float | Decimal) -> str:
    """Write a number so that no language reads it otherwise: digits and a point, no
    grouping, no trailing zeros (9940, 9.94). The reader of answers stored before
    numbers were read by language reads these the same way."""
    number = _decimal(value).normalize()
    text = format(number, "f")
    return "0" if text in ("-0", "") else text
