"""HR: the outbox and the e-mail templates; the invitation form and the words that say
where e-mails went, for the other pages (hiring.mailer sends them)."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext, ngettext
from wtforms import BooleanField, SelectField

from hiring.assessment import editor, planning
from hiring.db import get_session
from hiring.i18n import language_in_page
from hiring.mail import sending, templates
from hiring.mail.outbox import outbox_page
from hiring.mail.sending import MessageState
from hiring.mailer import LinkUnavailable, link_builder, settings
from hiring.models import Attempt, EmailMessage, KeyingExpert
from hiring.web.access import hr_only, now
from hiring.web.forms import ConfirmForm, InvitationForm
from hiring.web.lookup import get_or_404

bp = Blueprint("mail", __name__, url_prefix="/admin/mail")
SAMPLE_NAME = "Ana Horvat"
SAMPLE_TITLE = "Customer Service Representative"
SAMPLE_ROUND = "Team leads, spring"


class EmailInvitationForm(InvitationForm):
    """The single invitation, with the candidate's language and whether to e-mail it."""

    language = SelectField(lazy_gettext("Language"))
    send_email = BooleanField(lazy_gettext("Send the invitation by e-mail"), default=True)


# ---- for the other views ---------------------------------------------------------


def outcome_text(records: list[EmailMessage]) -> str:
    """Say in a few words where the messages went: "3 e-mails in the outbox"."""
    counts = {state: sum(r.state == state for r in records) for state in MessageState}
    present = [state for state in _PHRASES if counts[state]]
    if len(present) == 1:
        return _PHRASES[present[0]](len(records))
    return ngettext("%(num)d e-mail: %(parts)s", "%(num)d e-mails: %(parts)s", len(records),
                    parts=", ".join(_PARTS[state](counts[state]) for state in present))


# How many messages went where, with the count in each language's plural form.
_PHRASES = {
    MessageState.OUTBOX: lambda n: ngettext("%(num)d e-mail in the outbox",
                                            "%(num)d e-mails in the outbox", n),
    MessageState.SENT: lambda n: ngettext("%(num)d e-mail sent", "%(num)d e-mails sent", n),
    MessageState.QUEUED: lambda n: ngettext("%(num)d e-mail being sent",
                                            "%(num)d e-mails being sent", n),
    MessageState.FAILED: lambda n: ngettext("%(num)d e-mail failed",
                                            "%(num)d e-mails failed", n),
}
_PARTS = {
    MessageState.OUTBOX: lambda n: ngettext("%(num)d in the outbox", "%(num)d in the outbox", n),
    MessageState.SENT: lambda n: ngettext("%(num)d sent", "%(num)d sent", n),
    MessageState.QUEUED: lambda n: ngettext("%(num)d being sent", "%(num)d being sent", n),
    MessageState.FAILED: lambda n: ngettext("%(num)d failed", "%(num)d failed", n),
}


# ---- the outbox ---------------------------------------------------------------------


@bp.route("/outbox")
@hr_only
def outbox():
    """List the messages, newest first; HR copies links from here without a mail server."""
    text = (request.args.get("q") or "").strip()[:254]
    shown = outbox_page(text, request.args.get("page", 1, type=int), session=get_session())
    return render_template("admin/mail/outbox.html", messages=shown.page.items,
                           names=shown.names, expert_names=shown.expert_names, q=text,
                           page=shown.page, uses_smtp=settings().uses_smtp)


@bp.route("/outbox/message")
@hr_only
def message():
    """Show one message: its headers and, from the outbox file, its body as text."""
    session = get_session()
    record = get_or_404(EmailMessage, request.args.get("id", type=int), gettext("No such message."))
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
        return gettext("(no link: set MAIL_BASE_URL)")


def _samples(language: str) -> dict[str, str]:
    session = get_session()
    assessment = editor.first_assessment(session=session)
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
        abort(404, gettext("No such message template."))
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
    problems = templates.problems(kind, subject, body, gettext)
    if problems or request.form.get("action") == "preview":
        return _editor(kind, language, subject=subject, body=body, problems=problems)
    templates.save(kind, language, subject, body, session=get_session(), author=g.user.email,
                   now=now())
    flash(gettext("Saved: %(kind)s, %(language)s.", kind=gettext(templates.KIND_LABELS[kind]),
                  language=language_in_page(language)))
    return redirect(url_for("mail.edit_templates", kind=kind, language=language))


@bp.route("/templates/restore", methods=["POST"])
@hr_only
def restore_template():
    """Go back to the shipped wording, once HR ticked that their own may be discarded."""
    kind, language = _chosen(request.form)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _editor(kind, language, restore_error=" ".join(form.confirm.errors)
                       or gettext("The form has expired: send it again."))
    if templates.restore_default(kind, language, session=get_session()):
        flash(gettext("The shipped wording is back: %(kind)s, %(language)s.",
                      kind=gettext(templates.KIND_LABELS[kind]),
                      language=language_in_page(language)))
    return redirect(url_for("mail.edit_templates", kind=kind, language=language))
