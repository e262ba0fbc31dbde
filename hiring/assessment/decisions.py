"""Hiring decisions after the assessment: an assessment's stages and each candidate's moves.

Every assessment has its own ordered list of stages (DecisionStage). Until HR changes it,
the list is the defaults below, or the list of the version it replaced; it is stored the
first time it changes or a candidate is put in a stage (reading it never writes). A stage
keeps its key for good: HR may rename, reorder and retire it, and delete it only while no
candidate was ever recorded in it. Recording a stage sets Attempt.decision (indexed with
the assessment, so the pipeline filters and counts on it) and adds a DecisionChange row
and an audit event. Flushes only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from hiring import audit
from hiring.items.messages import N_, CandidateError
from hiring.models import Assessment, Attempt, DecisionChange, DecisionStage, User

# Stable keys of the built-in stages, in their default order.
DEFAULT_STAGES = ("shortlisted", "interviewed", "offered", "hired", "rejected", "withdrew")
# Their names, translated where they are shown (gettext on the name).
DEFAULT_NAMES = {"shortlisted": "Shortlisted", "interviewed": "Interviewed",
                 "offered": "Offered", "hired": "Hired", "rejected": "Rejected",
                 "withdrew": "Withdrew"}
MAX_LABEL = 100
MAX_NOTE = 2000
MAX_STAGES = 30
FUTURE_DAYS = 1  # a decision dated tomorrow is a time zone away; later is a mistake
EARLIEST = date(2000, 1, 1)


class DecisionError(CandidateError, ValueError):
    """A change that cannot be made; the message says why (shown to staff as it is)."""


@dataclass(frozen=True)
class Stage:
    key: str
    label: str | None  # HR's name; None: the built-in name of the key
    position: int
    retired: bool

    @property
    def default_name(self) -> str | None:
        return DEFAULT_NAMES.get(self.key)


def _rows(assessment_id: int, *, session: Session) -> list[DecisionStage]:
    return list(session.exec(select(DecisionStage)
                             .where(DecisionStage.assessment_id == assessment_id)
                             .order_by(col(DecisionStage.position), col(DecisionStage.id))))


def _stored(assessment: Assessment, *, session: Session, create: bool = False
            ) -> list[DecisionStage]:
    """Return the assessment's stage rows; with none stored, those it starts with (stored
    now if `create`, so that reading a page never writes)."""
    rows = _rows(assessment.id, session=session)
    if rows:
        return rows
    previous = session.exec(select(Assessment).where(
        Assessment.replaced_by_id == assessment.id)).first()
    source = [(s.key, s.label, s.retired) for s in _stored(previous, session=session)] \
        if previous is not None else [(key, None, False) for key in DEFAULT_STAGES]
    rows = [DecisionStage(assessment_id=assessment.id, key=key, label=label,
                          position=index, retired=retired)
            for index, (key, label, retired) in enumerate(source)]
    if create:
        session.add_all(rows)
        session.flush()
    return rows


def stages(assessment: Assessment, *, session: Session, active_only: bool = False
           ) -> list[Stage]:
    """Return the assessment's stages in order (retired ones too, unless active_only)."""
    return [Stage(r.key, r.label, r.position, r.retired)
            for r in _stored(assessment, session=session)
            if not (active_only and r.retired)]


def in_use(assessment: Assessment, *, session: Session) -> set[str]:
    """Return the keys any candidate of the assessment is in, or ever was."""
    ids = select(Attempt.id).where(Attempt.assessment_id == assessment.id)
    used = set(session.exec(select(DecisionChange.to_key).where(
        col(DecisionChange.attempt_id).in_(ids)).distinct()))
    used |= {k for k in session.exec(select(DecisionChange.from_key).where(
        col(DecisionChange.attempt_id).in_(ids)).distinct()) if k}
    used |= {k for k in session.exec(select(Attempt.decision).where(
        Attempt.assessment_id == assessment.id).distinct()) if k}
    return used


def _clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise DecisionError(N_("Give the stage a name."))
    if len(label) > MAX_LABEL:
        raise DecisionError(N_("A stage's name has at most %(num)s characters."), num=MAX_LABEL)
    return label


def _new_key(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40] or "stage"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def _row(assessment: Assessment, key: str, *, session: Session) -> DecisionStage:
    for row in _stored(assessment, session=session, create=True):
        if row.key == key:
            return row
    raise DecisionError(N_("This assessment has no such stage."))


def _log(session: Session, actor: User | str | None, assessment: Assessment, now: datetime,
         **detail) -> None:
    audit.record(session, actor=actor, action=audit.Action.STAGES_CHANGED,
                 object_type="assessment", object_id=assessment.id, at=now, detail=detail)


def add_stage(assessment: Assessment, label: str, *, session: Session,
              actor: User | str | None, now: datetime) -> Stage:
    """Add a stage at the end of the list."""
    rows = _stored(assessment, session=session, create=True)
    if len(rows) >= MAX_STAGES:
        raise DecisionError(N_("An assessment has at most %(num)s stages."), num=MAX_STAGES)
    label = _clean_label(label)
    if any((r.label or DEFAULT_NAMES.get(r.key, "")).casefold() == label.casefold()
           for r in rows):
        raise DecisionError(N_("A stage of that name exists already."))
    row = DecisionStage(assessment_id=assessment.id, key=_new_key(label, {r.key for r in rows}),
                        label=label, position=max((r.position for r in rows), default=-1) + 1)
    session.add(row)
    session.flush()
    _log(session, actor, assessment, now, change="added", key=row.key)
    return Stage(row.key, row.label, row.position, row.retired)


def rename(assessment: Assessment, key: str, label: str, *, session: Session,
           actor: User | str | None, now: datetime) -> None:
    """Give a stage another name; an empty name gives a built-in stage its own back."""
    row = _row(assessment, key, session=session)
    if not (label or "").strip() and key in DEFAULT_NAMES:
        row.label = None
    else:
        row.label = _clean_label(label)
    session.flush()
    _log(session, actor, assessment, now, change="renamed", key=key)


def move(assessment: Assessment, key: str, step: int, *, session: Session,
         actor: User | str | None, now: datetime) -> None:
    """Move a stage one place up (step -1) or down (step 1)."""
    rows = _stored(assessment, session=session, create=True)
    index = next((i for i, r in enumerate(rows) if r.key == key), None)
    if index is None:
        raise DecisionError(N_("This assessment has no such stage."))
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(rows):
        return
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    session.flush()
    _log(session, actor, assessment, now, change="moved", key=key)


def set_retired(assessment: Assessment, key: str, retired: bool, *, session: Session,
                actor: User | str | None, now: datetime) -> None:
    """Retire a stage (no new candidate is put in it; those in it stay) or bring it back."""
    row = _row(assessment, key, session=session)
    row.retired = retired
    session.flush()
    _log(session, actor, assessment, now, change="retired" if retired else "restored", key=key)


def delete(assessment: Assessment, key: str, *, session: Session,
           actor: User | str | None, now: datetime) -> None:
    """Delete a stage no candidate was ever in; a stage in use can only be retired."""
    row = _row(assessment, key, session=session)
    if key in in_use(assessment, session=session):
        raise DecisionError(N_("Candidates have been in this stage: retire it instead, so "
                               "their history keeps its meaning."))
    session.delete(row)
    session.flush()
    _log(session, actor, assessment, now, change="deleted", key=key)


def check_date(decided_on: date | None, *, today: date, not_before: date | None = None
               ) -> date:
    """Return the decision's date (today when none is given), or say why it cannot be."""
    if decided_on is None:
        return today
    if decided_on > today + timedelta(days=FUTURE_DAYS):
        raise DecisionError(N_("The date is in the future: record a decision once it is taken."))
    if decided_on < max(EARLIEST, not_before or EARLIEST):
        raise DecisionError(N_("The date is before the candidate was invited."))
    return decided_on


def record(attempt: Attempt, to_key: str, *, session: Session, actor: User | str | None,
           now: datetime, decided_on: date | None = None, note: str = "") -> DecisionChange:
    """Put the candidate in a stage, keeping the move in the history and the audit log."""
    assessment = session.get(Assessment, attempt.assessment_id)
    row = _row(assessment, to_key, session=session)
    if row.retired:
        raise DecisionError(N_("This stage is retired: choose another one."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DecisionError(N_("A note has at most %(num)s characters."), num=MAX_NOTE)
    decided_on = check_date(decided_on, today=now.date(),
                            not_before=(attempt.created_at.date() if attempt.created_at
                                        else None))
    if isinstance(actor, User):
        actor_id, label = actor.id, actor.email
    else:
        actor_id, label = None, actor or "system"
    change = DecisionChange(attempt_id=attempt.id, from_key=attempt.decision, to_key=to_key,
                            decided_on=decided_on, note=note, actor_id=actor_id,
                            actor_label=label, at=now)
    session.add(change)
    attempt.decision = to_key
    session.add(attempt)
    session.flush()
    audit.record(session, actor=actor, action=audit.Action.DECISION_RECORDED,
                 object_type="attempt", object_id=attempt.id, at=now,
                 detail={"from": change.from_key, "to": to_key,
                         "on": decided_on.isoformat()})
    return change


def history(attempt_id: int, *, session: Session) -> list[DecisionChange]:
    """Return the attempt's recorded moves, oldest first."""
    return list(session.exec(select(DecisionChange)
                             .where(DecisionChange.attempt_id == attempt_id)
                             .order_by(col(DecisionChange.at), col(DecisionChange.id))))


def counts(assessment_id: int, *, session: Session, where=None) -> Counter:
    """Return how many of the assessment's candidates are in each stage (None: no decision)."""
    query = (select(col(Attempt.decision), func.count()).select_from(Attempt)
             .where(Attempt.assessment_id == assessment_id))
    if where is not None:
        query = query.where(*where)
    return Counter(dict(session.exec(query.group_by(col(Attempt.decision))).all()))


def reached(assessment_id: int, keys: set[str], *, session: Session) -> set[int]:
    """Return the ids of the assessment's attempts that were ever in one of the stages."""
    ids = select(Attempt.id).where(Attempt.assessment_id == assessment_id)
    return set(session.exec(select(DecisionChange.attempt_id).where(
        col(DecisionChange.attempt_id).in_(ids),
        or_(col(DecisionChange.to_key).in_(keys), col(DecisionChange.from_key).in_(keys)))
        .distinct()))
