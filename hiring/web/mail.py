"""HR: the outbox and the e-mail templates; the glue that sends candidates' e-mail."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlmodel import col, select
from werkzeug.exceptions import ServiceUnavailable
from wtforms import BooleanField, SelectField

from hiring import jobs, like, paging
from hiring.assessment import planning
from hiring.db import get_session, read_scope, session_scope
from hiring.i18n import language_name
from hiring.mail import invitations, sending, templates
from hiring.mail.sending import MailSettings, MessageState
from hiring.models import Assessment, Attempt, EmailMessage, Job, KeyingExpert, utcnow
from hiring.web.access import hr_only, now
from hiring.web.forms import ConfirmForm, InvitationForm
from hiring.web.lookup import get_or_404

bp = Blueprint("mail", __name__, url_prefix="/admin/mail")
log = logging.getLogger(__name__)
OUTBOX_PER_PAGE = 50
JOB_KIND = "mail"
SAMPLE_NAME = "Ana Horvat"
SAMPLE_TITLE = "Customer Service Representative"
SAMPLE_ROUND = "Team leads, spring"


class EmailInvitationForm(InvitationForm):
    """The single invitation, with the candidate's language and whether to e-mail it."""

    language = SelectField("Language")
    send_email = BooleanField("Send the invitation by e-mail", default=True)


# ---- sending, for the other views ---------------------------------------------------


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
    """Commit, then send the messages waiting for the SMTP server in a background job.

    Returns how many were handed to the job. Outbox messages are already written."""
    ids = [r.id for r in records if r is not None and r.state == MessageState.QUEUED]
    if not ids:
        return 0
    session = get_session()
    job = Job(kind=JOB_KIND, total=len(ids), created_by=created_by,
              params={"message_ids": ids}, created_at=now())
    session.add(job)
    session.commit()  # the messages and the job must exist before the job runs
    jobs.start(current_app._get_current_object(), job.id)
    return len(ids)


@jobs.work(JOB_KIND)
def _send_job(job: Job, _session, _folder, progress) -> str:
    app = current_app._get_current_object()
    ids = job.params["message_ids"]
    outcome = sending.send_spooled(ids, settings=settings(app),
                                   scope=lambda: session_scope(app),
                                   clock=app.config["CLOCK"], on_progress=progress)
    log.info("mail job %s: %s", job.id, dict(outcome))
    with read_scope(app) as session:
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


def outcome_text(records: list[EmailMessage]) -> str:
    """Say in a few words where the messages went: "3 e-mails in the outbox"."""
    phrases = {MessageState.OUTBOX: "in the outbox", MessageState.SENT: "sent",
               MessageState.QUEUED: "being sent", MessageState.FAILED: "failed"}
    counts = {state: sum(r.state == state for r in records) for state in phrases}
    noun = "e-mail" if len(records) == 1 else "e-mails"
    present = [state for state, count in counts.items() if count]
    if len(present) == 1:
        return f"{len(records)} {noun} {phrases[present[0]]}"
    return f"{len(records)} {noun}: " + ", ".join(
        f"{counts[state]} {phrases[state]}" for state in present)


CONFIRMATION_JOB = "confirmation"


def after_submit(attempt: Attempt) -> None:
    """Commit the closed attempt with a job that sends the candidate the confirmation
    that their answers arrived, once, whoever closed the attempt (they, or the clock).

    The job is written in the transaction that closed the attempt, so that neither is
    stored without the other; the message is composed by the job, after the reply."""
    session = get_session()
    # attempt_ids: the name erasure looks for (hiring.privacy.jobs_holding)
    job = Job(kind=CONFIRMATION_JOB, total=1, params={"attempt_ids": [attempt.id]},
              created_at=now())
    session.add(job)
    session.commit()
    jobs.start(current_app._get_current_object(), job.id)  # never raises


@jobs.work(CONFIRMATION_JOB)
def _confirmation_job(job: Job, _session, _folder, _progress) -> str:
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


# ---- the outbox ---------------------------------------------------------------------


@bp.route("/outbox")
@hr_only
def outbox():
    """List the messages, newest first; HR copies links from here without a mail server."""
    session = get_session()
    text = (request.args.get("q") or "").strip()[:254]
    query = select(EmailMessage)
    if text:
        query = query.where(like.any_contains(text, EmailMessage.to_address,
                                              EmailMessage.subject))
    page = paging.paginate(
        query.order_by(col(EmailMessage.created_at).desc(), col(EmailMessage.id).desc()),
        session=session, number=request.args.get("page", 1, type=int),
        per_page=OUTBOX_PER_PAGE)
    messages = page.items
    names = dict(session.exec(select(Attempt.id, Attempt.candidate_name).where(
        col(Attempt.id).in_([m.attempt_id for m in messages if m.attempt_id]))).all())
    expert_names = dict(session.exec(select(KeyingExpert.id, KeyingExpert.name).where(
        col(KeyingExpert.id).in_([m.expert_id for m in messages if m.expert_id]))).all())
    return render_template("admin/mail/outbox.html", messages=messages, names=names,
                           expert_names=expert_names, q=text, page=page,
                           uses_smtp=settings().uses_smtp)


@bp.route("/outbox/message")
@hr_only
def message():
    """Show one message: its headers and, from the outbox file, its body as text."""
    session = get_session()
    record = get_or_404(EmailMessage, request.args.get("id", type=int), "No such message.")
    path = sending.outbox_path(settings(), record)
    parsed = sending.read(path) if path is not None else None
    headers = ([(name, str(parsed[name])) for name in
                ("From", "To", "Subject", "Date", "Message-ID") if parsed[name] is not None]
               if parsed is not None else [])
    body = parsed.get_content() if parsed is not None else None
    attempt = session.get(Attempt, record.attempt_id) if record.attempt_id else None
    expert = session.get(KeyingExpert, record.expert_id) if record.expert_id else None
    return render_template("admin/mail/message.html", record=record, headers=headers,
                           body=body, attempt=attempt, expert=expert,
                           retries=len(sending.RETRY_DELAYS) + 1)


# ---- the wording --------------------------------------------------------------------


def _languages() -> list[str]:
    configured = list(current_app.config.get("LANGUAGES") or [])
    return list(dict.fromkeys([*templates.default_languages(), *configured]))


def _sample_link() -> str:
    try:
        return link_builder()("EXAMPLE-personal-link")
    except LinkUnavailable:
        return "(no link: set MAIL_BASE_URL)"


def _samples(language: str) -> dict[str, str]:
    session = get_session()
    assessment = session.exec(select(Assessment).order_by(col(Assessment.id))).first()
    expires = now() + timedelta(days=current_app.config["INVITATION_DAYS"])
    return {
        "name": SAMPLE_NAME,
        "assessment": (planning.title(assessment, language, session=session) if assessment
                       else SAMPLE_TITLE),
        "link": _sample_link(),
        "deadline": templates.format_deadline(expires, language, settings().timezone),
        "minutes": str(assessment.time_limit_minutes if assessment else 40),
        "organisation": settings().organisation,
        "round": SAMPLE_ROUND,
        "items": "20",
    }


def _chosen(source) -> tuple[str, str]:
    kind = source.get("kind") or templates.KINDS[0]
    language = source.get("language") or templates.FALLBACK_LANGUAGE
    if kind not in templates.KINDS or language not in _languages():
        abort(404, "No such message template.")
    return kind, language


def _editor(kind: str, language: str, *, subject: str | None = None,
            body: str | None = None, problems: dict | None = None,
            restore_error: str | None = None):
    session = get_session()
    current = templates.wording(kind, language, session=session)
    subject = current.subject if subject is None else subject
    body = current.body if body is None else body
    samples = _samples(language)
    overview = {(k, lang): templates.stored(k, lang, session=session)
                for k in templates.KINDS for lang in _languages()}
    status = 400 if problems or restore_error else 200
    return render_template(
        "admin/mail/templates.html", kind=kind, language=language, subject=subject,
        body=body, problems=problems or {}, restore_error=restore_error, samples=samples,
        preview_subject=templates.render(subject, samples),
        preview_body=templates.render(body, samples), current=current,
        shipped=templates.default(kind, language) or templates.default(
            kind, templates.FALLBACK_LANGUAGE),
        customised=overview[(kind, language)] is not None, overview=overview,
        languages=_languages(), kinds=templates.KINDS, labels=templates.KIND_LABELS,
        placeholders=templates.placeholders_for(kind),
        needs_link=kind in templates.NEEDS_LINK), status


@bp.route("/templates", methods=["GET", "POST"])
@hr_only
def edit_templates():
    """Edit a kind of message in a language, with a preview; nothing is saved if invalid."""
    kind, language = _chosen(request.values)
    if request.method == "GET":
        return _editor(kind, language)
    subject = request.form.get("subject", "")
    body = request.form.get("body", "").replace("\r\n", "\n")
    problems = templates.problems(kind, subject, body)
    if problems or request.form.get("action") == "preview":
        return _editor(kind, language, subject=subject, body=body, problems=problems)
    templates.save(kind, language, subject, body, session=get_session(), author=g.user.email,
                   now=now())
    flash(f"Saved the {templates.KIND_LABELS[kind].lower()} in {language_name(language)}.")
    return redirect(url_for("mail.edit_templates", kind=kind, language=language))


@bp.route("/templates/restore", methods=["POST"])
@hr_only
def restore_template():
    """Go back to the shipped wording, once HR ticked that their own may be discarded."""
    kind, language = _chosen(request.form)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _editor(kind, language, restore_error=" ".join(form.confirm.errors)
                       or "The form has expired: send it again.")
    if templates.restore_default(kind, language, session=get_session()):
        flash(f"The shipped wording of the {templates.KIND_LABELS[kind].lower()} in "
              f"{language_name(language)} is back.")
    return redirect(url_for("mail.edit_templates", kind=kind, language=language))
