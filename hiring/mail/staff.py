"""E-mail to staff: the invitation to set up an account, and the password reset link.

Goes the way every message goes (the outbox without a mail server, the spool and the
background job with one). The wording is in the message catalogues (staff messages are
not part of the candidates' wording HR edits), in the language the staff member chose
(User.language), else the language of the request that sent it, else English."""

from __future__ import annotations

from datetime import datetime

from babel.support import Translations
from sqlmodel import Session

from hiring.catalogues import translations
from hiring.items.messages import N_
from hiring.mail.compose import AddressInvalid, compose
from hiring.mail.sending import MAX_ERROR, MailSettings, MessageState, put
from hiring.mail.templates import format_deadline, render
from hiring.models import EmailMessage, User

INVITE = "staff_invite"
RESET = "password_reset"
WORDING = {
    INVITE: (
        N_("Your account at {organisation}"),
        N_("Dear {name},\n\n{inviter} has made you an account ({role}) on the hiring "
           "service of {organisation}.\n\n{how}\n\n{link}"
           "\n\nThe link works once, until {deadline}. If you did not expect this message, "
           "ignore it.\n\n{organisation}\n")),
    RESET: (
        N_("Reset your password"),
        N_("Dear {name},\n\nSomeone (we hope you) asked to reset the password of your "
           "account on the hiring service of {organisation}.\n\nOpen this link to choose a "
           "new password:\n\n{link}\n\nThe link works once, until {deadline}. If you did "
           "not ask, ignore this message: your password stays as it is.\n\n"
           "{organisation}\n")),
}
ROLE_NAMES = {"hr": N_("HR manager"), "interviewer": N_("interviewer")}
# How the invitation is taken up: a password, single sign-on (hiring.sso), or either.
HOW = {"password": N_("Open this link to choose your password:"),
       "either": N_("Open this link to choose your password, or to sign in with your "
                    "organisation's account:"),
       "sso": N_("Open this link to sign in with your organisation's account:")}


def has_catalogue(language: str | None) -> bool:
    """Tell whether staff messages can be written in a language: English, or one with a
    catalogue."""
    return language == "en" or (bool(language)
                                and isinstance(translations(language), Translations))


def message_language(user: User, request_language: str | None) -> str:
    """The language a message to a staff member is written in: theirs, else the one of the
    request that sends it, else English."""
    for language in (user.language, request_language):
        if language and has_catalogue(language):
            return language
    return "en"


def send(kind: str, user: User, *, session: Session, settings: MailSettings, now: datetime,
         link: str, expires_at: datetime, language: str | None = None,
         inviter: str = "", how: str = "password") -> EmailMessage:
    """Write the message into the outbox or the spool, and record it (never raises for a
    message that cannot be written: it is recorded as failed with the reason).

    `language` is the request's: used when the staff member has chosen none; `how` an
    invitation is taken up: "password", "sso" or "either" (HOW)."""
    language = message_language(user, language)
    catalogue = translations(language)
    subject, body = (catalogue.gettext(text) for text in WORDING[kind])
    values = {"name": " ".join(user.name.split()), "link": link,
              "organisation": settings.organisation, "inviter": inviter,
              "role": catalogue.gettext(ROLE_NAMES[user.role]) if user.role in ROLE_NAMES
              else user.role,
              "how": catalogue.gettext(HOW.get(how, HOW["password"])),
              "deadline": format_deadline(expires_at, language, settings.timezone)}
    subject = render(subject, values)
    record = EmailMessage(kind=kind, language=language, to_address=user.email,
                          subject=" ".join(subject.split())[:300],
                          state=MessageState.QUEUED, created_at=now)
    session.add(record)
    session.flush()
    try:
        message = compose(sender=settings.sender, organisation=settings.organisation,
                          to_name=user.name, to_address=user.email, subject=subject,
                          body=render(body, values), now=now, reference=f"{kind}.{record.id}")
        put(message, record, settings=settings, now=now)
    except (AddressInvalid, OSError) as exc:
        record.state, record.error = MessageState.FAILED, str(exc)[:MAX_ERROR]
    session.flush()
    return record
