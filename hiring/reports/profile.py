"""The profile of one attempt: the data that the HTML page and the PDF both render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class DimensionResult:
    """One dimension's score for one attempt."""

    key: str
    name: str
    definition: str
    score: float | None  # 0-100; None when no item of this dimension was scored yet
    low: float | None  # lower end of the confidence band, 0-100
    high: float | None  # upper end of the confidence band, 0-100
    n_items: int  # scored items behind the score
    n_pending: int = 0  # items still waiting for ratings


@dataclass(frozen=True)
class RatingSummary:
    """One rater's rubric scores for a written response."""

    rater: str
    scores: dict[str, int]  # criterion id -> 1..5
    comment: str


@dataclass(frozen=True)
class WrittenResult:
    """A written response with its rubric and ratings."""

    prompt: str
    answer: str
    word_count: int
    criteria: list[tuple[str, str]]  # (criterion id, translated name)
    ratings: list[RatingSummary]
    criterion_means: dict[str, float]  # criterion id -> mean 1..5 over raters

    @property
    def pending(self) -> bool:
        return not self.ratings


@dataclass(frozen=True)
class Profile:
    """Everything a profile shows about one attempt."""

    attempt_id: int
    candidate_name: str
    candidate_email: str
    assessment_name: str
    bank_title: str
    bank_version: int
    language: str
    state: str
    submitted_at: datetime | None
    generated_at: datetime
    overall: float | None  # mean of the scored dimensions, 0-100
    dimensions: list[DimensionResult]
    strengths: list[str] = field(default_factory=list)  # one sentence each
    development_areas: list[str] = field(default_factory=list)
    written: list[WrittenResult] = field(default_factory=list)
    ratings_complete: bool = True
