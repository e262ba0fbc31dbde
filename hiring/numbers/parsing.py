"""Read numbers and durations typed by people writing in a language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from hiring.numbers.formatting import symbols

MAX_LENGTH = 50
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_UNIT = re.compile(r"[^\d.,]+$")  # what follows the number: EUR, €, %, MB
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_CLOCK = re.compile(r"^(\d{1,4}):([0-5]\d)$")
_MINUTES = r"(?:m|min|mins|minute|minutes|minuta|minute|мин|минути|минута)"
_SECONDS = r"(?:s|sec|secs|second|seconds|sek|sekunda|sekunde|sekundi|сек|секунда|секунди)"
_WORDS = re.compile(rf"^(?:(\d{{1,4}}) ?{_MINUTES}\.?)? ?(?:(\d{{1,4}}) ?{_SECONDS}\.?)?$")
SIXTY = Decimal(60)


class NumberError(ValueError):
    """The text is not a number (or a duration) this reader understands."""


@dataclass(frozen=True)
class Reading:
    """What a typed number means: one value, or two readings for the person to choose."""

    value: Decimal | None = None
    readings: tuple[Decimal, Decimal] | None = None

    @property
    def ambiguous(self) -> bool:
        return self.readings is not None


def _clean(text: str) -> tuple[str, bool]:
    """Drop spaces, a unit after the number and the sign; return the rest and the sign."""
    cleaned = _SPACES.sub("", text.strip())
    cleaned = _UNIT.sub("", cleaned)
    negative = cleaned[:1] in ("-", "\u2212")
    if cleaned[:1] in ("-", "\u2212", "+"):
        cleaned = cleaned[1:]
    if not cleaned or not re.fullmatch(r"[\d.,]+", cleaned) or not cleaned[0].isdigit() \
            or not cleaned[-1].isdigit():
        raise NumberError(text)
    return cleaned, negative


def _number(integer: str, fraction: str = "") -> Decimal:
    try:
        return Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation as exc:  # pragma: no cover - the patterns let only digits in
        raise NumberError(integer) from exc


def parse_number(text: str, language: str) -> Reading:
    """Read a typed number in a language: 12,5 and 1.234,5 in Croatian, 1,234.5 in
    English; spaces may group in any language, and a unit after the number is ignored.

    One separator followed by exactly three digits (9,940 or 9.940) may group thousands
    or mark decimals: both readings are returned, the language's own first."""
    if len(text) > MAX_LENGTH:
        raise NumberError(text)
    cleaned, negative = _clean(text)
    sign = -1 if negative else 1
    marks = [c for c in cleaned if c in ".,"]
    if not marks:
        return Reading(sign * _number(cleaned))
    last = max(cleaned.rfind("."), cleaned.rfind(","))
    head, tail = cleaned[:last], cleaned[last + 1:]
    if len(set(marks)) == 2:
        # both: the last one marks decimals and occurs once, the other one groups
        mark = cleaned[last]
        group = "," if mark == "." else "."
        if mark in head or not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+", head):
            raise NumberError(text)
        return Reading(sign * _number(re.sub(r"[.,]", "", head), tail))
    if len(marks) > 1:  # 1.234.567: only grouping can repeat
        if not _GROUPED.match(cleaned):
            raise NumberError(text)
        return Reading(sign * _number(re.sub(r"[.,]", "", cleaned)))
    decimal = sign * _number(head, tail)
    if len(tail) == 3 and len(head) <= 3 and head != "0":
        grouped = sign * _number(head + tail)
        own = cleaned[last] == symbols(language).decimal
        return Reading(readings=(decimal, grouped) if own else (grouped, decimal))
    return Reading(decimal)


def parse_duration(text: str, language: str) -> Reading:
    """Read a duration in minutes: 7:26 and 7 min 26 s are minutes and seconds; a number
    alone is minutes (7,5 is 7:30).

    A number with exactly two decimals below 60 (7.26) may be minutes and seconds or
    decimal minutes: both readings are returned, minutes and seconds first."""
    if len(text) > MAX_LENGTH:
        raise NumberError(text)
    compact = _SPACES.sub(" ", text.strip().lower())
    if clock := _CLOCK.match(compact.replace(" ", "")):
        return Reading(Decimal(clock[1]) + Decimal(clock[2]) / SIXTY)
    words = _WORDS.match(compact)
    if words and (words[1] or words[2]):
        minutes, seconds = Decimal(words[1] or 0), Decimal(words[2] or 0)
        if words[1] and seconds >= 60:
            raise NumberError(text)
        return Reading(minutes + seconds / SIXTY)
    reading = parse_number(text, language)
    if reading.ambiguous:
        return reading
    cleaned, _ = _clean(text)
    fraction = re.split(r"[.,]", cleaned)[-1] if re.search(r"[.,]", cleaned) else ""
    value = reading.value
    if len(fraction) == 2 and int(fraction) < 60 and value is not None and value >= 0:
        clock_value = int(value) + Decimal(int(fraction)) / SIXTY
        if clock_value != value:
            return Reading(readings=(clock_value, value))
    return reading
