"""The candidate feedback report: HR turns it on and releases it (one by one or in bulk);
the candidate opens it by the e-mailed link, which expires, and downloads it as a PDF."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from wtforms import BooleanField, StringField

from hiring import mailer, paging
from hiring.assessment import editor
from hiring.assessment import feedback as release
from hiring.db import get_session
from hiring.items.messages import error_text, shown
from hiring.mail import invitations
from hiring.models import Assessment, Attempt, FeedbackRelease, User
from hiring.reports import feedback as report
from hiring.reports.build import build_profile
from hiring.reports.feedback_pdf import render_feedback_pdf
from hiring.scoring.rules import Rules
from hiring.web import mail as mail_web
from hiring.web.access import candidate, hr_only, now
from hiring.web.forms import FlaskForm, MultiCheckboxField
from hiring.web.lookup import get_or_404

bp = Blueprint("feedback", __name__, url_prefix="/admin/feedback")
report_bp = Blueprint("feedback_report", __name__, url_prefix="/f")
PER_PAGE = 50


class SettingForm(FlaskForm):
    enabled = BooleanField(lazy_gettext("Offer candidates of this assessment a feedback report"))


class BulkForm(FlaskForm):
    """Release the ticked attempts, or (scope "all") every one not released yet."""

    attempt_ids = MultiCheckboxField(lazy_gettext("Attempts"), coerce=int, validate_choice=False)
    scope = StringField(default="selected")  # sent by the "all" button only, never drawn


class ReleaseForm(FlaskForm):
    resend = BooleanField(lazy_gettext("Send a new link (the previous one stops working)"))


def _link_days() -> int:
    return int(current_app.config.get("FEEDBACK_LINK_DAYS") or release.DEFAULT_LINK_DAYS)


def _release(attempts: list[Attempt], *, resend: bool = False) -> tuple[list, list[str]]:
    """Release each attempt's report and write its e-mail; return the messages written and
    the refusals. Nothing is sent twice unless resend is asked for."""
    session = get_session()
    link_for = mailer.link_builder(endpoint="feedback_report.page")
    messages, refused = [], []
    for attempt in attempts:
        try:
            done = release.release(attempt, session=session, actor=g.user, now=now(),
                                   days=_link_days(), resend=resend)
        except release.ReleaseRefused as exc:
            refused.append(error_text(exc, gettext))
            continue
        if done.to_send:
            messages.append(invitations.send(
                "feedback", attempt, session=session, settings=mailer.settings(),
                now=now(), link=link_for(done.token), deadline=done.release.expires_at))
    return messages, refused


def _say(messages: list, refused: list[str], already: int = 0) -> None:
    if messages:
        flash(gettext("Feedback released: %(outcome)s.",
                      outcome=mail_web.outcome_text(messages)))
    if already:
        flash(gettext("%(num)s already released: nothing sent again (use Re-send on the "
                      "attempt's feedback page to send a new link).", num=already))
    for reason in dict.fromkeys(refused):
        flash(reason)


@bp.route("/assessments/<int:assessment_id>")
@hr_only
def assessment(assessment_id: int):
    """The assessment's feedback setting and its submitted attempts, to release."""
    session = get_session()
    found = get_or_404(Assessment, assessment_id, gettext("No such assessment."))
    page = paging.paginate(release.releasable(found.id), session=session, per_page=PER_PAGE,
                           number=request.args.get("page", 1, type=int))
    return render_template(
        "admin/feedback.html", assessment=found, page=page,
        current=editor.current(found, session=session), enabled=release.enabled(found),
        setting=SettingForm(enabled=release.enabled(found)), bulk=BulkForm(),
        releases=release.releases_of([a.id for a in page.items], session=session),
        link_days=_link_days())


@bp.route("/assessments/<int:assessment_id>/setting", methods=["POST"])
@hr_only
def setting(assessment_id: int):
    found = get_or_404(Assessment, assessment_id, "No such assessment.")
    form = SettingForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form was not complete: nothing changed."))
    release.set_enabled(found, form.enabled.data, session=get_session(), actor=g.user,
                        now=now())
    flash(gettext("Candidate feedback is on: release it to candidates below.")
          if form.enabled.data else
          gettext("Candidate feedback is off: nothing more can be released."))
    return redirect(url_for(".assessment", assessment_id=found.id))


@bp.route("/assessments/<int:assessment_id>/release", methods=["POST"])
@hr_only
def release_bulk(assessment_id: int):
    """Release the ticked attempts' reports, or every submitted one not yet released."""
    session = get_session()
    found = get_or_404(Assessment, assessment_id, "No such assessment.")
    back = redirect(url_for(".assessment", assessment_id=found.id))
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form was not complete: nothing was released."))
    if not release.enabled(found):
        flash(gettext(release.OFF))
        return back
    ticked = None
    if form.scope.data != "all":
        if not form.attempt_ids.data:
            flash(gettext("Tick the attempts whose feedback to release: nothing was "
                          "released."))
            return back
        ticked = form.attempt_ids.data
    attempts = release.to_release(found.id, ticked, session=session)
    done = release.releases_of([a.id for a in attempts], session=session)
    waiting = [a for a in attempts if a.id not in done
               and not a.simulated and a.revoked_at is None]
    messages, refused = _release(waiting)
    if not waiting:
        flash(gettext("No submitted attempt is waiting for its feedback: nothing was "
                      "released."))
    _say(messages, refused, already=sum(a.id in done for a in attempts))
    mailer.send_queued(messages, created_by=g.user.id)
    return back


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@hr_only
def attempt(attempt_id: int):
    """One attempt's feedback: released or not, when and by whom; release or re-send."""
    session = get_session()
    found = get_or_404(Attempt, attempt_id, "No such attempt.")
    assessment_ = session.get(Assessment, found.assessment_id)
    form = ReleaseForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, gettext("The form was not complete: nothing was released."))
        before = release.release_of(found, session=session)
        messages, refused = _release([found], resend=form.resend.data)
        _say(messages, refused, already=int(before is not None and not form.resend.data))
        mailer.send_queued(messages, created_by=g.user.id)
        return redirect(url_for(".attempt", attempt_id=found.id))
    released = release.release_of(found, session=session)
    sent = release.messages_of(found, session=session)
    return render_template(
        "admin/feedback_attempt.html", attempt=found, assessment=assessment_, form=form,
        released=released, messages=sent, refusal=_refusal(found, assessment_),
        released_by=session.get(User, released.released_by)
        if released and released.released_by else None, now=now())


def _refusal(attempt_: Attempt, assessment_: Assessment) -> str | None:
    reason = release.refusal(attempt_, assessment_)
    return shown(reason, gettext) if reason else None


# ---- the candidate's side ----------------------------------------------------------


def _feedback_of(token: str) -> tuple[FeedbackRelease, report.Feedback]:
    """The release behind a link and its report; a clear page when the link is wrong or
    has expired."""
    session = get_session()
    found = release.find(token, session=session)
    if found is None:
        abort(Response(render_template("candidate/feedback_gone.html", gone=False), 404))
    attempt = session.get(Attempt, found.attempt_id)
    g.language = attempt.language
    if release.expired(found, now()):
        abort(Response(render_template("candidate/feedback_gone.html", gone=True), 410))
    assessment = session.get(Assessment, attempt.assessment_id)
    profile = build_profile(attempt, session=session, blind_for=None,
                            language=attempt.language)
    return found, report.from_profile(profile, Rules.for_assessment(assessment.settings))


@report_bp.route("/<token>")
@candidate
def page(token: str):
    found, content = _feedback_of(token)
    release.opened(found, now())
    return render_template("candidate/feedback.html", feedback=content, token=token)


@report_bp.route("/<token>/feedback.pdf")
@candidate
def pdf(token: str):
    _found, content = _feedback_of(token)
    document = render_feedback_pdf(
        content, time_limit=current_app.config["PDF_TIME_LIMIT_SECONDS"])
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="feedback.pdf"',
        "Cache-Control": "no-store"})
