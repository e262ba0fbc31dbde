"""Practical math: a template whose parameters are drawn per attempt."""

from __future__ import annotations

import math
import random
import re
import string
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hiring.assessment.messages import N_, in_language
from hiring.assessment.types.base import (
    AnswerError,
    ItemContent,
    ItemType,
    Text,
    register,
    translate,
)
from hiring.banks.formula import FormulaError, evaluate, parse

CHECK_DRAWS = 500  # parameter sets tried when a bank is validated


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    # bounded like a formula's constants (hiring.banks.formula.MAX_CONSTANT)
    min: float | None = Field(default=None, ge=-1e9, le=1e9)
    max: float | None = Field(default=None, ge=-1e9, le=1e9)
    step: float | None = Field(default=None, gt=0, le=1e9)
    choices: list[Annotated[float, Field(ge=-1e9, le=1e9)]] | None = Field(
        default=None, min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _shape(self) -> Param:
        if self.choices is None:
            if None in (self.min, self.max, self.step):
                raise ValueError("give either min, max and step, or choices")
            if self.min > self.max:
                raise ValueError("min is larger than max")
            if (self.max - self.min) / self.step > 1_000_000:
                raise ValueError("too many values between min and max for this step")
        elif self.min is not None or self.max is not None:
            raise ValueError("give either min, max and step, or choices, not both")
        return self


class NumericContent(ItemContent):
    stem: Text
    params: dict[str, Param] = Field(min_length=1)
    formula: str = Field(max_length=500)
    decimals: int = Field(default=2, ge=0, le=4)
    tolerance: float = Field(default=0.01, ge=0, le=1e9)
    unit: Text | None = None
    explanation: Text


def _decimals_of(value: float) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def draw(params: dict[str, dict], rng: random.Random) -> dict[str, float]:
    """Draw one value for each parameter."""
    values = {}
    for name in sorted(params):
        spec = params[name]
        if spec.get("choices"):
            values[name] = rng.choice(spec["choices"])
            continue
        steps = int(round((spec["max"] - spec["min"]) / spec["step"]))
        places = max(_decimals_of(spec["min"]), _decimals_of(spec["step"]))
        values[name] = round(spec["min"] + spec["step"] * rng.randint(0, steps), places)
    return values


def expected(content: dict, params: dict[str, float]) -> float:
    """Return the correct answer for these parameters, rounded half up as people do."""
    value = Decimal(repr(evaluate(content["formula"], params)))
    places = Decimal(1).scaleb(-content.get("decimals", 2))
    return float(value.quantize(places, rounding=ROUND_HALF_UP))


def format_number(value: float, places: int | None = None) -> str:
    """Format a number without a trailing .0 for whole values."""
    if places is None:
        places = 0 if float(value).is_integer() else _decimals_of(value)
    return f"{value:.{places}f}"


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def parse_number(text: str) -> float:
    """Read a number typed by a candidate: 12.5, 12,50, 1 234.5, '12.50 EUR'."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    cleaned = cleaned.rstrip(string.ascii_letters + "€$%").strip()
    if cleaned.count(",") == 1 and cleaned.count(".") == 1:
        # 1.234,50 or 1,234.50: the last separator is the decimal one
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    if not _NUMBER.match(cleaned):
        raise AnswerError(N_("Enter a number, for example 12.50."))
    return float(cleaned.replace(",", "."))


@register
class Numeric(ItemType):
    name = "numeric"
    scale = "numeracy"
    content_model = NumericContent
    template = "candidate/items/numeric.html"
    answer_fields = ("value",)

    def check(self, content: dict) -> list[tuple[tuple, str]]:
        try:
            parse(content["formula"], set(content["params"]))
        except FormulaError as exc:
            return [(("formula",), str(exc))]
        problems = []
        for language, stem in content["stem"].items():
            for name in re.findall(r"\{(\w+)\}", stem):
                if name not in content["params"]:
                    problems.append((("stem", language), f"unknown parameter {{{name}}}"))
        rng = random.Random(0)  # noqa: S311 - reproducible validation, not security
        for _ in range(CHECK_DRAWS):
            values = draw(content["params"], rng)
            try:
                answer = evaluate(content["formula"], values)
            except FormulaError as exc:
                problems.append((("formula",), f"{exc} for {values}"))
                break
            if answer < 0:
                problems.append((("formula",), f"gives a negative answer for {values}"))
                break
        return problems

    def draw_params(self, content: dict, rng: random.Random, settings: dict | None = None
                    ) -> dict | None:
        return draw(content["params"], rng)

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        shown = {name: format_number(value) for name, value in (params or {}).items()}
        stem = re.sub(r"\{(\w+)\}", lambda m: shown.get(m[1], m[0]),
                      translate(content["stem"], language))
        return {"stem": stem, "unit": translate(content.get("unit"), language)}

    def parse_answer(self, content: dict, raw: Any) -> Any:
        text = raw.get("value") if isinstance(raw, dict) else raw
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            raise AnswerError(N_("Enter a number, for example 12.50."))
        if isinstance(text, str) and len(text) > 50:
            raise AnswerError(N_("Enter a number, for example 12.50."))
        value = parse_number(str(text))
        if not math.isfinite(value):
            raise AnswerError(N_("Enter a number, for example 12.50."))
        return str(text).strip()

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        if answer is None:
            return 0.0
        try:
            given = parse_number(str(answer))
        except AnswerError:
            return 0.0
        return 1.0 if abs(given - expected(content, params or {})) <= (
            content.get("tolerance", 0.01) + 1e-9) else 0.0

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        return format_number(expected(content, params or {}), content.get("decimals", 2))

    def describe_answer(self, content: dict, params: dict | None, answer: Any,
                        language: str) -> str:
        correct = self.keyed_answer(content, params, language)
        given = answer if answer is not None else in_language(language, N_("(no answer)"))
        return in_language(language, N_("%(given)s (correct: %(correct)s)"), given=given,
                           correct=correct)
