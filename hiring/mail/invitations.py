"""Which candidate gets which message, and the invitation actions that go with them.

A link's token is stored only as a hash, so a resend or a reminder issues a new token
and the previous link stops working. Only invitations not yet started get one: a
candidate in the middle of an attempt continues with the link they have, and a new one
would break the page they have open. Functions flush; the caller commits, and then sends
the messages left `queued` (see `sending.send_spooled`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from hiring.assessment import engine, planning
from hiring.assessment.tokens import hash_token, new_token
from hiring.items import accommodations
from hiring.items.messages import N_
from hiring.mail import templates
from hiring.mail.compose import AddressInvalid, compose
from hiring.mail.sending import MAX_ERROR, MailSettings, MessageState, put
from hiring.models import Assessment, Attempt, AttemptState, EmailMessage

LinkFor = Callable[[str], str]  # token -> the candidate's absolute link
CONFIRMATION_KINDS = ("confirmation", "time_up")  # an attempt gets one of them, once


class InvitationError(ValueError):
    """The action does not apply to this invitation; the message says why."""


def is_cancelled(attempt: Attempt) -> bool:
    """Tell whether HR cancelled (revoked) the invitation."""
    return attempt.revoked_at is not None or attempt.token_hash.startswith("revoked:")


def placeholder_values(attempt: Attempt, *, session: Session, settings: MailSettings,
                       language: str, link: str = "") -> dict[str, str]:
    """Return the values of a message's placeholders for this candidate."""
    assessment = session.get(Assessment, attempt.assessment_id)
    return {
        "name": " ".join(attempt.candidate_name.split()),
        "assessment": planning.title(assessment, language, session=session),
        "link": link,
        "deadline": templates.format_deadline(attempt.expires_at, language, settings.timezone),
        "minutes": str(accommodations.total_minutes(
            assessment.time_limit_minutes, attempt.time_multiplier, attempt.extra_minutes)),
        "organisation": settings.organisation,
    }


def send(kind: str, attempt: Attempt, *, session: Session, settings: MailSettings,
         now: datetime, link: str = "", deadline: datetime | None = None) -> EmailMessage:
    """Write a message to the candidate into the outbox or the spool, and record it.

    `deadline` replaces the invitation's expiry as {deadline} (the feedback link's expiry).

    A message that cannot be written (an address the mail format cannot carry, a full
    disk) is recorded as failed with the reason; it never raises for those.
    """
    text = templates.wording(kind, attempt.language, session=session)
    values = placeholder_values(attempt, session=session, settings=settings,
                                language=text.language, link=link)
    if deadline is not None:
        values["deadline"] = templates.format_deadline(deadline, text.language,
                                                       settings.timezone)
    subject = templates.render(text.subject, values)
    record = EmailMessage(attempt_id=attempt.id, kind=kind, language=text.language,
                          to_address=attempt.candidate_email,
                          subject=" ".join(subject.split())[:300],
                          state=MessageState.QUEUED, created_at=now)
    session.add(record)
    session.flush()
    try:
        message = compose(sender=settings.sender, organisation=settings.organisation,
                          to_name=attempt.candidate_name, to_address=attempt.candidate_email,
                          subject=subject, body=templates.render(text.body, values), now=now,
                          reference=f"{kind}.{record.id}")
        put(message, record, settings=settings, now=now)
    except (AddressInvalid, OSError) as exc:
        record.state, record.error = MessageState.FAILED, str(exc)[:MAX_ERROR]
    if kind == "invitation":
        attempt.invited_at = now
    elif kind == "reminder":
        attempt.reminded_at = now
    session.flush()
    return record


def _require_unstarted(attempt: Attempt, now: datetime, action: str) -> None:
    if attempt.state == AttemptState.IN_PROGRESS:
        raise InvitationError(
            f"{attempt.candidate_name} has started: they continue with the link they have. "
            f"A new link would break the page they have open, so there is no {action}.")
    if attempt.state != AttemptState.INVITED or is_cancelled(attempt):
        raise InvitationError(f"Only an invitation that has not been started gets a {action}.")
    if now >= attempt.expires_at:
        raise InvitationError("The invitation has expired: extend it first.")


def issue_link(attempt: Attempt, *, link_for: LinkFor) -> str:
    """Give the invitation a new token (the previous link stops working); return the link."""
    token = new_token()
    attempt.token_hash = hash_token(token)
    return link_for(token)


def resend(attempt: Attempt, *, session: Session, settings: MailSettings, now: datetime,
           link_for: LinkFor) -> tuple[EmailMessage, str]:
    """Send the invitation again with a new link; return the message and the link."""
    _require_unstarted(attempt, now, "resend")
    link = issue_link(attempt, link_for=link_for)
    return send("invitation", attempt, session=session, settings=settings, now=now,
                link=link), link


def can_extend(attempt: Attempt) -> bool:
    """Tell whether the invitation has not been started (and was not cancelled)."""
    if is_cancelled(attempt):
        return False
    return attempt.state == AttemptState.INVITED or (
        attempt.state == AttemptState.EXPIRED and attempt.started_at is None)


def extend(attempt: Attempt, *, until: datetime, session: Session, now: datetime) -> None:
    """Move the expiry of an invitation not yet started; an expired unused one reopens."""
    if not can_extend(attempt):
        raise InvitationError(
            N_("Only an invitation that has not been started can be extended: a cancelled "
               "one cannot.") if is_cancelled(attempt) else
            N_("Only an invitation that has not been started can be extended."))
    if until <= now:
        raise InvitationError(N_("The new expiry must be in the future."))
    attempt.expires_at = until
    attempt.state = AttemptState.INVITED
    session.flush()


def cancel(attempt: Attempt, *, session: Session, now: datetime) -> None:
    """Cancel an open invitation: the link stops working, an attempt under way is submitted."""
    if attempt.state not in engine.OPEN_STATES:
        raise InvitationError(N_("This invitation is already closed."))
    engine.revoke(attempt, session=session, now=now)
    attempt.revoked_at = now
    session.flush()


def due_for_reminder(*, session: Session, now: datetime, days: int) -> list[Attempt]:
    """Return the e-mailed invitations, not started, that expire within `days` and have not
    been reminded since they were last sent."""
    return list(session.exec(select(Attempt).where(
        Attempt.state == AttemptState.INVITED,
        col(Attempt.revoked_at).is_(None),
        col(Attempt.invited_at).is_not(None),
        Attempt.expires_at > now,
        Attempt.expires_at <= now + timedelta(days=days),
        or_(col(Attempt.reminded_at).is_(None),
            col(Attempt.reminded_at) < col(Attempt.invited_at)),
    ).order_by(col(Attempt.expires_at), col(Attempt.id))))


def remind(attempt: Attempt, *, session: Session, settings: MailSettings, now: datetime,
           link_for: LinkFor) -> EmailMessage:
    """Send a reminder with a new link."""
    _require_unstarted(attempt, now, "reminder")
    link = issue_link(attempt, link_for=link_for)
    return send("reminder", attempt, session=session, settings=settings, now=now, link=link)


def confirmation_kind(attempt: Attempt) -> str:
    """Return the kind of confirmation an attempt gets: its own when the clock closed it."""
    return "time_up" if attempt.timed_out else "confirmation"


def confirm_submission(attempt: Attempt, *, session: Session, settings: MailSettings,
                       now: datetime) -> EmailMessage | None:
    """Tell the candidate their answers arrived (and that time ran out, when it did), once;
    no scores.

    The message recorded for the attempt is what makes it once: the attempt's lock makes
    two closers of the same attempt (a page and `hiring attempts finalize-expired`, say)
    look for it one after the other."""
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        return None
    engine.lock(attempt, session=session)
    sent = session.exec(select(EmailMessage.id).where(
        EmailMessage.attempt_id == attempt.id,
        col(EmailMessage.kind).in_(CONFIRMATION_KINDS))).first()
    if sent is not None:
        return None
    return send(confirmation_kind(attempt), attempt, session=session, settings=settings,
                now=now)


def latest_messages(attempt_ids: list[int], *, session: Session) -> dict[int, EmailMessage]:
    """Return each attempt's most recent message."""
    if not attempt_ids:
        return {}
    newest = (select(func.max(EmailMessage.id))
              .where(col(EmailMessage.attempt_id).in_(attempt_ids))
              .group_by(col(EmailMessage.attempt_id)))
    return {message.attempt_id: message for message in session.exec(
        select(EmailMessage).where(col(EmailMessage.id).in_(newest)))}
