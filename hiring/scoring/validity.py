"""Criterion validity of an assessment: each scale score against each imported job outcome.

Per scale and outcome: Pearson's r over the completed attempts that have both (the
point-biserial r where the outcome is 0/1), its 95% interval and n, and the same corrected
for direct range restriction (Thorndike's case II), taking the SD of the scale over every
completed attempt of the assessment as unrestricted and over the attempts with the outcome
as restricted. A verdict says plainly what the figures allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hiring.items.messages import N_
from hiring.models import Attempt, AttemptState, Outcome
from hiring.scoring.fairness import (
    Correlation,
    corrected,
    is_binary,
    pearson,
    standard_deviation,
)
from hiring.scoring.scales import SCALES, AttemptScores

MIN_N = 30  # under this many pairs, the interval is too wide to conclude anything
COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)

NOT_COMPUTABLE = N_("cannot be computed: fewer than 4 pairs, or the values do not vary")
TOO_FEW = N_("too few to conclude")
NO_EVIDENCE = N_("no evidence of a relation yet")
POSITIVE = N_("higher scores go with higher outcomes")
NEGATIVE = N_("higher scores go with lower outcomes")


@dataclass(frozen=True)
class ValidityCell:
    scale: str
    outcome: str
    n: int  # attempts with both the score and the outcome
    binary: bool  # the outcome is 0/1: r is point-biserial
    correlation: Correlation | None
    corrected: Correlation | None  # for range restriction
    unrestricted_sd: float | None  # of the scale over every completed attempt
    restricted_sd: float | None  # of the scale over those with the outcome
    verdict: str


@dataclass(frozen=True)
class ValidityReport:
    scales: list[str]
    outcomes: list[str]
    cells: list[ValidityCell]
    n_attempts: int  # completed attempts with a score
    n_simulated: int  # of which made by `hiring simulate`
    n_with_outcomes: int

    def cell(self, scale: str, outcome: str) -> ValidityCell:
        return next(c for c in self.cells if (c.scale, c.outcome) == (scale, outcome))


def verdict(correlation: Correlation | None, n: int) -> str:
    """Say what a correlation allows one to conclude."""
    if correlation is None:
        return NOT_COMPUTABLE
    if n < MIN_N:
        return TOO_FEW
    if correlation.spans_zero:
        return NO_EVIDENCE
    return POSITIVE if correlation.r > 0 else NEGATIVE


def validity_cell(scale: str, outcome: str, pool: list[float],
                  pairs: list[tuple[float, float]]) -> ValidityCell:
    """Correlate the scores of `pairs` with their outcomes; `pool` is every attempt's score."""
    scores, values = [s for s, _ in pairs], [v for _, v in pairs]
    correlation = pearson(scores, values) if pairs else None
    unrestricted, restricted = standard_deviation(pool), standard_deviation(scores)
    fixed = None
    if correlation is not None and unrestricted and restricted:
        fixed = corrected(correlation, unrestricted, restricted)
    return ValidityCell(scale, outcome, len(pairs), bool(values) and is_binary(values),
                        correlation, fixed, unrestricted, restricted,
                        verdict(correlation, len(pairs)))


def validity_report(assessment_id: int, *, session: Session) -> ValidityReport:
    """Correlate every scale with every outcome imported for the assessment's attempts."""
    scores: dict[str, dict[int, float]] = {}
    simulated = set()
    for attempt_id, results, is_simulated in session.exec(
            select(Attempt.id, Attempt.results, Attempt.simulated).where(
                Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED))
            .order_by(col(Attempt.id))):
        result = AttemptScores.from_dict(results)
        for scale, score in (result.scales.items() if result else ()):
            if score.score is not None:
                scores.setdefault(scale, {})[attempt_id] = score.score
                if is_simulated:
                    simulated.add(attempt_id)
    outcomes: dict[str, dict[int, float]] = {}
    for outcome in session.exec(select(Outcome).join(
            Attempt, col(Attempt.id) == Outcome.attempt_id).where(
            Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED))):
        outcomes.setdefault(outcome.name, {})[outcome.attempt_id] = outcome.value
    scales = sorted(scores, key=lambda s: SCALES.index(s) if s in SCALES else len(SCALES))
    cells = [validity_cell(scale, name, list(scores[scale].values()),
                           [(scores[scale][a], v) for a, v in sorted(values.items())
                            if a in scores[scale]])
             for scale in scales for name, values in sorted(outcomes.items())]
    with_scores = set().union(*scores.values()) if scores else set()
    holders = set().union(*outcomes.values()) if outcomes else set()
    return ValidityReport(scales, sorted(outcomes), cells, len(with_scores), len(simulated),
                          len(holders & with_scores))
