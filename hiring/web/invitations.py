"""HR: invitations and the pipeline — invite one candidate or many, follow everyone
invited to an assessment, and act on an invitation (time, expiry, resending, revoking)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from functools import partial

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
from flask_babel import gettext, ngettext
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from hiring import jobs, mailer
from hiring.assessment import bulk, editor, engine, pipeline, planning
from hiring.db import after_commit, get_session
from hiring.i18n import language_name
from hiring.items import accommodations
from hiring.items.messages import N_
from hiring.mail import invitations
from hiring.models import Assessment, Attempt, Bank
from hiring.scoring.attempts import rescore_outdated
from hiring.web import decisions as decisions_web
from hiring.web import mail as mail_web
from hiring.web.access import hr_only, now
from hiring.web.forms import (
    BulkInvitationForm,
    ConfirmForm,
    ExtendForm,
    ExtraTimeForm,
    TimeMultiplierForm,
)
from hiring.web.lookup import get_or_404

bp = Blueprint("invitations", __name__, url_prefix="/admin")


def _back(attempt: Attempt) -> str:
    """The pipeline of the invitation's assessment, where its actions are."""
    return url_for("invitations.pipeline", assessment_id=attempt.assessment_id)


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"], endpoint="pipeline")
@hr_only
def pipeline_page(assessment_id: int):
    """The pipeline: invite a candidate, follow everyone invited, act on an invitation."""
    session = get_session()
    assessment = get_or_404(Assessment, assessment_id, "No such assessment.")
    choices = [SelectChoice(code, language_name(code), render_kw={"lang": code})
               for code in planning.languages(assessment, session=session)]
    form = mail_web.EmailInvitationForm(language=assessment.language)
    form.language.choices = choices
    link = link_problem = None
    sent = ""
    status = 200
    current = editor.current(assessment, session=session)
    if request.method == "POST" and current.id != assessment.id:
        abort(409, gettext("This is version %(version)s, replaced by version %(newest)s: "
                           "invite candidates to version %(newest)s.",
                           version=assessment.version, newest=current.version))
    if form.validate_on_submit():
        attempt, token = engine.invite(
            assessment, session=session, name=form.name.data, email=form.email.data,
            expires_at=now() + timedelta(days=form.days.data), language=form.language.data,
            created_by=g.user.id, time_multiplier=form.time_multiplier.multiplier, now=now())
        try:
            link = mailer.link_builder()(token)
        except mailer.LinkUnavailable as exc:  # kept, and offered again by Resend
            link_problem = exc.description
        if form.send_email.data and link:
            record = invitations.send("invitation", attempt, session=session,
                                      settings=mailer.settings(), now=now(), link=link)
            sent = f" {mail_web.outcome_text([record])}."
            mailer.send_queued([record], created_by=g.user.id)
        flash(gettext("Invitation created for %(name)s.%(sent)s The link is also shown "
                      "below, only this once.", name=attempt.candidate_name, sent=sent)
              if link else
              gettext("Invitation created for %(name)s, without a link and not e-mailed: "
                      "see below.", name=attempt.candidate_name))
        form = mail_web.EmailInvitationForm(formdata=None, language=assessment.language)
        form.language.choices = choices
    elif form.errors:
        status = 400
    stage = request.args.get("stage") if request.args.get("stage") in pipeline.STAGES else None
    search = (request.args.get("q") or "")[:254]
    decision_names = decisions_web.labels(assessment)
    decision = request.args.get("decision")
    decision = decision if decision in decision_names or decision == pipeline.NO_DECISION \
        else None
    rescore_outdated(session=session, assessment_id=assessment_id)  # scored before scales
    view = pipeline.page(session=session, assessment_id=assessment_id, now=now(), stage=stage,
                         search=search, oldest_first=request.args.get("sort") == "oldest",
                         number=request.args.get("page", 1, type=int), decision=decision)
    messages = invitations.latest_messages([row.attempt.id for row in view.rows],
                                           session=session)
    return render_template(
        "admin/assessment.html", assessment=assessment, current=current,
        bank=session.get(Bank, assessment.bank_id), form=form, link=link,
        link_problem=link_problem,
        emailed=link is not None and bool(sent), view=view,
        messages=messages, stage=stage, q=search, sort=request.args.get("sort"),
        stages=pipeline.STAGES, stage_labels=pipeline.STAGE_LABELS,
        widths=_bar_widths(view.counts), uses_smtp=mailer.settings().uses_smtp,
        can_extend=invitations.can_extend, now=now(), decision=decision,
        decision_names=decision_names, no_decision=pipeline.NO_DECISION), status


def _change_time(attempt_id: int, form: FlaskForm, problem: str,
                 change: Callable[[Attempt], object], closed: str, done: Callable[[Attempt], str]):
    """Change an invitation's time with a checked form, then go back to the pipeline.

    change(attempt) raises ValueError for a value out of range (a 400 page with the
    reason) or engine.AttemptClosed when the change no longer applies (said, translated,
    with the candidate's name in place of %(name)s); `done` says what changed."""
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    if not form.validate_on_submit():
        abort(400, problem)
    try:
        change(attempt)
    except ValueError as exc:
        abort(400, gettext(str(exc)))  # the engine's and accommodations' messages are N_
    except engine.AttemptClosed:
        # answered with a redirect, so that an attempt the clock had closed is stored as
        # submitted (the engine finalised it)
        flash(gettext(closed, name=attempt.candidate_name), "error")
    else:
        flash(done(attempt))
    return redirect(_back(attempt))


@bp.route("/attempts/<int:attempt_id>/extra-time", methods=["POST"])
@hr_only
def extra_time(attempt_id: int):
    form = ExtraTimeForm()
    return _change_time(
        attempt_id, form, gettext("Give the extra time as a whole number of minutes."),
        lambda attempt: engine.give_extra_time(attempt, form.minutes.data,
                                               session=get_session(), now=now()),
        N_("%(name)s's time had already run out or the attempt was closed: it is submitted "
           "with what was saved, and extra time no longer applies."),
        lambda attempt: gettext("%(name)s now has %(minutes)s extra minutes.",
                                name=attempt.candidate_name, minutes=form.minutes.data))


@bp.route("/attempts/<int:attempt_id>/time-multiplier", methods=["POST"])
@hr_only
def time_multiplier(attempt_id: int):
    """Change an invitation's time multiplier (an accommodation) before the attempt starts."""
    form = TimeMultiplierForm()
    return _change_time(
        attempt_id, form, gettext(accommodations.PROBLEM),
        lambda attempt: engine.set_time_multiplier(attempt, form.multiplier.data,
                                                   session=get_session(), now=now()),
        N_("%(name)s has already started (or the invitation is closed): the time multiplier "
           "can be changed only before the start. Extra minutes can still be given."),
        lambda attempt: gettext(
            "%(name)s now has %(multiplier)s × the usual time.", name=attempt.candidate_name,
            multiplier=accommodations.format_multiplier(attempt.time_multiplier)))


@bp.route("/attempts/<int:attempt_id>/revoke", methods=["GET", "POST"])
@hr_only
def revoke(attempt_id: int):
    """Cancel an invitation, after HR confirmed on this page what that does."""
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    back = _back(attempt)
    form = ConfirmForm()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                invitations.cancel(attempt, session=session, now=now())
            except invitations.InvitationError as exc:
                abort(409, str(exc))
            # an attempt under way was submitted: its indicators follow its commit
            after_commit(partial(jobs.compute_writing_indicators,
                                 current_app._get_current_object(), [attempt]))
            flash(gettext("The invitation of %(name)s is cancelled: its link no longer works.",
                          name=attempt.candidate_name))
            return redirect(back)
        error = " ".join(form.confirm.errors) or gettext("The form has expired: send it again.")
    if attempt.state not in engine.OPEN_STATES:
        abort(409, gettext("This invitation is already closed."))
    return render_template("admin/mail/cancel.html", attempt=attempt, error=error,
                           back=back), (400 if error else 200)


@bp.route("/assessments/<int:assessment_id>/invitations/bulk", methods=["GET", "POST"])
@hr_only
def bulk_invitations(assessment_id: int):
    """Upload or paste a CSV, see every row's problems, then create all invitations at once."""
    session = get_session()
    assessment = get_or_404(Assessment, assessment_id, "No such assessment.")
    current = editor.current(assessment, session=session)
    if current.id != assessment.id:
        flash(gettext("Version %(version)s was replaced by version %(newest)s: invitations go "
                      "to the current version.", version=assessment.version,
                      newest=current.version))
        return redirect(url_for("invitations.bulk_invitations", assessment_id=current.id))
    languages = planning.languages(assessment, session=session)
    context = {"assessment": assessment, "columns": bulk.COLUMNS, "languages": languages,
               "uses_smtp": mailer.settings().uses_smtp}
    form = BulkInvitationForm()
    if not form.validate_on_submit():  # a GET, or a POST without its CSRF token
        return render_template("admin/bulk.html", **context), (400 if form.errors else 200)
    if form.file.data:
        data = form.file.data.read()
    elif (form.csv_text.data or "").strip():
        data = form.csv_text.data.encode("utf-8")
    else:
        return render_template("admin/bulk.html",
                               error=gettext("Choose a CSV file or paste its rows."),
                               **context), 400
    try:
        context["csv_text"] = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass  # read_rows says so
    try:
        rows = bulk.read_rows(data, assessment=assessment, languages=languages,
                              today=now().date(), session=session)
    except bulk.CsvInvalid as exc:
        return render_template("admin/bulk.html", error=str(exc), **context), 400
    bad = [row for row in rows if row.problems]
    if bad or not form.confirm.data:
        return render_template("admin/bulk.html", rows=rows, bad=len(bad), **context), (
            400 if bad else 200)
    link_for = mailer.link_builder()  # no safe address: a 503 page, nothing created
    created = bulk.create_all(rows, assessment=assessment, session=session, now=now(),
                              default_days=current_app.config["INVITATION_DAYS"],
                              created_by=g.user.id)
    links = [(attempt, link_for(token)) for attempt, token in created]
    sent = ""
    if form.send_email.data:
        settings = mailer.settings()
        records = [invitations.send("invitation", attempt, session=session, settings=settings,
                                    now=now(), link=link) for attempt, link in links]
        sent = f"; {mail_web.outcome_text(records)}"
        mailer.send_queued(records, created_by=g.user.id)
    flash(ngettext("Created %(num)s invitation%(sent)s. The link is also below, shown only "
                   "this once.", "Created %(num)s invitations%(sent)s. The links are also "
                   "below, shown only this once.", len(links), sent=sent))
    return render_template("admin/bulk.html", links=links, **context)


@bp.route("/attempts/<int:attempt_id>/resend", methods=["POST"])
@hr_only
def resend(attempt_id: int):
    """E-mail the invitation again with a new link; the previous link stops working."""
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    try:
        record, link = invitations.resend(attempt, session=session,
                                          settings=mailer.settings(), now=now(),
                                          link_for=mailer.link_builder())
    except invitations.InvitationError as exc:
        abort(409, str(exc))
    outcome = mail_web.outcome_text([record])
    mailer.send_queued([record], created_by=g.user.id)
    return render_template("admin/mail/resent.html", attempt=attempt, link=link,
                           outcome=outcome,
                           back=_back(attempt))


def _new_expiry(form: ExtendForm, attempt: Attempt) -> datetime:
    """Return the checked form's expiry: the end of the day given (UTC), or days later."""
    if form.until.data is not None:
        return datetime.combine(form.until.data, time(23, 59), tzinfo=UTC)
    return max(attempt.expires_at, now()) + timedelta(days=form.days.data)


@bp.route("/attempts/<int:attempt_id>/extend", methods=["GET", "POST"])
@hr_only
def extend(attempt_id: int):
    """Give an invitation not yet started a later expiry; an expired unused one reopens."""
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    back = _back(attempt)
    form = ExtendForm()
    error = None
    if request.method == "POST":
        error = form.problem()
        if error is None:
            until = _new_expiry(form, attempt)
            try:
                invitations.extend(attempt, until=until, session=session, now=now())
            except invitations.InvitationError as exc:
                error = gettext(str(exc))
            else:
                flash(gettext("The invitation of %(name)s now expires on %(time)s UTC. Their "
                              "link works until then; use Resend to e-mail them a new one.",
                              name=attempt.candidate_name,
                              time=until.strftime("%Y-%m-%d %H:%M")))
                return redirect(back)
    return render_template("admin/mail/extend.html", attempt=attempt, error=error, back=back,
                           can_extend=invitations.can_extend(attempt),
                           form=form), (400 if error else 200)


def _bar_widths(counts: dict[str, int]) -> dict[str, int]:
    """Split 100% among the stages in 5% steps (CSS classes), largest remainders first."""
    total = sum(counts.values())
    if not total:
        return {stage: 0 for stage in counts}
    exact = {stage: 20 * count / total for stage, count in counts.items()}
    steps = {stage: int(value) for stage, value in exact.items()}
    for stage in sorted(exact, key=lambda s: exact[s] - steps[s], reverse=True)[
            :20 - sum(steps.values())]:
        steps[stage] += 1
    return {stage: 5 * step for stage, step in steps.items()}
