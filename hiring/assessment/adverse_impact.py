"""Adverse impact of an assessment: selection rates by self-identified group.

For each self-identification question the assessment asks (or asked), the candidates who
answered it with one of its options form the groups; each group's selection rate is
compared with the highest (hiring.scoring.fairness.adverse_impact: impact ratio,
four-fifths rule, Fisher's exact test, the pooled z-test, small groups suppressed).

Who counts (the pool): the assessment's completed attempts (submitted or scored, not
cancelled), optionally only those submitted between two dates and taken in one language.
Simulated attempts (`hiring simulate`) count only when the assessment has no other
completed attempt: a demonstration; once real candidates exist, simulated ones are left out.

"Selected" is a Selection: reaching a decision stage (ever recorded in it, even if moved on
since: hiring.assessment.decisions.reached), or a score at or above a cut score on one
scale (the attempt's current scores; attempts without a score on that scale are left out).

Answers "prefer not to say" and "not answered" are counted but form no group: they are in
no ratio. Counts of them from 1 to min_cell - 1 are hidden, and where exactly one group is
suppressed the smaller of them is hidden too, so that its size does not follow from the
others by subtraction (it still may where both are 0 and every candidate answered). No
total of the selected is given per question, so a suppressed group's selections never
follow. Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from hiring.assessment import decisions, self_id
from hiring.items.messages import N_
from hiring.models import Assessment, Attempt, AttemptEnd, AttemptState, utcnow
from hiring.scoring.fairness import MIN_CELL, GroupImpact, ImpactReport, adverse_impact
from hiring.scoring.scales import SCALES, AttemptScores

COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)
STAGE, SCORE = "stage", "score"

# Warnings of a question, as keys (the web layer words and translates them).
NO_ANSWERS = "no_answers"  # nobody in the pool answered the question with an option
ONE_GROUP = "one_group"  # fewer than two groups large enough to compare
NOBODY_SELECTED = "nobody_selected"  # the highest rate is 0: no ratio
SMALL_GROUPS = "small_groups"  # a group under 30, or an expected count under 5
SUPPRESSED = "suppressed"  # a group under the minimum cell size


class SelectionError(ValueError):
    """A selection that cannot be used; the message says why."""


@dataclass(frozen=True)
class Selection:
    """What counts as selected: reaching a stage, or passing a cut score on a scale."""

    kind: str  # STAGE or SCORE
    stage: str | None = None
    scale: str | None = None
    cut: float | None = None

    @classmethod
    def reached(cls, stage: str) -> Selection:
        if not stage:
            raise SelectionError(N_("Choose a stage."))
        return cls(STAGE, stage=stage)

    @classmethod
    def passing(cls, scale: str, cut: float) -> Selection:
        if scale not in SCALES:
            raise SelectionError(N_("Choose one of the scales."))
        if cut is None or not 0 <= cut <= 100:
            raise SelectionError(N_("A cut score is between 0 and 100."))
        return cls(SCORE, scale=scale, cut=float(cut))


@dataclass(frozen=True)
class QuestionImpact:
    question: str
    impact: ImpactReport  # the groups (options answered), with suppression applied
    prefer_not: int | None  # counted, in no ratio; None: hidden (under the minimum)
    not_answered: int | None
    warnings: tuple[str, ...]

    @property
    def groups(self) -> list[GroupImpact]:
        return self.impact.groups

    @property
    def compared(self) -> list[GroupImpact]:
        """The groups shown with a rate."""
        return [g for g in self.impact.groups if not g.suppressed]

    @property
    def reference(self) -> GroupImpact | None:
        return next((g for g in self.impact.groups if g.reference), None)


@dataclass(frozen=True)
class AdverseImpactReport:
    assessment_id: int
    selection: Selection
    since: date | None
    until: date | None
    language: str | None
    min_cell: int
    generated_at: datetime
    n: int  # attempts in the pool (after the filters)
    selected: int  # of which selected
    simulated_demo: bool  # only simulated attempts exist: they are the pool
    simulated_left_out: int  # simulated attempts left out because real ones exist
    without_score: int  # pool attempts left out for having no score on the scale
    questions: list[QuestionImpact] = field(default_factory=list)

    @property
    def flagged(self) -> list[tuple[str, GroupImpact]]:
        return [(q.question, g) for q in self.questions for g in q.impact.flagged]


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC) if until else None
    return start, end


def _null_or_not(column, value):
    """`column` is NULL or differs from `value` (SQL's != is never true for NULL)."""
    return col(column).is_(None) | (col(column) != value)


def _hide(value: int, min_cell: int) -> int | None:
    return None if 0 < value < min_cell else value


def _question(question: str, answers: dict[int, str | None], selected: set[int],
              pool: list[int], min_cell: int) -> QuestionImpact:
    options = self_id.QUESTIONS.get(question, ())
    flags: dict[str, list[bool]] = {}
    prefer_not = not_answered = 0
    for attempt_id in pool:
        if attempt_id not in answers:
            continue  # never saw the question (asked since, or the form not reached)
        answer = answers[attempt_id]
        if answer is None:
            not_answered += 1
        elif answer == self_id.PREFER_NOT or answer not in options:
            prefer_not += 1
        else:
            flags.setdefault(answer, []).append(attempt_id in selected)
    impact = adverse_impact(flags, min_cell=min_cell)
    shown_prefer, shown_not = _hide(prefer_not, min_cell), _hide(not_answered, min_cell)
    hidden = len(impact.suppressed) + (shown_prefer is None) + (shown_not is None)
    if hidden == 1 and impact.suppressed:
        # One suppressed group and both other counts shown: hide the smaller one (if any),
        # so that the group's size cannot be had from the pool's total.
        if prefer_not and (prefer_not <= not_answered or not not_answered):
            shown_prefer = None
        elif not_answered:
            shown_not = None
    warnings = []
    if not flags:
        warnings.append(NO_ANSWERS)
    elif len(flags) - len(impact.suppressed) < 2:
        warnings.append(ONE_GROUP)
    if impact.reference is not None and impact.groups and all(
            g.impact_ratio is None for g in impact.groups if not g.suppressed):
        warnings.append(NOBODY_SELECTED)
    if impact.small and len(flags) - len(impact.suppressed) >= 2:
        warnings.append(SMALL_GROUPS)
    if impact.suppressed:
        warnings.append(SUPPRESSED)
    return QuestionImpact(question, impact, shown_prefer, shown_not, tuple(warnings))


def build_report(assessment_id: int, *, session: Session, selection: Selection,
                 since: date | None = None, until: date | None = None,
                 language: str | None = None, min_cell: int = MIN_CELL,
                 now: datetime | None = None) -> AdverseImpactReport:
    """Compare selection rates between the self-identified groups of each question."""
    if min_cell < 1:
        raise SelectionError(N_("The minimum cell size is at least 1."))
    if since and until and since > until:
        raise SelectionError(N_("The start date is after the end date."))
    assessment = session.get(Assessment, assessment_id)
    completed = [Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED),
                 col(Attempt.submitted_at).is_not(None),
                 _null_or_not(Attempt.ended_by, AttemptEnd.CANCELLED)]
    has_real = session.exec(select(Attempt.id).where(
        *completed, col(Attempt.simulated).is_(False)).limit(1)).first() is not None
    query = select(Attempt.id, Attempt.results, Attempt.simulated).where(*completed)
    start, end = _bounds(since, until)
    if start is not None:
        query = query.where(col(Attempt.submitted_at) >= start)
    if end is not None:
        query = query.where(col(Attempt.submitted_at) < end)
    if language:
        query = query.where(Attempt.language == language)
    rows = session.exec(query.order_by(col(Attempt.id))).all()
    simulated_left_out = sum(1 for _, _, simulated in rows if simulated) if has_real else 0
    rows = [(a, results) for a, results, simulated in rows if not (has_real and simulated)]
    without_score = 0
    if selection.kind == STAGE:
        pool = [a for a, _ in rows]
        reached = decisions.reached(assessment_id, {selection.stage}, session=session)
        selected = {a for a in pool if a in reached}
    elif selection.kind == SCORE:
        pool, selected = [], set()
        for attempt_id, results in rows:
            scores = AttemptScores.from_dict(results) if results else None
            score = scores.scales.get(selection.scale) if scores else None
            if score is None or score.score is None:
                without_score += 1
                continue
            pool.append(attempt_id)
            if score.score >= selection.cut:
                selected.add(attempt_id)
    else:
        raise SelectionError(N_("Unknown kind of selection."))
    asked = self_id.questions(assessment) if assessment else []
    answered = {q: self_id.groups(assessment_id, q, session=session)
                for q in self_id.QUESTIONS}
    keys = asked + [q for q in self_id.QUESTIONS if q not in asked and answered[q]]
    questions = [_question(q, answered[q], selected, pool, min_cell) for q in keys]
    return AdverseImpactReport(
        assessment_id, selection, since, until, language or None, min_cell,
        now or utcnow(), len(pool), len(selected), bool(rows) and not has_real,
        simulated_left_out, without_score, questions)
