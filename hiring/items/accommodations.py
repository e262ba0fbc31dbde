"""Accommodations: more time for a candidate, by a multiplier and by added minutes.

The multiplier lengthens the whole time limit and every timed item (the typing
exercise); extra minutes are added to the time limit after it. Neither is hidden: the
candidate's welcome page and the profile say what was given."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from hiring.items.messages import N_
from hiring.numbers import format_number

CHOICES = (1.25, 1.5, 2.0)  # what the forms offer; any number from MIN to MAX is allowed
MIN, MAX = 1.0, 3.0
PROBLEM = N_("The time multiplier must be a number from 1 to 3, such as 1.25, 1.5 or 2 "
             "(a decimal comma is fine: 1,5).")


def parse_multiplier(text: str | float | None) -> float:
    """Read a multiplier as HR types it (1.5 or 1,5); empty means 1. ValueError if wrong."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return 1.0
    if isinstance(text, str):
        text = text.strip().replace(",", ".")
        if text.count(".") > 1:
            raise ValueError(PROBLEM)
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(PROBLEM) from None
    if not value.is_finite() or not Decimal(MIN) <= value <= Decimal(MAX):
        raise ValueError(PROBLEM)
    return float(round(value, 2))


def stretched_minutes(minutes: float, multiplier: float) -> int:
    """The time limit under a multiplier, rounded up to a whole minute."""
    return math.ceil(round(minutes * (multiplier or 1.0), 6))


def stretched_seconds(seconds: float, multiplier: float) -> int:
    """A timed item's duration under a multiplier, rounded up to a whole second."""
    return math.ceil(round(seconds * (multiplier or 1.0), 6))


def total_minutes(time_limit_minutes: int, multiplier: float, extra_minutes: int) -> int:
    """The candidate's whole time: the limit times the multiplier, plus extra minutes."""
    return stretched_minutes(time_limit_minutes, multiplier) + (extra_minutes or 0)


def has_multiplier(multiplier: float | None) -> bool:
    return multiplier is not None and abs(multiplier - 1.0) > 1e-9


def format_multiplier(multiplier: float, language: str = "en") -> str:
    """Write a multiplier as the language writes numbers: 1.5 in English, 1,5 in Croatian."""
    return format_number(Decimal(str(multiplier)).normalize(), language, grouping=False)
