"""Who sees which assessments: HR sees all, an interviewer the ones HR assigned them to.

Every page, export and list an interviewer can reach asks here (through
hiring.web.access), so the rule lives in one place. Assignments follow an assessment to
its new versions (hiring.assessment.editor, hiring.banks.importer)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hiring.models import AssessmentInterviewer, Attempt, Role, User


def visible_assessment_ids(user: User, *, session: Session) -> set[int] | None:
    """Return the ids of the assessments the user may see; None means every one."""
    if user.role == Role.HR:
        return None
    return set(session.exec(select(AssessmentInterviewer.assessment_id).where(
        AssessmentInterviewer.user_id == user.id)).all())


def may_see_assessment(user: User, assessment_id: int, *, session: Session) -> bool:
    visible = visible_assessment_ids(user, session=session)
    return visible is None or assessment_id in visible


def visible_attempt_ids(user: User, attempt_ids: list[int], *, session: Session) -> list[int]:
    """Return those of the attempts the user may see, in the order given."""
    if not attempt_ids:
        return []
    query = select(Attempt.id).where(col(Attempt.id).in_(attempt_ids))
    visible = visible_assessment_ids(user, session=session)
    if visible is not None:
        query = query.where(col(Attempt.assessment_id).in_(visible))
    found = set(session.exec(query).all())
    return [i for i in attempt_ids if i in found]


def interviewers_of(assessment_id: int, *, session: Session) -> list[int]:
    """Return the ids of the interviewers assigned to an assessment."""
    return list(session.exec(select(AssessmentInterviewer.user_id).where(
        AssessmentInterviewer.assessment_id == assessment_id)).all())


def assignments_of(user_id: int, *, session: Session) -> set[int]:
    """Return the ids of the assessments an interviewer is assigned to."""
    return set(session.exec(select(AssessmentInterviewer.assessment_id).where(
        AssessmentInterviewer.user_id == user_id)).all())


def assign(user: User, assessment_ids: set[int], *, session: Session) -> tuple[set, set]:
    """Make these the interviewer's assessments; return (added, removed). Flushes."""
    current = assignments_of(user.id, session=session)
    added, removed = assessment_ids - current, current - assessment_ids
    for assessment_id in sorted(added):
        session.add(AssessmentInterviewer(assessment_id=assessment_id, user_id=user.id))
    if removed:
        session.exec(delete(AssessmentInterviewer).where(
            AssessmentInterviewer.user_id == user.id,
            col(AssessmentInterviewer.assessment_id).in_(removed)))
    session.flush()
    return added, removed


def carry_over(previous_id: int, successor_id: int, *, session: Session) -> None:
    """Give a new version of an assessment the interviewers of the one it replaces."""
    for user_id in interviewers_of(previous_id, session=session):
        if user_id not in interviewers_of(successor_id, session=session):
            session.add(AssessmentInterviewer(assessment_id=successor_id, user_id=user_id))
    session.flush()
