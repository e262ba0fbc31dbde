"""The bank header: metadata and the competency framework."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hiring.assessment.types.base import KEY_PATTERN, Text

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


class Dimension(BaseModel):
    model_config = ConfigDict(extra="allow")  # strong/weak indicators and probes come later

    name: Text
    definition: Text


class BankHeader(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: int = Field(ge=1, le=1)
    id: str = Field(pattern=KEY_PATTERN)
    version: int = Field(ge=1)
    title: Text
    languages: list[str] = Field(min_length=1)
    dimensions: dict[str, Dimension]
    items: list = Field(min_length=1)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        import re

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
