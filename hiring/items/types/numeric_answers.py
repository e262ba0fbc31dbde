"""A numeric item's answers: read in the candidate's language, stored unambiguously.

An answer is stored as {"typed": what the candidate typed, "value": the number}, the
value written with digits and a point only (hiring.numbers.canonical). A typed number
that can be read two ways (9.940: 9940 or 9.94) is stored as {"typed": ..., "readings":
[first, second]} until the candidate chooses one of them ({"typed", "reading"} posted
back). Answers stored before, as the text typed, are read as they always were.
"""

from __future__ import annotations

import math
import re
import string
from decimal import Decimal
from typing import Any

from hiring.items.messages import N_, in_language
from hiring.items.types.base import AnswerError
from hiring.numbers import (
    NumberError,
    canonical,
    format_number,
    format_value,
    parse_duration,
    parse_number,
    symbols,
)

DURATION_PLACES = Decimal("0.000001")  # a duration is stored in minutes to 6 decimals
NUMBER_ERROR = N_("Enter a number, for example 12.50.")
DURATION_ERROR = N_("Enter minutes and seconds, for example 7:26.")

_LEGACY = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_legacy(text: str) -> float:
    """Read an answer stored as typed, before answers were read in the candidate's
    language: 12.5, 12,50, 1 234.5, '12.50 EUR' (9,940 is 9.94). Such answers keep the
    score they had."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.rstrip(string.ascii_letters + "€$%").strip()
    if cleaned.count(",") == 1 and cleaned.count(".") == 1:
        # 1.234,50 or 1,234.50: the last separator is the decimal one
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    if not _LEGACY.match(cleaned):
        raise AnswerError(NUMBER_ERROR)
    return float(cleaned.replace(",", "."))


def _stored(value: Decimal, kind: str) -> str:
    if kind == "duration":
        value = value.quantize(DURATION_PLACES)
    if not math.isfinite(float(value)) or abs(value) > Decimal("1e15"):
        raise AnswerError(DURATION_ERROR if kind == "duration" else NUMBER_ERROR)
    return canonical(value)


def read(content: dict, raw: Any, language: str) -> dict | None:
    """Turn a posted answer into the stored one, or raise AnswerError."""
    kind = content.get("format") or "number"
    error = DURATION_ERROR if kind == "duration" else NUMBER_ERROR
    text = raw.get("value") if isinstance(raw, dict) else raw
    chosen = raw.get("reading") if isinstance(raw, dict) else None
    if isinstance(chosen, list):  # the reading kept on the page and the one just picked
        chosen = chosen[-1] if chosen else None
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise AnswerError(error)
    if not isinstance(text, str):  # a JSON number is not typed text: nothing to read
        if not math.isfinite(text):
            raise AnswerError(error)
        value = Decimal(repr(float(text)))
        return {"typed": canonical(value), "value": _stored(value, kind)}
    try:
        reading = (parse_duration if kind == "duration" else parse_number)(text, language)
    except NumberError:
        raise AnswerError(error) from None
    typed = text.strip()
    if not reading.ambiguous:
        return {"typed": typed, "value": _stored(reading.value, kind)}
    readings = [_stored(value, kind) for value in reading.readings]
    if isinstance(chosen, str) and chosen in readings:
        return {"typed": typed, "value": chosen}
    return {"typed": typed, "readings": readings}


def values(answer: Any, kind: str = "number") -> list[float]:
    """Return the number an answer stands for; both readings of one not yet confirmed."""
    if answer is None:
        return []
    if isinstance(answer, dict):
        given = [answer["value"]] if "value" in answer else answer.get("readings") or []
        return [float(value) for value in given]
    try:
        return [parse_legacy(str(answer))]
    except AnswerError:
        pass
    if kind == "duration":  # 7:26, which was refused before: plain text is new, not old
        try:
            reading = parse_duration(str(answer), "en")
        except NumberError:
            return []
        return [float(value) for value in (reading.readings or [reading.value])]
    return []


def _show(value: float | str, content: dict, language: str, grouping: bool = True) -> str:
    kind = content.get("format") or "number"
    if kind != "duration" and not grouping:
        places = 2 if kind == "money" else None
        return format_number(Decimal(str(value)), language, places, grouping=False)
    return format_value(Decimal(str(value)), language, kind)


def confirmation(content: dict, answer: Any, language: str) -> dict | None:
    """Ask which reading an ambiguous typed number meant: the question, the readings to
    choose from, and the one chosen (None until the candidate chooses)."""
    if not isinstance(answer, dict) or "typed" not in answer:
        return None
    if "readings" in answer:
        readings, chosen = answer["readings"], None
    else:
        try:
            again = read(content, {"value": answer["typed"]}, language)
        except AnswerError:
            return None
        if not again or "readings" not in again or answer.get("value") not in again["readings"]:
            return None
        readings, chosen = again["readings"], answer["value"]
    # Without grouping: 9940, never 9.940, which is what is being asked about.
    labels = [_show(value, content, language, grouping=False) for value in readings]
    return {"question": in_language(language, N_("Did you mean %(first)s or %(second)s?"),
                                    first=labels[0], second=labels[1]),
            "readings": [{"value": value, "label": label}
                         for value, label in zip(readings, labels, strict=True)],
            "chosen": chosen}


def describe(content: dict, answer: Any, language: str) -> str | None:
    """Return the answer as the number it counts as, in the language; None when none."""
    if answer is None:
        return None
    if isinstance(answer, dict) and "readings" in answer:
        first, second = (_show(value, content, language, grouping=False)
                         for value in answer["readings"])
        return in_language(language, N_("%(typed)s, not confirmed: %(first)s or %(second)s"),
                           typed=answer.get("typed", ""), first=first, second=second)
    numbers = values(answer, content.get("format") or "number")
    if not numbers:
        return str(answer.get("typed", "") if isinstance(answer, dict) else answer)
    return _show(numbers[0], content, language)


def hint(content: dict, language: str) -> str:
    """Tell the candidate how to write the answer, in the language."""
    if content.get("format") == "duration":
        return in_language(language, N_("Give minutes and seconds, for example 7:26 or "
                                        "7 min 26 s. A number alone counts as minutes: "
                                        "%(example)s min is 7:30."),
                           example=format_number(Decimal("7.5"), language))
    example = format_number(Decimal("1234.5"), language, 2)
    if symbols(language).decimal == ",":
        return in_language(language, N_("Use a decimal comma, for example %(example)s."),
                           example=example)
    return in_language(language, N_("Use a decimal point, for example %(example)s."),
                       example=example)

