"""Where messages go: the outbox folder, or an SMTP server by way of a spool folder.

Without an SMTP server every message is written to `<instance>/outbox/` as an .eml file
and recorded as `outbox`; HR reads them on the Outbox page. With one, a message is
written to `<instance>/mail-spool/<id>.eml` inside the request and sent after the
transaction commits (by a background job, or by the command that made it), so that no
request or database lock waits on a mail server. The spool file is deleted once the
message is sent or has failed: the body, which holds the candidate's link, is never
kept in the database.

A server that cannot be reached or answers "try later" (4xx) does not fail a message at
once: it stays queued, with the reason, and is tried again after RETRY_DELAYS (1 min,
5 min, 30 min, 2 h); the try after the last one that meets the same fails it for good.
A refusal (5xx) fails it at once: trying again would meet the same answer.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage as Message
from email.parser import BytesParser
from email.utils import parseaddr
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from hiring.config import Defaults
from hiring.models import EmailMessage

OUTBOX_FOLDER = "outbox"
SPOOL_FOLDER = "mail-spool"
MAX_ERROR = 2000
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2))


class MessageState(StrEnum):
    QUEUED = "queued"  # waiting in the spool for the SMTP server (again after next_try_at)
    SENT = "sent"
    OUTBOX = "outbox"  # written to the outbox folder (no SMTP server configured)
    FAILED = "failed"


@dataclass(frozen=True)
class MailSettings:
    """How to send: the MAIL_* settings and the instance folder."""

    instance_path: Path
    sender: str = Defaults.MAIL_FROM
    organisation: str = ""
    smtp_host: str | None = None
    smtp_port: int = Defaults.MAIL_SMTP_PORT
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = Defaults.MAIL_SMTP_STARTTLS
    smtp_ssl: bool = Defaults.MAIL_SMTP_SSL
    smtp_timeout: float = Defaults.MAIL_SMTP_TIMEOUT_SECONDS
    timezone: str = Defaults.MAIL_TIMEZONE

    @classmethod
    def from_config(cls, config: Mapping[str, Any], instance_path: str | Path
                    ) -> MailSettings:
        return cls(instance_path=Path(instance_path),
                   sender=config.get("MAIL_FROM") or cls.sender,
                   organisation=config.get("MAIL_ORGANISATION") or "",
                   smtp_host=config.get("MAIL_SMTP_HOST") or None,
                   smtp_port=int(config.get("MAIL_SMTP_PORT") or cls.smtp_port),
                   smtp_user=config.get("MAIL_SMTP_USER") or None,
                   smtp_password=config.get("MAIL_SMTP_PASSWORD") or None,
                   smtp_starttls=bool(config.get("MAIL_SMTP_STARTTLS", cls.smtp_starttls)),
                   smtp_ssl=bool(config.get("MAIL_SMTP_SSL", cls.smtp_ssl)),
                   smtp_timeout=float(config.get("MAIL_SMTP_TIMEOUT_SECONDS") or cls.smtp_timeout),
                   timezone=config.get("MAIL_TIMEZONE") or cls.timezone)

    @property
    def uses_smtp(self) -> bool:
        return bool(self.smtp_host)

    @property
    def outbox_dir(self) -> Path:
        return self.instance_path / OUTBOX_FOLDER

    @property
    def spool_dir(self) -> Path:
        return self.instance_path / SPOOL_FOLDER


def outbox_name(record: EmailMessage, now: datetime) -> str:
    """Name an outbox file from the time, the message's number and kind: never user input."""
    return f"{now:%Y%m%d-%H%M%S}-{record.id:06d}-{record.kind}.eml"


def spool_path(settings: MailSettings, message_id: int) -> Path:
    return settings.spool_dir / f"{int(message_id)}.eml"


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (it holds a link), whole or not at all."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    partial.replace(path)


def put(message: Message, record: EmailMessage, *, settings: MailSettings,
        now: datetime) -> None:
    """Write the message to the outbox, or to the spool to be sent after commit."""
    data = message.as_bytes()
    if settings.uses_smtp:
        _write_private(spool_path(settings, record.id), data)
        record.state = MessageState.QUEUED
    else:
        name = outbox_name(record, now)
        _write_private(settings.outbox_dir / name, data)
        record.state, record.outbox_file, record.sent_at = MessageState.OUTBOX, name, now


def outbox_path(settings: MailSettings, record: EmailMessage) -> Path | None:
    """Return the message's outbox file if it is there (and inside the outbox)."""
    name = record.outbox_file
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = settings.outbox_dir / name
    return path if path.is_file() else None


def read(path: Path) -> Message:
    """Parse an .eml file back into a message."""
    with path.open("rb") as source:
        return BytesParser(policy=policy.default).parse(source)


def files_of(records: Iterable[EmailMessage], settings: MailSettings) -> list[Path]:
    """Return the outbox and spool files of the messages that exist."""
    found = []
    for record in records:
        for path in (outbox_path(settings, record), spool_path(settings, record.id)):
            if path is not None and path.is_file():
                found.append(path)
    return found


def open_smtp(settings: MailSettings) -> smtplib.SMTP:
    """Connect (and log in) to the configured SMTP server."""
    if settings.smtp_ssl:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout,
            context=ssl.create_default_context())
    else:
        connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                                  timeout=settings.smtp_timeout)
    try:
        if settings.smtp_starttls and not settings.smtp_ssl:
            connection.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            connection.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        connection.close()
        raise
    return connection


def describe(exc: BaseException, settings: MailSettings) -> str:
    """Say what went wrong in words HR can act on."""
    server = f"{settings.smtp_host}:{settings.smtp_port}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(f"{code} {reply.decode(errors='replace')}"
                          for code, reply in exc.recipients.values())
        return f"The mail server refused the address: {codes}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return (f"The mail server {server} answered {exc.smtp_code} "
                f"{exc.smtp_error.decode(errors='replace')}")
    if isinstance(exc, smtplib.SMTPException):
        return f"Sending through {server} failed: {exc}"
    return f"Could not reach the mail server {server}: {exc}"


def temporary(exc: BaseException) -> bool:
    """Tell whether trying again later may succeed: the server was unreachable, went
    away or answered 4xx; a 5xx answer is final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, (smtplib.SMTPException, OSError))


def next_try(ids: Iterable[int], *, session: Session) -> datetime | None:
    """Return when the first of these messages that wait for another try is due."""
    return session.exec(select(func.min(EmailMessage.next_try_at)).where(
        col(EmailMessage.id).in_(list(ids)), EmailMessage.state == MessageState.QUEUED,
        col(EmailMessage.next_try_at).is_not(None))).one()


def send_spooled(ids: Iterable[int], *, settings: MailSettings,
                 scope: Callable[[], AbstractContextManager[Session]],
                 clock: Callable[[], datetime],
                 on_progress: Callable[[int], None] | None = None) -> Counter:
    """Send the spooled messages over one SMTP connection; record each as sent, failed,
    or queued for another try (see RETRY_DELAYS).

    `scope` opens a short write transaction: one per message, so that nothing holds the
    database while the mail server answers. A message erased meanwhile is skipped, and
    one whose next try is not due yet waits. When the server cannot be reached, every
    remaining message meets that reason. Returns the count of each outcome: sent,
    failed, retrying, waiting, skipped.
    """
    outcomes: Counter = Counter()
    envelope_from = parseaddr(settings.sender)[1]
    connection: smtplib.SMTP | None = None
    unreachable: BaseException | None = None
    try:
        for done, message_id in enumerate(ids, start=1):
            path = spool_path(settings, message_id)
            now = clock()
            with scope() as session:
                record = session.get(EmailMessage, message_id)
                to_address = record.to_address if record is not None else None
                waiting = record is not None and record.state == MessageState.QUEUED
                due = waiting and (record.next_try_at is None or record.next_try_at <= now)
                tries = record.tries if record is not None else 0
            error, again = None, False
            if not waiting:
                path.unlink(missing_ok=True)
                outcomes["skipped"] += 1
                continue
            if not due:
                outcomes["waiting"] += 1
                continue
            if not path.is_file():
                error = "The message was lost before it was sent (no spool file); resend it."
            elif unreachable is not None:
                error, again = describe(unreachable, settings), temporary(unreachable)
            else:
                try:
                    if connection is None:
                        try:
                            connection = open_smtp(settings)
                        except (smtplib.SMTPException, OSError) as exc:
                            unreachable = exc
                            raise
                    connection.sendmail(envelope_from, [to_address], path.read_bytes())
                except REFUSED as exc:  # this message only; the connection is still good
                    error, again = describe(exc, settings), temporary(exc)
                except (smtplib.SMTPException, OSError) as exc:
                    error, again = describe(exc, settings), temporary(exc)
                    if connection is not None:  # in an unknown state: start afresh
                        connection.close()
                        connection = None
            retry = error is not None and again and tries < len(RETRY_DELAYS)
            if not retry:
                path.unlink(missing_ok=True)
            with scope() as session:
                record = session.get(EmailMessage, message_id)
                if record is None:
                    path.unlink(missing_ok=True)
                elif retry:
                    record.tries += 1
                    record.error = error[:MAX_ERROR]
                    record.next_try_at = now + RETRY_DELAYS[tries]
                elif error:
                    record.tries += int(again)
                    if again:
                        error = f"{error} (gave up after {record.tries} tries)"
                    record.state, record.error = MessageState.FAILED, error[:MAX_ERROR]
                    record.next_try_at = None
                else:
                    record.state, record.error, record.sent_at = (
                        MessageState.SENT, None, clock())
                    record.next_try_at = None
            outcomes["retrying" if retry else "failed" if error else "sent"] += 1
            if on_progress is not None:
                on_progress(done)
    finally:
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()
    return outcomes
