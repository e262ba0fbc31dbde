"""E-mail to staff: the invitation to set up an account, and the password reset link.

Goes the way every message goes (the outbox without a mail server, the spool and the
background job with one). The wording is fixed here, in English and Croatian: staff
messages are not part of the candidates' wording HR edits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from hiring.mail.compose import AddressInvalid, compose
from hiring.mail.sending import MAX_ERROR, MailSettings, MessageState, put
from hiring.mail.templates import format_deadline, render
from hiring.models import EmailMessage, User

INVITE = "staff_invite"
RESET = "password_reset"
WORDING = {
    (INVITE, "en"): (
        "Your account at {organisation}",
        "Dear {name},\n\n{inviter} has made you an account ({role}) on the hiring "
        "service of {organisation}.\n\n{how}\n\n{link}\n\n"
        "The link works once, until {deadline}. If you did not expect this message, "
        "ignore it.\n\n{organisation}\n"),
    (INVITE, "hr"): (
        "Vaš korisnički račun: {organisation}",
        "Poštovani/poštovana {name},\n\n{inviter} otvorio/otvorila vam je korisnički račun "
        "({role}) u servisu za zapošljavanje: {organisation}.\n\n{how}\n\n{link}\n\n"
        "Poveznica vrijedi jednom, do {deadline}. Ako "
        "niste očekivali ovu poruku, zanemarite je.\n\n{organisation}\n"),
    (RESET, "en"): (
        "Reset your password",
        "Dear {name},\n\nSomeone (we hope you) asked to reset the password of your account "
        "on the hiring service of {organisation}.\n\nOpen this link to choose a new "
        "password:\n\n{link}\n\nThe link works once, until {deadline}. If you did not ask, "
        "ignore this message: your password stays as it is.\n\n{organisation}\n"),
    (RESET, "hr"): (
        "Nova lozinka",
        "Poštovani/poštovana {name},\n\nNetko (nadamo se vi) zatražio je novu lozinku za vaš "
        "korisnički račun u servisu za zapošljavanje: {organisation}.\n\nOtvorite ovu "
        "poveznicu i odaberite novu lozinku:\n\n{link}\n\nPoveznica vrijedi jednom, do "
        "{deadline}. Ako to niste tražili, zanemarite ovu poruku: lozinka ostaje ista."
        "\n\n{organisation}\n"),
}
# How the invitation is taken up: a password, single sign-on (hiring.sso), or either.
HOW = {("password", "en"): "Open this link to choose your password:",
       ("either", "en"): "Open this link to choose your password, or to sign in with your "
                         "organisation's account:",
       ("sso", "en"): "Open this link to sign in with your organisation's account:",
       ("password", "hr"): "Otvorite ovu poveznicu i odaberite lozinku:",
       ("either", "hr"): "Otvorite ovu poveznicu i odaberite lozinku ili se prijavite "
                         "računom svoje organizacije:",
       ("sso", "hr"): "Otvorite ovu poveznicu i prijavite se računom svoje organizacije:"}
ROLE_NAMES = {("hr", "en"): "HR manager", ("interviewer", "en"): "interviewer",
              ("hr", "hr"): "voditelj ljudskih potencijala",
              ("interviewer", "hr"): "intervjuer"}


def send(kind: str, user: User, *, session: Session, settings: MailSettings, now: datetime,
         link: str, expires_at: datetime, language: str = "en",
         inviter: str = "", how: str = "password") -> EmailMessage:
    """Write the message into the outbox or the spool, and record it (never raises for a
    message that cannot be written: it is recorded as failed with the reason).

    `how` an invitation is taken up: "password", "sso" or "either" (HOW)."""
    language = language if (kind, language) in WORDING else "en"
    subject, body = WORDING[(kind, language)]
    values = {"name": " ".join(user.name.split()), "link": link,
              "organisation": settings.organisation, "inviter": inviter,
              "role": ROLE_NAMES.get((user.role, language), user.role),
              "how": HOW.get((how, language), HOW[("password", language)]),
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
