"""Practical math: a template whose parameters are drawn per attempt."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hiring.items.formula import FormulaError, evaluate, parse
from hiring.items.messages import N_, in_language
from hiring.items.types import numeric_answers as answers
from hiring.items.types import simulated
from hiring.items.types.base import (
    ItemContent,
    ItemType,
    Text,
    register,
    translate,
)
from hiring.items.types.simulated import Expectation
from hiring.numbers import format_duration, format_value

CHECK_DRAWS = 500  # parameter sets tried when a bank is validated
# How a value is shown and read (hiring.numbers): money with two decimals, a duration in
# minutes as minutes and seconds.
Format = Literal["number", "money", "duration"]


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    # bounded like a formula's constants (hiring.items.formula.MAX_CONSTANT)
    min: float | None = Field(default=None, ge=-1e9, le=1e9)
    max: float | None = Field(default=None, ge=-1e9, le=1e9)
    step: float | None = Field(default=None, gt=0, le=1e9)
    choices: list[Annotated[float, Field(ge=-1e9, le=1e9)]] | None = Field(
        default=None, min_length=1, max_length=1000)
    format: Format | None = None  # how the value is shown; None: a plain number

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
    format: Format | None = None  # how the answer is read and shown; None: a number
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
    """Format a number with a decimal point and no trailing .0 for whole values, as the
    simulated candidates type their answers (the pages use hiring.numbers)."""
    if places is None:
        places = 0 if float(value).is_integer() else _decimals_of(value)
    return f"{value:.{places}f}"


# Answers stored as typed, before they were read in the candidate's language.
parse_number = answers.parse_legacy


@register
class Numeric(ItemType):
    name = "numeric"
    label = N_("calculation")
    note = N_("Practical math: a question with parameters drawn per candidate, a formula and "
              "a tolerance.")
    minutes = 1.5
    scale = "numeracy"
    content_model = NumericContent
    template = "candidate/items/numeric.html"
    answer_fields = ("value", "reading")  # reading: the one chosen of an ambiguous value

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
        problems += self._check_formats(content)
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

    def _check_formats(self, content: dict) -> list[tuple[tuple, str]]:
        problems = []
        if content.get("format") == "money" and content.get("decimals", 2) != 2:
            problems.append((("decimals",), "money is given to the cent: decimals must be 2"))
        for name, spec in content["params"].items():
            if spec.get("format") != "money":
                continue
            given = [*(spec.get("choices") or []),
                     *(spec[k] for k in ("min", "step") if spec.get(k) is not None)]
            if any(_decimals_of(value) > 2 for value in given):
                problems.append((("params", name, "format"),
                                 "money has at most two decimals"))
        return problems

    def draw_params(self, content: dict, rng: random.Random, settings: dict | None = None
                    ) -> dict | None:
        return draw(content["params"], rng)

    def view(self, content: dict, params: dict | None, language: str) -> dict[str, Any]:
        specs = content["params"]
        shown = {name: format_value(Decimal(repr(value)), language,
                                    specs.get(name, {}).get("format") or "number")
                 for name, value in (params or {}).items()}

        def fill(text: dict | None) -> str:
            return re.sub(r"\{(\w+)\}", lambda m: shown.get(m[1], m[0]),
                          translate(text, language))

        return {"stem": fill(content["stem"]), "unit": translate(content.get("unit"), language),
                "explanation": fill(content.get("explanation")),
                "hint": answers.hint(content, language),
                "duration": content.get("format") == "duration"}

    def parse_answer(self, content: dict, raw: Any) -> Any:
        return answers.read(content, raw, "en")

    def read_answer(self, content: dict, raw: Any, language: str) -> Any:
        return answers.read(content, raw, language)

    def confirmation(self, content: dict, answer: Any, language: str) -> dict | None:
        return answers.confirmation(content, answer, language)

    def form_values(self, answer: Any) -> dict[str, Any]:
        # The field shows what the candidate typed, as they typed it, not the stored number.
        if isinstance(answer, dict):
            return {"value": answer.get("typed") or ""}
        return super().form_values(answer)

    def score(self, content: dict, params: dict | None, answer: Any,
              ratings: Sequence[dict[str, int]] = ()) -> float | None:
        # A reading not yet confirmed counts if either reading is right: at most one can be.
        correct = expected(content, params or {})
        tolerance = content.get("tolerance", 0.01) + 1e-9
        return 1.0 if any(abs(given - correct) <= tolerance
                          for given in answers.values(answer, content.get("format") or "number")
                          ) else 0.0

    def keyed_answer(self, content: dict, params: dict | None, language: str) -> str:
        return format_value(Decimal(repr(expected(content, params or {}))), language,
                            content.get("format") or "number", content.get("decimals", 2))

    def describe_answer(self, content: dict, params: dict | None, answer: Any,
                        language: str) -> str:
        correct = self.keyed_answer(content, params, language)
        given = answers.describe(content, answer, language)
        if given is None:
            given = in_language(language, N_("(no answer)"))
        return in_language(language, N_("%(given)s (correct: %(correct)s)"), given=given,
                           correct=correct)

    def practice_feedback(self, content: dict, params: dict | None, answer: Any,
                          language: str) -> list[str]:
        view = self.view(content, params, language)
        correct = " ".join(filter(None, (self.keyed_answer(content, params, language),
                                         view["unit"])))
        given = answers.describe(content, answer, language) or in_language(
            language, N_("(no answer)"))
        return [in_language(language, N_("Your answer: %(answer)s"), answer=given),
                in_language(language, N_("The correct answer is %(correct)s."),
                            correct=correct),
                view["explanation"]]

    def simulate_answer(self, content: dict, params: dict | None, level: float,
                        rng: random.Random) -> tuple[Any, list[dict]]:
        correct = expected(content, params or {})
        if rng.random() < simulated.p_correct(level, content["id"]):
            value = correct
        else:
            value = correct * rng.choice([0.9, 1.1, 1.25]) + 1
            if abs(value - correct) <= 2 * content.get("tolerance", 0.01) + 0.01:
                value = correct * 1.25 + 1  # 0.9x + 1 is x itself near x = 10
        if content.get("format") == "duration":
            return format_duration(value), []  # typed as minutes and seconds, 7:26
        return format_number(value, content.get("decimals", 2)), []

    def expected_score(self, content: dict, params: dict | None, scored: dict
                       ) -> Expectation:
        # A slip is off by more than 10% plus one, far beyond any tolerance: it scores 0.
        return lambda theta: simulated.p_correct(theta, content["id"])
