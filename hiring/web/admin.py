"""HR: question banks, assessments and invitations."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

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
from sqlmodel import col, func, select

from hiring import jobs
from hiring.assessment import bulk, editor, engine, pipeline, planning
from hiring.banks.exporter import export_bank
from hiring.banks.importer import import_bank
from hiring.banks.loader import BankInvalid, load_bytes
from hiring.db import get_session
from hiring.i18n import language_name
from hiring.items import accommodations
from hiring.mail import invitations
from hiring.models import Assessment, Attempt, Bank, Item, ItemRevision
from hiring.scoring.attempts import rescore_outdated
from hiring.web import mail as mail_web
from hiring.web.access import hr_only, now
from hiring.web.assessment_editor import editor_page
from hiring.web.forms import (
    BankUploadForm,
    BulkInvitationForm,
    ConfirmForm,
    ExtendForm,
    ExtraTimeForm,
    TimeMultiplierForm,
)
from hiring.web.lookup import get_or_404

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@hr_only
def dashboard():
    session = get_session()
    counts = dict(session.exec(select(Attempt.state, func.count()).group_by(Attempt.state)).all())
    pipelines = pipeline.counts_by_assessment(session=session, now=now())
    # Current versions, and replaced ones only while they still have candidates.
    shown = [a for a in session.exec(select(Assessment).order_by(Assessment.name,
                                                                 Assessment.version))
             if a.replaced_by_id is None or any(pipelines.get(a.id, {}).values())]
    return render_template("admin/dashboard.html", counts=counts,
                           banks=session.exec(select(func.count()).select_from(Bank)).one(),
                           assessments=shown, pipelines=pipelines,
                           stages=pipeline.STAGES, stage_labels=pipeline.STAGE_LABELS)


@bp.route("/banks", methods=["GET", "POST"])
@hr_only
def banks():
    session = get_session()
    form = BankUploadForm()
    problems = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        name = upload.filename or "upload.yaml"
        try:
            bank_file = load_bytes(upload.read(), name)
        except BankInvalid as exc:
            problems, status = exc.problems, 400
        else:
            summary = import_bank(bank_file, session=session, author=g.user.email)
            flash(f"Imported {summary}.")
            return redirect(url_for("admin.bank", bank_id=summary.bank.id))
    elif form.errors:
        status = 400
    rows = list(session.exec(
        select(Bank, func.count(col(Item.id))).join(Item, isouter=True).group_by(Bank.id)))
    return render_template("admin/banks.html", form=form, rows=rows, problems=problems), status


@bp.route("/banks/<int:bank_id>")
@hr_only
def bank(bank_id: int):
    session = get_session()
    bank = get_or_404(Bank, bank_id, "No such bank.")
    rows = list(session.exec(
        select(Item, ItemRevision).join(ItemRevision, (col(ItemRevision.item_id) == Item.id) & (
            col(ItemRevision.number) == Item.current_revision))
        .where(Item.bank_id == bank_id).order_by(Item.type, Item.dimension, Item.key)))
    return render_template("admin/bank.html", bank=bank, rows=rows)


@bp.route("/banks/<int:bank_id>.yaml")
@hr_only
def bank_yaml(bank_id: int):
    session = get_session()
    bank = get_or_404(Bank, bank_id, "No such bank.")
    return Response(export_bank(bank, session=session), mimetype="application/yaml",
                    headers={"Content-Disposition":
                             f'attachment; filename="{bank.slug}.yaml"'})


@bp.route("/assessments")
@hr_only
def assessments():
    """List the current version of every assessment."""
    rows = editor.current_versions(session=get_session())
    return render_template("admin/assessments.html", rows=rows)


@bp.route("/assessments/new", methods=["GET", "POST"])
@hr_only
def new_assessment():
    banks = list(get_session().exec(select(Bank).order_by(Bank.slug)))
    if not banks:
        flash("Upload a question bank first.")
        return redirect(url_for("admin.banks"))
    chosen = request.values.get("bank_id", type=int)
    bank = next((b for b in banks if b.id == chosen), None)
    if bank is None and request.method == "POST":
        abort(400, "Choose a question bank.")
    return editor_page(bank or banks[0], None, banks=banks)


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"])
@hr_only
def assessment(assessment_id: int):
    """The pipeline: invite a candidate, follow everyone invited, act on an invitation."""
    session = get_session()
    assessment = get_or_404(Assessment, assessment_id, "No such assessment.")
    choices = [(code, language_name(code))
               for code in planning.languages(assessment, session=session)]
    form = mail_web.EmailInvitationForm(language=assessment.language)
    form.language.choices = choices
    link = link_problem = None
    sent = ""
    status = 200
    current = editor.current(assessment, session=session)
    if request.method == "POST" and current.id != assessment.id:
        abort(409, f"This is version {assessment.version}, replaced by version "
                   f"{current.version}: invite candidates to version {current.version}.")
    if form.validate_on_submit():
        attempt, token = engine.invite(
            assessment, session=session, name=form.name.data, email=form.email.data,
            expires_at=now() + timedelta(days=form.days.data), language=form.language.data,
            created_by=g.user.id, time_multiplier=form.time_multiplier.multiplier)
        try:
            link = mail_web.link_builder()(token)
        except mail_web.LinkUnavailable as exc:  # kept, and offered again by Resend
            link_problem = exc.description
        if form.send_email.data and link:
            record = invitations.send("invitation", attempt, session=session,
                                      settings=mail_web.settings(), now=now(), link=link)
            sent = f" {mail_web.outcome_text([record])}."
            mail_web.send_queued([record], created_by=g.user.id)
        flash(f"Invitation created for {attempt.candidate_name}.{sent} The link is also "
              "shown below, only this once." if link else
              f"Invitation created for {attempt.candidate_name}, without a link and not "
              "e-mailed: see below.")
        form = mail_web.EmailInvitationForm(formdata=None, language=assessment.language)
        form.language.choices = choices
    elif form.errors:
        status = 400
    stage = request.args.get("stage") if request.args.get("stage") in pipeline.STAGES else None
    search = (request.args.get("q") or "")[:254]
    rescore_outdated(session=session, assessment_id=assessment_id)  # scored before scales
    view = pipeline.page(session=session, assessment_id=assessment_id, now=now(), stage=stage,
                         search=search, oldest_first=request.args.get("sort") == "oldest",
                         number=request.args.get("page", 1, type=int))
    messages = invitations.latest_messages([row.attempt.id for row in view.rows],
                                           session=session)
    return render_template(
        "admin/assessment.html", assessment=assessment, current=current,
        bank=session.get(Bank, assessment.bank_id), form=form, link=link,
        link_problem=link_problem,
        emailed=link is not None and bool(sent), view=view,
        messages=messages, stage=stage, q=search, sort=request.args.get("sort"),
        stages=pipeline.STAGES, stage_labels=pipeline.STAGE_LABELS,
        widths=_bar_widths(view.counts), uses_smtp=mail_web.settings().uses_smtp,
        can_extend=invitations.can_extend, now=now()), status


@bp.route("/attempts/<int:attempt_id>/extra-time", methods=["POST"])
@hr_only
def extra_time(attempt_id: int):
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    back = url_for("admin.assessment", assessment_id=attempt.assessment_id)
    form = ExtraTimeForm()
    if not form.validate_on_submit():
        abort(400, "Give the extra time as a whole number of minutes.")
    minutes = form.minutes.data
    try:
        engine.give_extra_time(attempt, minutes, session=session, now=now())
    except ValueError as exc:
        abort(400, str(exc))
    except engine.AttemptClosed:
        # answered with a redirect, so that an attempt the clock had closed is stored
        # as submitted (give_extra_time finalised it)
        flash(f"{attempt.candidate_name}'s time had already run out or the attempt was "
              "closed: it is submitted with what was saved, and extra time no longer "
              "applies.", "error")
        return redirect(back)
    flash(f"{attempt.candidate_name} now has {minutes} extra minutes.")
    return redirect(back)


@bp.route("/attempts/<int:attempt_id>/time-multiplier", methods=["POST"])
@hr_only
def time_multiplier(attempt_id: int):
    """Change an invitation's time multiplier (an accommodation) before the attempt starts."""
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    back = url_for("admin.assessment", assessment_id=attempt.assessment_id)
    form = TimeMultiplierForm()
    if not form.validate_on_submit():
        abort(400, accommodations.PROBLEM)
    try:
        engine.set_time_multiplier(attempt, form.multiplier.data, session=session, now=now())
    except ValueError as exc:
        abort(400, str(exc))
    except engine.AttemptClosed:
        flash(f"{attempt.candidate_name} has already started (or the invitation is closed): "
              "the time multiplier can be changed only before the start. Extra minutes can "
              "still be given.", "error")
        return redirect(back)
    flash(f"{attempt.candidate_name} now has "
          f"{accommodations.format_multiplier(attempt.time_multiplier)} × the usual time.")
    return redirect(back)


@bp.route("/attempts/<int:attempt_id>/revoke", methods=["GET", "POST"])
@hr_only
def revoke(attempt_id: int):
    """Cancel an invitation, after HR confirmed on this page what that does."""
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    back = url_for("admin.assessment", assessment_id=attempt.assessment_id)
    form = ConfirmForm()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                invitations.cancel(attempt, session=session, now=now())
            except invitations.InvitationError as exc:
                abort(409, str(exc))
            session.commit()  # an attempt under way was submitted: its answers stand
            jobs.compute_writing_indicators(current_app._get_current_object(), [attempt])
            flash(f"The invitation of {attempt.candidate_name} is cancelled: its link no "
                  "longer works.")
            return redirect(back)
        error = " ".join(form.confirm.errors) or "The form has expired: send it again."
    if attempt.state not in engine.OPEN_STATES:
        abort(409, "This invitation is already closed.")
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
        flash(f"Version {assessment.version} was replaced by version {current.version}: "
              "invitations go to the current version.")
        return redirect(url_for("admin.bulk_invitations", assessment_id=current.id))
    languages = planning.languages(assessment, session=session)
    context = {"assessment": assessment, "columns": bulk.COLUMNS, "languages": languages,
               "uses_smtp": mail_web.settings().uses_smtp}
    form = BulkInvitationForm()
    if not form.validate_on_submit():  # a GET, or a POST without its CSRF token
        return render_template("admin/bulk.html", **context), (400 if form.errors else 200)
    if form.file.data:
        data = form.file.data.read()
    elif (form.csv_text.data or "").strip():
        data = form.csv_text.data.encode("utf-8")
    else:
        return render_template("admin/bulk.html", error="Choose a CSV file or paste its rows.",
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
    link_for = mail_web.link_builder()  # no safe address: a 503 page, nothing created
    created = bulk.create_all(rows, assessment=assessment, session=session, now=now(),
                              default_days=current_app.config["INVITATION_DAYS"],
                              created_by=g.user.id)
    links = [(attempt, link_for(token)) for attempt, token in created]
    sent = ""
    if form.send_email.data:
        settings = mail_web.settings()
        records = [invitations.send("invitation", attempt, session=session, settings=settings,
                                    now=now(), link=link) for attempt, link in links]
        sent = f"; {mail_web.outcome_text(records)}"
        mail_web.send_queued(records, created_by=g.user.id)
    flash(f"Created {len(links)} invitations{sent}. The links are also below, shown only "
          "this once.")
    return render_template("admin/bulk.html", links=links, **context)


@bp.route("/attempts/<int:attempt_id>/resend", methods=["POST"])
@hr_only
def resend(attempt_id: int):
    """E-mail the invitation again with a new link; the previous link stops working."""
    session = get_session()
    attempt = get_or_404(Attempt, attempt_id, "No such invitation.")
    try:
        record, link = invitations.resend(attempt, session=session,
                                          settings=mail_web.settings(), now=now(),
                                          link_for=mail_web.link_builder())
    except invitations.InvitationError as exc:
        abort(409, str(exc))
    outcome = mail_web.outcome_text([record])
    mail_web.send_queued([record], created_by=g.user.id)
    return render_template("admin/mail/resent.html", attempt=attempt, link=link,
                           outcome=outcome,
                           back=url_for("admin.assessment", assessment_id=attempt.assessment_id))


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
    back = url_for("admin.assessment", assessment_id=attempt.assessment_id)
    form = ExtendForm()
    error = None
    if request.method == "POST":
        error = form.problem()
        if error is None:
            until = _new_expiry(form, attempt)
            try:
                invitations.extend(attempt, until=until, session=session, now=now())
            except invitations.InvitationError as exc:
                error = str(exc)
            else:
                flash(f"The invitation of {attempt.candidate_name} now expires on "
                      f"{until:%Y-%m-%d %H:%M} UTC. Their link works until then; use Resend "
                      "to e-mail them a new one.")
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
