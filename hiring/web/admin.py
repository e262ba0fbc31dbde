"""HR: question banks, assessments and invitations."""

from __future__ import annotations

from datetime import timedelta

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
from wtforms.fields.choices import SelectChoice

from hiring.assessment import bulk, engine
from hiring.assessment.recipes import RecipeError, create_assessment, parse_sections
from hiring.banks.importer import import_bank
from hiring.banks.loader import BankInvalid, load_bytes
from hiring.db import get_session
from hiring.models import Assessment, Attempt, Bank, Item, ItemRevision
from hiring.web.access import hr_only, now
from hiring.web.forms import AssessmentForm, BankUploadForm, InvitationForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@hr_only
def dashboard():
    session = get_session()
    counts = dict(session.exec(select(Attempt.state, func.count()).group_by(Attempt.state)).all())
    return render_template("admin/dashboard.html", counts=counts,
                           banks=session.exec(select(func.count()).select_from(Bank)).one(),
                           assessments=list(session.exec(select(Assessment))))


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
    bank = session.get(Bank, bank_id) or abort(404, "No such bank.")
    rows = list(session.exec(
        select(Item, ItemRevision).join(ItemRevision, (col(ItemRevision.item_id) == Item.id) & (
            col(ItemRevision.number) == Item.current_revision))
        .where(Item.bank_id == bank_id).order_by(Item.type, Item.dimension, Item.key)))
    return render_template("admin/bank.html", bank=bank, rows=rows)


@bp.route("/banks/<int:bank_id>.yaml")
@hr_only
def bank_yaml(bank_id: int):
    from hiring.banks.exporter import export_bank

    session = get_session()
    bank = session.get(Bank, bank_id) or abort(404, "No such bank.")
    return Response(export_bank(bank, session=session), mimetype="application/yaml",
                    headers={"Content-Disposition":
                             f'attachment; filename="{bank.slug}.yaml"'})


@bp.route("/assessments")
@hr_only
def assessments():
    session = get_session()
    rows = list(session.exec(select(Assessment, Bank).join(
        Bank, col(Bank.id) == Assessment.bank_id).order_by(col(Assessment.id).desc())))
    return render_template("admin/assessments.html", rows=rows)


@bp.route("/assessments/new", methods=["GET", "POST"])
@hr_only
def new_assessment():
    session = get_session()
    form = AssessmentForm()
    form.bank_id.choices = [SelectChoice(b.id, f"{b.slug} v{b.version}")
                            for b in session.exec(select(Bank))]
    if not form.bank_id.choices:
        flash("Upload a question bank first.")
        return redirect(url_for("admin.banks"))
    status = 200
    if form.validate_on_submit():
        try:
            assessment = create_assessment(
                session=session, bank=session.get(Bank, form.bank_id.data),
                name=form.name.data, sections=parse_sections(form.sections.data),
                language=form.language.data, time_limit_minutes=form.time_limit_minutes.data,
                grace_seconds=form.grace_seconds.data)
        except RecipeError as exc:
            form.sections.errors.append(str(exc))
            status = 400
        else:
            flash("Assessment created.")
            return redirect(url_for("admin.assessment", assessment_id=assessment.id))
    elif form.errors:
        status = 400
    return render_template("admin/assessment_new.html", form=form), status


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"])
@hr_only
def assessment(assessment_id: int):
    session = get_session()
    assessment = session.get(Assessment, assessment_id) or abort(404, "No such assessment.")
    form = InvitationForm()
    link = None
    status = 200
    if form.validate_on_submit():
        attempt, token = engine.invite(
            assessment, session=session, name=form.name.data, email=form.email.data,
            expires_at=now() + timedelta(days=form.days.data), created_by=g.user.id)
        link = url_for("candidate.welcome", token=token, _external=True)
        flash(f"Invitation created for {attempt.candidate_name}. Copy the link now: "
              "it is shown only once.")
        form = InvitationForm(formdata=None)
    elif form.errors:
        status = 400
    invitations = list(session.exec(select(Attempt).where(
        Attempt.assessment_id == assessment_id).order_by(col(Attempt.id).desc())))
    return render_template("admin/assessment.html", assessment=assessment,
                           bank=session.get(Bank, assessment.bank_id), form=form, link=link,
                           invitations=invitations, now=now()), status


@bp.route("/attempts/<int:attempt_id>/extra-time", methods=["POST"])
@hr_only
def extra_time(attempt_id: int):
    session = get_session()
    attempt = session.get(Attempt, attempt_id) or abort(404, "No such invitation.")
    back = url_for("admin.assessment", assessment_id=attempt.assessment_id)
    minutes = request.form.get("minutes", type=int)
    if minutes is None:
        abort(400, "Give the extra time as a whole number of minutes.")
    try:
        engine.give_extra_time(attempt, minutes, session=session)
    except ValueError as exc:
        abort(400, str(exc))
    except engine.AttemptClosed:
        abort(409, "The attempt is already closed; extra time no longer applies.")
    flash(f"{attempt.candidate_name} now has {minutes} extra minutes.")
    return redirect(back)


@bp.route("/attempts/<int:attempt_id>/revoke", methods=["POST"])
@hr_only
def revoke(attempt_id: int):
    session = get_session()
    attempt = session.get(Attempt, attempt_id) or abort(404, "No such invitation.")
    engine.revoke(attempt, session=session, now=now())
    flash(f"The invitation of {attempt.candidate_name} is revoked: its link no longer works.")
    return redirect(url_for("admin.assessment", assessment_id=attempt.assessment_id))


@bp.route("/assessments/<int:assessment_id>/invitations/bulk", methods=["GET", "POST"])
@hr_only
def bulk_invitations(assessment_id: int):
    """Upload a CSV, see every row's problems, then create all invitations at once."""
    session = get_session()
    assessment = session.get(Assessment, assessment_id) or abort(404, "No such assessment.")
    languages = engine.languages(assessment, session=session)
    context = {"assessment": assessment, "columns": bulk.COLUMNS, "languages": languages}
    if request.method == "GET":
        return render_template("admin/bulk.html", **context)
    if request.form.get("csv_text") is not None:
        data = request.form["csv_text"].encode("utf-8")
    else:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return render_template("admin/bulk.html", error="Choose a CSV file.",
                                   **context), 400
        data = upload.read()
    try:
        rows = bulk.read_rows(data, assessment=assessment, languages=languages,
                              today=now().date(), session=session)
    except bulk.CsvInvalid as exc:
        return render_template("admin/bulk.html", error=str(exc), **context), 400
    bad = [row for row in rows if row.problems]
    if bad or request.form.get("confirm") != "1":
        return render_template("admin/bulk.html", rows=rows, bad=len(bad),
                               csv_text=data.decode("utf-8-sig"), **context), (
            400 if bad else 200)
    created = bulk.create_all(rows, assessment=assessment, session=session, now=now(),
                              default_days=current_app.config["INVITATION_DAYS"],
                              created_by=g.user.id)
    links = [(attempt, url_for("candidate.welcome", token=token, _external=True))
             for attempt, token in created]
    flash(f"Created {len(links)} invitations. Copy the links now: they are shown only once.")
    return render_template("admin/bulk.html", links=links, **context)
