"""The app's mail service: its settings, the links messages carry, and the jobs that
send what the pages and commands write (hiring.mail composes and records it).

Pages queue their sending with the request's commit (hiring.db.after_commit), so that a
message goes only for changes that were stored."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for
from sqlmodel import col, select
from werkzeug.exceptions import ServiceUnavailable

from hiring import jobs
from hiring.db import after_commit, get_session, session_scope
from hiring.mail import invitations, sending
from hiring.mail.sending import MailSettings, MessageState
from hiring.models import Attempt, EmailMessage, Job, utcnow

log = logging.getLogger(__name__)
JOB_KIND = "mail"
CONFIRMATION_JOB = "confirmation"


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def settings(app: Flask | None = None) -> MailSettings:
    """Return the mail settings of the app."""
    app = app or current_app
    return MailSettings.from_config(app.config, app.instance_path)


class LinkUnavailable(ServiceUnavailable):
    """The server does not know its public address, so it builds no link (a 503 page)."""

    description = (
        "The link cannot be built safely: this server does not know its public address. "
        "Set MAIL_BASE_URL (e.g. \"https://hiring.example.com\") in instance/config.py or "
        "the environment and restart the server. Until then no link is taken from the "
        "address a request names (its Host header), which anyone can forge.")


def links_from_request(app: Flask) -> bool:
    """Tell whether links may take the request's address: only in development (DEVELOPMENT,
    as `hiring serve` tells production too), debug mode and tests."""
    return bool(app.config.get("DEVELOPMENT") or app.debug or app.testing)


def link_builder(app: Flask | None = None, endpoint: str = "candidate.welcome"
                 ) -> invitations.LinkFor:
    """Return token -> the link a candidate (or, with `endpoint`, an expert) opens: under
    MAIL_BASE_URL, else under SERVER_NAME; the request's address only where
    links_from_request allows it. Raises LinkUnavailable otherwise."""
    app = app or current_app
    base = app.config.get("MAIL_BASE_URL")
    if base:
        parts = urlsplit(base.rstrip("/"))
        host, root, scheme = parts.netloc, parts.path or "/", parts.scheme or "https"
    elif app.config.get("SERVER_NAME"):
        host, root = app.config["SERVER_NAME"], app.config.get("APPLICATION_ROOT") or "/"
        scheme = app.config.get("PREFERRED_URL_SCHEME") or "https"
    elif links_from_request(app):
        return lambda token: url_for(endpoint, token=token, _external=True)
    else:
        raise LinkUnavailable()
    adapter = app.url_map.bind(host, script_name=root, url_scheme=scheme)
    return lambda token: adapter.build(endpoint, {"token": token}, force_external=True)


def send_queued(records: Iterable[EmailMessage], *, created_by: int | None = None) -> int:
    """Send the messages waiting for the SMTP server in a background job, started once
    this request has committed them with the job (hiring.db.after_commit).

    Returns how many are handed to the job. Outbox messages are already written."""
    ids = [r.id for r in records if r is not None and r.state == MessageState.QUEUED]
    if not ids:
        return 0
    session = get_session()
    job = Job(kind=JOB_KIND, total=len(ids), created_by=created_by,
              params={"message_ids": ids}, created_at=_now())
    session.add(job)
    session.flush()
    after_commit(partial(jobs.start, current_app._get_current_object(), job.id))
    return len(ids)


@jobs.work(JOB_KIND)
def _send_job(job: Job, _session, run: jobs.Run) -> str:
    ids = job.params["message_ids"]
    outcome = sending.send_spooled(ids, settings=settings(current_app), scope=run.write,
                                   clock=run.settings.now, on_progress=run.progress)
    log.info("mail job %s: %s", job.id, dict(outcome))
    with run.read() as session:
        later = sending.next_try(ids, session=session)
    if later is not None:  # the server was down or busy: the job runs again then
        raise jobs.Retry(later, "Some e-mails wait for the mail server to be tried again.")
    return ""  # nothing to download


@jobs.given_up(JOB_KIND)
def _fail_waiting(app: Flask, params: dict, error: str) -> None:
    """The sending job failed for good: its messages still waiting fail with its error."""
    mail = settings(app)
    with session_scope(app) as session:
        waiting = session.exec(select(EmailMessage).where(
            col(EmailMessage.id).in_(params.get("message_ids") or []),
            EmailMessage.state == MessageState.QUEUED)).all()
        for record in waiting:
            record.state, record.next_try_at = MessageState.FAILED, None
            record.error = f"Sending stopped: {error}"[:sending.MAX_ERROR]
    for record in waiting:
        sending.spool_path(mail, record.id).unlink(missing_ok=True)


def send_later(app: Flask, ids: Iterable[int]) -> datetime | None:
    """Queue a job that tries again the messages a command could not send yet; return
    when it runs (None: nothing waits)."""
    ids = list(ids)
    with session_scope(app) as session:
        later = sending.next_try(ids, session=session) if ids else None
        if later is not None:
            session.add(Job(kind=JOB_KIND, total=len(ids), params={"message_ids": ids},
                            run_after=later, created_at=app.config.get("CLOCK", utcnow)()))
    return later


def after_submit(attempt: Attempt) -> None:
    """Send the candidate the confirmation that their answers arrived, once, whoever
    closed the attempt (they, or the clock), and compute its writing indicators.

    The confirmation's job is written in the transaction that closes the attempt, so that
    neither is stored without the other, and started after its commit; the message is
    composed by the job, after the reply. With `hiring worker` beside the server, the
    profile's rendering and the writing indicators are queued in that transaction too
    (jobs.queue_writing_indicators); otherwise they start after the commit."""
    session = get_session()
    # attempt_ids: the name erasure looks for (hiring.privacy.jobs_holding)
    job = Job(kind=CONFIRMATION_JOB, total=1, params={"attempt_ids": [attempt.id]},
              created_at=_now())
    session.add(job)
    session.flush()
    app = current_app._get_current_object()
    after_commit(partial(jobs.start, app, job.id))  # never raises
    if not jobs.queue_writing_indicators(app, [attempt], session=session):
        after_commit(partial(jobs.compute_writing_indicators, app, [attempt]))


@jobs.work(CONFIRMATION_JOB)
def _confirmation_job(job: Job, _session, _run: jobs.Run) -> str:
    for attempt_id in job.params["attempt_ids"]:
        confirm_submitted(current_app._get_current_object(), attempt_id)
    return ""  # nothing to download


def confirm_submitted(app: Flask, attempt_id: int) -> None:
    """Write the confirmation of a closed attempt, once, and start its sending. A message
    that cannot be written is recorded as failed, with the reason, in the outbox."""
    clock = app.config.get("CLOCK", utcnow)
    try:
        with session_scope(app) as session:
            attempt = session.get(Attempt, attempt_id)
            if attempt is None:  # erased meanwhile
                return
            record = invitations.confirm_submission(attempt, session=session,
                                                    settings=settings(app), now=clock())
            sending_job = None
            if record is not None and record.state == MessageState.QUEUED:
                sending_job = Job(kind=JOB_KIND, total=1, params={"message_ids": [record.id]},
                                  created_at=clock())
                session.add(sending_job)
    except Exception as exc:  # a broken template or disk: said in the outbox
        log.exception("confirmation e-mail for attempt %s failed", attempt_id)
        with session_scope(app) as session:
            attempt = session.get(Attempt, attempt_id)
            session.add(EmailMessage(
                attempt_id=attempt.id, kind=invitations.confirmation_kind(attempt),
                language=attempt.language,
                to_address=attempt.candidate_email, subject="(not written)",
                state=MessageState.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
                created_at=clock()))
        return
    if sending_job is not None:
        jobs.start(app, sending_job.id)
