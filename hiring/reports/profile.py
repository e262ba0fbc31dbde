"""The profile of one attempt: the data that the HTML page and the PDF both render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hiring.scoring.agreement import Agreement
    from hiring.scoring.integrity import IntegrityFacts
    from hiring.scoring.writing import WritingIndicators


@dataclass(frozen=True)
class Evidence:
    """One item behind a dimension score: what was asked, answered and keyed."""

    position: int
    item_key: str
    item_type: str
    question: str
    answer: str  # what the candidate chose or wrote, as an interviewer reads it
    keyed: str  # the option keyed best, or the correct answer ("" for rated items)
    score: float | None  # 0..1; None while waiting for ratings
    key_source: str | None = None  # where an SJT item's key came from, in the language


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
    percentile: float | None = None  # against the norm group, when it is large enough
    norm_n: int = 0  # completed attempts of the same assessment with this dimension
    insufficient: bool = False  # fewer scored items than the minimum for a claim
    evidence: list[Evidence] = field(default_factory=list)


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
    criterion_spread: dict[str, int] = field(default_factory=dict)  # max - min over raters
    indicators: WritingIndicators | None = None
    # ready, computing (the background job has not stored them yet), failed, or none
    # (an empty answer); see hiring.scoring.writing_store.
    indicators_state: str = "none"
    pasted_chars: int = 0
    hidden_ratings: int = 0  # others' ratings withheld until the viewer has rated
    # criterion id -> raters' agreement on it over the assessment, where there are enough
    criterion_icc: dict[str, Agreement] = field(default_factory=dict)

    @property
    def pending(self) -> bool:
        return not self.ratings and not self.hidden_ratings

    @property
    def disagreements(self) -> list[str]:
        """Criteria on which raters differ by 2 points or more."""
        return [cid for cid, spread in self.criterion_spread.items() if spread >= 2]


@dataclass(frozen=True)
class TypingSummary:
    net_wpm: float
    gross_wpm: float
    accuracy: float  # 0..1
    errors: int
    target_wpm: float


@dataclass(frozen=True)
class Probe:
    """An interview question with what a good answer contains and a 1-5 scorecard."""

    question: str
    good_answer: str
    guide: dict[int, str]  # 1..5 -> anchored description
    kind: str = "behavioural"  # or "situational": "What would you do if..."


@dataclass(frozen=True)
class GuideEntry:
    """The interview guide for one development area."""

    dimension_key: str
    dimension_name: str
    probes: list[Probe]
    reason: str = "development area"  # or "lowest score" when there are no development areas


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
    assessment_id: int = 0
    overall_low: float | None = None
    overall_high: float | None = None
    norm_min_group: int = 30
    interview_guide: list[GuideEntry] = field(default_factory=list)
    typing: list[TypingSummary] = field(default_factory=list)
    integrity: IntegrityFacts | None = None
    rules: list[str] = field(default_factory=list)  # "how to read this profile"

    def key_sources(self) -> list[tuple[str, list[int]]]:
        """Return each source of keys with the positions of the items keyed by it, in the
        order the items came."""
        grouped: dict[str, list[int]] = {}
        for item in sorted((e for d in self.dimensions for e in d.evidence
                            if e.key_source), key=lambda e: e.position):
            grouped.setdefault(item.key_source, []).append(item.position)
        return list(grouped.items())
