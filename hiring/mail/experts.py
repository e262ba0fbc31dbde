"""E-mail to the experts of a keying round: their invitation with a personal link.

Goes the way candidates' messages go (the outbox without a mail server, the spool and
the background job with one), in the expert's language, from wording HR can edit.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from hiring.mail import templates
from hiring.mail.compose import AddressInvalid, compose
from hiring.mail.sending import MAX_ERROR, MailSettings, MessageState, put
from hiring.models import EmailMessage, KeyingExpert, KeyingItem, KeyingRound

KIND = "keying"


def placeholder_values(expert: KeyingExpert, round_: KeyingRound, *, session: Session,
                       settings: MailSettings, link: str) -> dict[str, str]:
    """Return the values of the expert message's placeholders."""
    items = session.exec(select(func.count()).select_from(KeyingItem).where(
        KeyingItem.round_id == round_.id)).one()
    return {"name": " ".join(expert.name.split()), "round": round_.name, "items": str(items),
            "link": link, "organisation": settings.organisation}


def send_invitation(expert: KeyingExpert, *, session: Session, settings: MailSettings,
                    now: datetime, link: str) -> EmailMessage:
    """Write the expert's invitation into the outbox or the spool, and record it.

    A message that cannot be written is recorded as failed with the reason; it never
    raises for that."""
    round_ = session.get(KeyingRound, expert.round_id)
    text = templates.wording(KIND, expert.language, session=session)
    values = placeholder_values(expert, round_, session=session, settings=settings, link=link)
    subject = templates.render(text.subject, values)
    record = EmailMessage(expert_id=expert.id, kind=KIND, language=text.language,
                          to_address=expert.email, subject=" ".join(subject.split())[:300],
                          state=MessageState.QUEUED, created_at=now)
    session.add(record)
    session.flush()
    try:
        message = compose(sender=settings.sender, organisation=settings.organisation,
                          to_name=expert.name, to_address=expert.email, subject=subject,
                          body=templates.render(text.body, values), now=now,
                          reference=f"{KIND}.{record.id}")
        put(message, record, settings=settings, now=now)
    except (AddressInvalid, OSError) as exc:
        record.state, record.error = MessageState.FAILED, str(exc)[:MAX_ERROR]
    expert.invited_at = now
    session.flush()
    return record


def latest_messages(expert_ids: list[int], *, session: Session) -> dict[int, EmailMessage]:
    """Return each expert's most recent message."""
    if not expert_ids:
        return {}
    newest = (select(func.max(EmailMessage.id))
              .where(col(EmailMessage.expert_id).in_(expert_ids))
              .group_by(col(EmailMessage.expert_id)))
    return {message.expert_id: message for message in session.exec(
        select(EmailMessage).where(col(EmailMessage.id).in_(newest)))}
