"""The bank header: metadata and the competency framework."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hiring.items.types.base import KEY_PATTERN, Text

DIMENSIONS = (
    "customer_focus",
    "listening_problem_solving",
    "composure",
    "communication",
    "ownership",
    "numeracy",
)
OPTIONAL_DIMENSIONS = ("sales_retention",)
LANGUAGE_PATTERN = r"^[a-z]{2}(-[A-Za-z]{2,4})?$"


class Probe(BaseModel):
    """A structured interview question for the interview guide."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KEY_PATTERN)
    # behavioural: "Tell me about a time..."; situational: "What would you do if..."
    kind: Literal["behavioural", "situational"] = "behavioural"
    question: Text
    good_answer: Text
    rating_guide: dict[int, Text]

    @model_validator(mode="after")
    def _guide(self) -> Probe:
        if not {1, 3, 5} <= set(self.rating_guide) <= {1, 2, 3, 4, 5}:
            raise ValueError("rating_guide needs descriptions for 1, 3 and 5 (and only 1..5)")
        return self


class Dimension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text
    definition: Text
    strong: list[Text] = []
    weak: list[Text] = []
    probes: list[Probe] = []


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text
    type: str | None = None
    dimension: str | None = None
    count: int = Field(ge=1, le=500)


class Thresholds(BaseModel):
    """When a score is a strength or a development area (see hiring.scoring.rules)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    strength_score: float = Field(default=70.0, ge=0, le=100)
    development_score: float = Field(default=50.0, ge=0, le=100)
    min_items: int = Field(default=2, ge=1, le=10)
    max_each: int = Field(default=3, ge=1, le=6)

    @model_validator(mode="before")
    @classmethod
    def _deprecated(cls, data: object) -> object:
        """Accept and drop `strength_low`: older banks set it, and the band's lower end
        against strength_score now decides instead (docs/bank-format.md)."""
        if isinstance(data, dict) and "strength_low" in data:
            data = {k: v for k, v in data.items() if k != "strength_low"}
        return data

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.development_score >= self.strength_score:
            raise ValueError("development_score must be below strength_score")
        return self


class AssessmentRecipe(BaseModel):
    """A ready-made assessment a bank ships."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=KEY_PATTERN)
    name: Text
    time_limit_minutes: int = Field(ge=1, le=300)
    grace_seconds: int = Field(default=60, ge=0, le=600)
    shuffle: bool = True
    typing_target_wpm: int = Field(default=35, ge=5, le=150)
    languages: list[str] | None = None  # None: every language of the bank
    thresholds: Thresholds = Thresholds()
    sections: list[Section] = Field(min_length=1)


class CueAudit(BaseModel):
    """Limits of the cue audit of situational items (see hiring.banks.cues)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    # The highest excess over chance a test-wise strategy may reach, per language.
    max_excess: float = Field(default=0.2, ge=0, le=1)
    # The highest share of items whose keyed best option is the longest, per language.
    max_longest_best: float = Field(default=0.35, ge=0, le=1)


class BankHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = Field(ge=1, le=1)
    id: str = Field(pattern=KEY_PATTERN)
    version: int = Field(ge=1, le=1_000_000)
    title: Text
    languages: list[str] = Field(min_length=1)
    dimensions: dict[str, Dimension]
    items: list = Field(min_length=1)
    # Unscored items a candidate tries before the clock starts (hiring.assessment.practice).
    practice: list = Field(default=[], max_length=20)
    assessments: list[AssessmentRecipe] = []
    cue_audit: CueAudit | None = None  # None: the defaults

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        for language in value:
            if not re.match(LANGUAGE_PATTERN, language):
                raise ValueError(f"{language!r} is not a language code like en or hr")
        if len(set(value)) != len(value):
            raise ValueError("a language is listed twice")
        return value

    @field_validator("dimensions")
    @classmethod
    def _dimensions(cls, value: dict) -> dict:
        missing = [key for key in DIMENSIONS if key not in value]
        if missing:
            raise ValueError(f"missing dimensions: {', '.join(missing)}")
        unknown = [key for key in value if key not in DIMENSIONS + OPTIONAL_DIMENSIONS]
        if unknown:
            raise ValueError(f"unknown dimensions: {', '.join(unknown)}")
        return value
