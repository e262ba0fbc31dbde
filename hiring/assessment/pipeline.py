"""An assessment's pipeline: where each invitation stands, counted, filtered and paged.

Stages, in the order a candidate moves through them:

- invited: not started, and the link still works;
- started: in progress;
- submitted: submitted, but a written answer still waits for an interviewer's rating
  (scoring keeps such an attempt in the submitted state until then);
- rated: submitted, and every answer that needs rating has at least one rating. An
  attempt with nothing to rate (no written answer, or one left blank, which is counted
  as unanswered) counts as rated as soon as it is submitted;
- no answers: submitted without a single answer. Nothing was measured, so it is never
  "rated" and shows no score;
- expired: the invitation expired unused or HR cancelled it.

Each attempt's last activity is kept on it (Attempt.last_activity_at: the latest of its
moments and saves), so a page is read along an index of its assessment's attempts, and
whether it has any answer comes from its stored results: the same few queries however
many attempts there are. The whole assessment's counts by stage read an index of its
attempts' assessment, state and expiry, and the attempts without answers a partial index
that holds only those (ix_attempt_no_answers), so a process's first view reads no more
than any other. Results scored before scales existed hold no counts: re-score them first
(hiring.scoring.attempts.rescore_outdated, which finds them along a partial index too).

Beside these stages of the assessment itself, each attempt carries the hiring decision
recorded after it (Attempt.decision, hiring.assessment.decisions), indexed with its
assessment: the page filters on it and counts by it in the same kind of query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case
from sqlmodel import Session, col, func, select

from hiring import like, paging
from hiring.items.messages import N_
from hiring.models import Assessment, Attempt, AttemptState, NoAnswers
from hiring.scoring.scales import AttemptScores

STAGES = ("invited", "started", "submitted", "rated", "no_answers", "expired")
STAGE_LABELS = {"invited": N_("invited"), "started": N_("started"),
                "submitted": N_("awaiting rating"), "rated": N_("rated"),
                "no_answers": N_("no answers"), "expired": N_("expired or cancelled")}
ROUND_STATES = (N_("open"), N_("closed"))  # a keying round's states, as staff read them
PER_PAGE = 50
NO_DECISION = "none"  # the decision filter's value for attempts with no decision yet
CLOSED = (AttemptState.SUBMITTED, AttemptState.SCORED)


@dataclass(frozen=True)
class Row:
    attempt: Attempt
    stage: str
    last_activity: datetime

    @property
    def incomplete(self) -> bool:
        """More than a quarter of the attempt's items were left unanswered."""
        scores = AttemptScores.from_dict(self.attempt.results)
        return bool(scores and scores.incomplete and not scores.no_answers)


@dataclass(frozen=True)
class Page(paging.Page[Row]):
    """The attempts matching the stage and the search, and the counts by stage."""

    counts: dict[str, int] = field(default_factory=dict)  # the search alone, every stage
    # The search and the stage filter, by decision (None: no decision recorded).
    decision_counts: dict[str | None, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        return self.items


def _no_answers():
    """SQL: the stored results count every item as unanswered (JSON_EXTRACT in SQLite,
    ->> in PostgreSQL), written as the partial index ix_attempt_no_answers states it."""
    return NoAnswers()


def _columns(now: datetime):
    state = col(Attempt.state)
    stage = case(
        (and_(state == AttemptState.INVITED, col(Attempt.expires_at) > now), "invited"),
        (state == AttemptState.IN_PROGRESS, "started"),
        (and_(state.in_(CLOSED), _no_answers()), "no_answers"),
        (state == AttemptState.SUBMITTED, "submitted"),
        (state == AttemptState.SCORED, "rated"),
        else_="expired").label("stage")
    return stage, col(Attempt.last_activity_at)


def counts_by_state(*, session: Session) -> dict[str, int]:
    """Return the number of attempts in each state, over every assessment."""
    return dict(session.exec(select(Attempt.state, func.count())
                             .group_by(col(Attempt.state))).all())


def shown_assessments(pipelines: dict[int, Counter], *, session: Session) -> list[Assessment]:
    """The assessments HR's dashboard lists, by name and version: current versions, and
    replaced ones only while they still have candidates (pipelines: counts_by_assessment)."""
    return [a for a in session.exec(select(Assessment).order_by(col(Assessment.name),
                                                                col(Assessment.version)))
            if a.replaced_by_id is None or any(pipelines.get(a.id, {}).values())]


def latest_attempts(*, session: Session, state: str | None = None,
                    assessment_id: int | None = None, visible: set[int] | None = None,
                    limit: int = 500) -> list[tuple[Attempt, Assessment]]:
    """The newest attempts with their assessments, in that state (an unknown one: any),
    of that assessment (None: any) and among the visible assessments (None: all; an
    interviewer sees those HR assigned them to, hiring.rights)."""
    query = select(Attempt, Assessment).join(
        Assessment, col(Assessment.id) == Attempt.assessment_id)
    if state in {s.value for s in AttemptState}:
        query = query.where(Attempt.state == state)
    if assessment_id:
        query = query.where(Attempt.assessment_id == assessment_id)
    if visible is not None:
        query = query.where(col(Attempt.assessment_id).in_(visible))
    return list(session.exec(query.order_by(col(Attempt.id).desc()).limit(limit)))


def all_assessments(*, session: Session, visible: set[int] | None = None) -> list[Assessment]:
    """Every assessment, every version; only the visible ones unless `visible` is None."""
    query = select(Assessment)
    if visible is not None:
        query = query.where(col(Assessment.id).in_(visible))
    return list(session.exec(query))


def languages_taken(assessment_id: int, *, session: Session) -> list[str]:
    """The languages the assessment's attempts were taken in, sorted."""
    return sorted(set(session.exec(select(Attempt.language).where(
        Attempt.assessment_id == assessment_id).distinct())))


def counts_by_assessment(*, session: Session, now: datetime) -> dict[int, Counter]:
    """Return every assessment's count of attempts by stage."""
    stage, _ = _columns(now)
    query = (select(col(Attempt.assessment_id), stage, func.count())
             .select_from(Attempt)
             .group_by(col(Attempt.assessment_id), stage))
    found: dict[int, Counter] = {}
    for assessment_id, name, count in session.exec(query):
        found.setdefault(assessment_id, Counter())[name] = count
    return found


def _stage_counts(*, session: Session, assessment_id: int, now: datetime) -> Counter:
    """Count an assessment's attempts by stage as _columns() places them, reading the
    index of their assessment, state and expiry alone, and the closed attempts without a
    single answer from the partial index of those attempts (ix_attempt_no_answers): no
    attempt row is read, in the first view of a process as in any other."""
    counts: Counter = Counter()
    live = col(Attempt.expires_at) > now
    for state, is_live, count in session.exec(
            select(col(Attempt.state), live, func.count())
            .where(col(Attempt.assessment_id) == assessment_id)
            .group_by(col(Attempt.state), live)):
        counts[_STAGE_OF.get(state, "expired") if state != AttemptState.INVITED
               else "invited" if is_live else "expired"] += count
    empty = dict(session.exec(
        select(col(Attempt.state), func.count())
        .where(col(Attempt.assessment_id) == assessment_id,
               col(Attempt.state).in_(CLOSED), _no_answers())
        .group_by(col(Attempt.state))).all())
    for state, count in empty.items():
        counts[_STAGE_OF[state]] -= count
        counts["no_answers"] += count
    return counts


_STAGE_OF = {AttemptState.IN_PROGRESS: "started", AttemptState.SUBMITTED: "submitted",
             AttemptState.SCORED: "rated"}


def page(*, session: Session, assessment_id: int, now: datetime, stage: str | None = None,
         search: str = "", oldest_first: bool = False, number: int = 1,
         per_page: int = PER_PAGE, decision: str | None = None) -> Page:
    """Return one page of an assessment's attempts, latest activity first (or oldest).

    `decision` keeps the attempts in that decision stage (NO_DECISION: in none yet)."""
    stage_column, last_activity = _columns(now)
    where = [col(Attempt.assessment_id) == assessment_id]
    if search.strip():
        where.append(like.any_contains(search.strip(), Attempt.candidate_name,
                                       Attempt.candidate_email))
    by_stage = [stage_column == stage] if stage in STAGES else []
    by_decision = ([] if not decision else [col(Attempt.decision).is_(None)]
                   if decision == NO_DECISION else [col(Attempt.decision) == decision])
    decision_counts = dict(session.exec(
        select(col(Attempt.decision), func.count()).select_from(Attempt)
        .where(*where, *by_stage).group_by(col(Attempt.decision))).all())
    where += by_decision
    counts = Counter({name: 0 for name in STAGES})
    if len(where) == 1:  # the whole assessment: along its stage index
        counts.update(_stage_counts(session=session, assessment_id=assessment_id, now=now))
    else:
        for name, count in session.exec(
                select(stage_column, func.count()).select_from(Attempt)
                .where(*where).group_by(stage_column)):
            counts[name] = count
    where += by_stage
    total = counts[stage] if stage in STAGES else sum(counts.values())
    order = last_activity.asc() if oldest_first else last_activity.desc()
    identity = col(Attempt.id).asc() if oldest_first else col(Attempt.id).desc()
    pages = paging.page_count(total, per_page)
    number = paging.clamp(number, pages)
    # Walk the index for the page's ids alone (SQLite computes every column of the rows an
    # OFFSET skips), then read the page's attempts and stages.
    ids = session.exec(select(col(Attempt.id)).where(*where).order_by(order, identity)
                       .offset((number - 1) * per_page).limit(per_page)).all()
    found = {attempt.id: (attempt, name) for attempt, name in session.exec(
        select(Attempt, stage_column).where(col(Attempt.id).in_(ids)))}
    rows = [Row(found[i][0], found[i][1], found[i][0].last_activity_at) for i in ids]
    return Page(items=rows, number=number, pages=pages, total=total, per_page=per_page,
                counts=dict(counts), decision_counts=decision_counts)
