"""Releasing the feedback report to candidates: the assessment's setting, who may get it,
the link that expires, and the record of who released it when. Functions flush; the
caller commits, then e-mails the link (hiring.web.feedback).

A release is recorded once per attempt. Releasing again changes nothing and sends nothing;
only an explicit re-send issues a new link (the previous one stops working) to be e-mailed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hiring import audit
from hiring.assessment import editor
from hiring.assessment.tokens import hash_token, new_token
from hiring.config import Defaults
from hiring.items.messages import N_, Message
from hiring.models import (
    Assessment,
    Attempt,
    AttemptState,
    EmailMessage,
    FeedbackRelease,
    User,
)

SETTING = "candidate_feedback"
DEFAULT_LINK_DAYS = Defaults.FEEDBACK_LINK_DAYS
RELEASABLE = (AttemptState.SUBMITTED, AttemptState.SCORED)
RELEASED = audit.Action.FEEDBACK_RELEASED
RESENT = audit.Action.FEEDBACK_RESENT
SWITCHED = audit.Action.FEEDBACK_SETTING
OFF = N_("Candidate feedback is off for this assessment: turn it on in the assessment's "
         "feedback settings first. Nothing was released.")


class ReleaseRefused(ValueError):
    """The report cannot be released for this attempt; the message says why."""


def enabled(assessment: Assessment) -> bool:
    """Tell whether HR turned the candidate feedback report on for the assessment."""
    return bool((assessment.settings or {}).get(SETTING, False))


def set_enabled(assessment: Assessment, on: bool, *, session: Session, actor: User | str,
                now: datetime) -> None:
    """Turn the report on or off for every version of the assessment (versions share it:
    it changes nothing that is measured)."""
    for version in editor.versions(assessment, session=session):
        version.settings = {**(version.settings or {}), SETTING: bool(on)}  # a new dict: saved
    audit.record(session, actor=actor, action=SWITCHED, object_type="assessment",
                 object_id=assessment.id, detail={"on": bool(on)}, at=now)
    session.flush()


def refusal(attempt: Attempt, assessment: Assessment) -> str | None:
    """Say why the attempt's report cannot be released, or None when it can."""
    if not enabled(assessment):
        return OFF
    if attempt.state not in RELEASABLE:
        return Message(N_("%(name)s has not submitted the assessment: there is nothing to "
                          "report yet. Nothing was released."), name=attempt.candidate_name)
    if attempt.simulated:
        return N_("This attempt was simulated: there is no candidate to send feedback to.")
    if attempt.revoked_at is not None:
        return N_("The invitation was cancelled: no feedback is released for it. Nothing "
                  "was released.")
    return None


def release_of(attempt: Attempt, *, session: Session) -> FeedbackRelease | None:
    """Return the attempt's release, if its report was released."""
    return session.exec(select(FeedbackRelease).where(
        FeedbackRelease.attempt_id == attempt.id)).first()


def releases_of(attempt_ids: list[int], *, session: Session) -> dict[int, FeedbackRelease]:
    """Return the releases of the attempts, by attempt id."""
    if not attempt_ids:
        return {}
    return {r.attempt_id: r for r in session.exec(select(FeedbackRelease).where(
        col(FeedbackRelease.attempt_id).in_(attempt_ids)))}


@dataclass(frozen=True)
class Released:
    """What a release did: token is the new link's token to e-mail, None when nothing is
    to be sent (the report was released before and no re-send was asked for)."""

    release: FeedbackRelease
    token: str | None

    @property
    def to_send(self) -> bool:
        return self.token is not None


def release(attempt: Attempt, *, session: Session, actor: User, now: datetime,
            days: int = DEFAULT_LINK_DAYS, resend: bool = False) -> Released:
    """Release the attempt's report to its candidate (or, with resend, send a new link);
    raise ReleaseRefused, changing nothing, when it may not be released."""
    assessment = session.get(Assessment, attempt.assessment_id)
    reason = refusal(attempt, assessment)
    if reason:
        raise ReleaseRefused(reason)
    found = release_of(attempt, session=session)
    if found is not None and not resend:
        return Released(found, None)
    token, first = new_token(), found is None
    if first:
        found = FeedbackRelease(attempt_id=attempt.id, token_hash=hash_token(token),
                                released_at=now, released_by=actor.id,
                                expires_at=now + timedelta(days=days))
        session.add(found)
    else:
        found.token_hash, found.expires_at = hash_token(token), now + timedelta(days=days)
    found.sent_at, found.sends = now, found.sends + 1
    audit.record(session, actor=actor, action=RELEASED if first else RESENT,
                 object_type="attempt", object_id=attempt.id, detail={"days": days}, at=now)
    session.flush()
    return Released(found, token)


def find(token: str, *, session: Session) -> FeedbackRelease | None:
    """Return the release a link's token belongs to, if any (expired or not)."""
    if not token or len(token) > 200:
        return None
    return session.exec(select(FeedbackRelease).where(
        FeedbackRelease.token_hash == hash_token(token))).first()


def expired(found: FeedbackRelease, now: datetime) -> bool:
    """Tell whether the link has expired."""
    return now >= found.expires_at


def opened(found: FeedbackRelease, now: datetime) -> None:
    """Record the first time the candidate opened the report."""
    if found.opened_at is None:
        found.opened_at = now


def releasable(assessment_id: int) -> SelectOfScalar[Attempt]:
    """The query of the assessment's attempts whose feedback may be released, newest
    submitted first (a page of them: hiring.paging)."""
    return (select(Attempt).where(Attempt.assessment_id == assessment_id,
                                  col(Attempt.state).in_(RELEASABLE))
            .order_by(col(Attempt.submitted_at).desc(), col(Attempt.id).desc()))


def to_release(assessment_id: int, attempt_ids: list[int] | None, *,
               session: Session) -> list[Attempt]:
    """The assessment's releasable attempts among attempt_ids (None: all), by id."""
    query = select(Attempt).where(Attempt.assessment_id == assessment_id,
                                  col(Attempt.state).in_(RELEASABLE))
    if attempt_ids is not None:
        query = query.where(col(Attempt.id).in_(attempt_ids))
    return list(session.exec(query.order_by(col(Attempt.id))))


def messages_of(attempt: Attempt, *, session: Session) -> list[EmailMessage]:
    """The feedback e-mails sent for the attempt, newest first."""
    return list(session.exec(select(EmailMessage).where(
        EmailMessage.attempt_id == attempt.id, EmailMessage.kind == "feedback")
        .order_by(col(EmailMessage.id).desc())))
