"""The profile of one attempt: the data that the HTML page and the PDF both render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from hiring.config import Defaults

if TYPE_CHECKING:
    from hiring.scoring.agreement import Agreement
    from hiring.scoring.integrity import IntegrityFacts
    from hiring.scoring.writing import WritingIndicators


@dataclass(frozen=True)
class Evidence:
    """One item behind a score: what was asked, answered and keyed."""

    position: int
    item_key: str
    item_type: str
    question: str
    answer: str  # what the candidate chose or wrote, as an interviewer reads it
    keyed: str  # the option keyed best, or the correct answer ("" for rated items)
    score: float | None  # 0..1; None when unanswered or waiting for ratings
    answered: bool = True
    key_source: str | None = None  # where an SJT item's key came from, in the language
    line: str | None = None  # what the item type says the score was measured from
    type_label: str = ""  # what the item type is called, in the profile's language


@dataclass(frozen=True)
class NormResult:
    """Where a score stands in its norm group, and what that group is."""

    percentile: float | None  # None: the group is smaller than the minimum
    n: int  # attempts in the group
    language: str  # the group's language, named in the profile's language
    first: datetime | None = None  # the group's earliest and latest submission
    last: datetime | None = None


@dataclass(frozen=True)
class Reliability:
    """How precise a score over this candidate's answered items is, and from what."""

    source: str  # "data": estimated from completed attempts; "prior": a stated prior
    reliability: float
    sem: float  # standard error of measurement, in points of 0-100
    n_items: int  # the answered items both refer to
    interval: tuple[float, float] | None = None  # 95% bootstrap interval of reliability
    n_attempts: int = 0  # completed attempts behind the estimate (or seen, for a prior)
    min_attempts: int = 0  # attempts needed before the data decide
    single_item: bool = False  # one item: no pairs of items to estimate it from


@dataclass(frozen=True)
class ScoreResult:
    """One score of an attempt: a scale, or a behavioural subscore of the judgement scale."""

    key: str  # the scale ("judgement", "numeracy", ...) or the behavioural dimension
    kind: str  # "scale" or "subscore"
    name: str
    definition: str
    score: float | None  # 0-100 over the answered items; None without any
    low: float | None  # the 95% band from the SEM (for an indication, drawn faintly only)
    high: float | None
    n_items: int  # answered, scored items behind the score
    n_unanswered: int = 0
    n_pending: int = 0  # answered, waiting for ratings
    reportable: bool = True  # False: a subscore shown only as an indication
    decision: str = "none"  # strength, development, band, insufficient, indication, ...
    note: str = ""  # what the rules make of it, or why they make nothing of it
    norm: NormResult | None = None  # None for indications: no percentile of those
    reliability: Reliability | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def n_total(self) -> int:
        return self.n_items + self.n_unanswered + self.n_pending

    @property
    def indication(self) -> bool:
        return not self.reportable


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
    answered: bool = True

    @property
    def pending(self) -> bool:
        return self.answered and not self.ratings and not self.hidden_ratings

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
    """The interview guide for one dimension to probe."""

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
    judgement: ScoreResult | None  # the composite the profile leads with
    scales: list[ScoreResult] = field(default_factory=list)  # numeracy, reading, ...
    subscores: list[ScoreResult] = field(default_factory=list)  # behavioural dimensions
    n_items: int = 0
    n_unanswered: int = 0
    incomplete: bool = False  # more than a quarter unanswered: no claims
    no_answers: bool = False  # nothing was measured
    min_answered: int = 0  # answered items an attempt needs before claims are made
    strengths: list[str] = field(default_factory=list)  # one sentence each
    development_areas: list[str] = field(default_factory=list)
    written: list[WrittenResult] = field(default_factory=list)
    ratings_complete: bool = True
    assessment_id: int = 0
    norm_min_group: int = Defaults.NORM_MIN_GROUP
    interview_guide: list[GuideEntry] = field(default_factory=list)
    guide_note: str = ""  # why the guide is empty, when it is
    typing: list[TypingSummary] = field(default_factory=list)
    integrity: IntegrityFacts | None = None
    rules: list[str] = field(default_factory=list)  # "how to read this profile"
    thresholds: tuple[float, float] = (50.0, 70.0)  # development, strength: drawn on the chart
    simulated: bool = False
    # Accommodations: a time multiplier (the limit and timed items) and extra minutes.
    time_multiplier: float = 1.0
    extra_minutes: int = 0
    # Blind review (hiring.assessment.ratings): set, the candidate is shown by this code,
    # without name or e-mail. A panel profile also leaves out the attempt's number, its
    # date and accommodations, and blanks the candidate's name and e-mail in the answers.
    candidate_code: str = ""
    panel: bool = False

    @property
    def accommodated(self) -> bool:
        return abs((self.time_multiplier or 1.0) - 1.0) > 1e-9 or self.extra_minutes > 0

    @property
    def scales_in_order(self) -> list[ScoreResult]:
        """The composite, then the other scales."""
        return [*([self.judgement] if self.judgement else []), *self.scales]

    @property
    def scores(self) -> list[ScoreResult]:
        """Every score, the composite first, then the other scales, then the subscores."""
        return [*([self.judgement] if self.judgement else []), *self.scales, *self.subscores]

    @property
    def pending_items(self) -> int:
        return sum(s.n_pending for s in ([self.judgement] if self.judgement else [])
                   + self.scales)

    def key_sources(self) -> list[tuple[str, list[int]]]:
        """Return each source of keys with the positions of the items keyed by it, in the
        order the items came."""
        grouped: dict[str, list[int]] = {}
        for item in sorted((e for score in self.scores for e in score.evidence
                            if e.key_source), key=lambda e: e.position):
            grouped.setdefault(item.key_source, []).append(item.position)
        return list(grouped.items())
