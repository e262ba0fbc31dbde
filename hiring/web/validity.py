"""HR: criterion validity of an assessment, and the job outcomes it is computed from."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext, ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField

from hiring import audit
from hiring.assessment import editor, outcomes
from hiring.db import get_session
from hiring.models import Assessment
from hiring.reports.scores import SCALE_TEXTS
from hiring.scoring.validity import MIN_N, validity_report
from hiring.web.access import hr_only, now
from hiring.web.lookup import get_or_404

bp = Blueprint("validity", __name__, url_prefix="/admin")
PREVIEW_LIMIT = 200  # rows without problems listed in a preview


class OutcomesForm(FlaskForm):
    """A CSV of job outcomes: checked first, imported once `confirm` comes with the rows."""

    file = FileField(lazy_gettext("A CSV file"))
    csv_text = TextAreaField(lazy_gettext("Or the rows as text"))
    confirm = BooleanField(lazy_gettext("Import the outcomes"))


def _assessment(assessment_id: int) -> Assessment:
    return get_or_404(Assessment, assessment_id, gettext("No such assessment."))


@bp.route("/assessments/<int:assessment_id>/validity")
@hr_only
def report(assessment_id: int):
    """Each score's correlation with each imported job outcome."""
    assessment = _assessment(assessment_id)
    return render_template("admin/validity.html", assessment=assessment,
                           versions=len(editor.versions(assessment, session=get_session())),
                           report=validity_report(assessment.id, session=get_session()),
                           scale_names={k: v[0] for k, v in SCALE_TEXTS.items()}, min_n=MIN_N)


@bp.route("/assessments/<int:assessment_id>/validity/outcomes", methods=["GET", "POST"])
@hr_only
def import_outcomes(assessment_id: int):
    """Upload or paste outcomes, see every row's problems, then import them all at once."""
    session = get_session()
    assessment = _assessment(assessment_id)
    context = {"assessment": assessment, "columns": outcomes.COLUMNS,
               "max_rows": outcomes.MAX_ROWS,
               "versions": len(editor.versions(assessment, session=session))}
    form = OutcomesForm()
    if not form.validate_on_submit():  # a GET, or a POST without its CSRF token
        return render_template("admin/validity_import.html", **context), (
            400 if form.errors else 200)
    if form.file.data:
        with form.file.data.stream as upload:  # a large upload is spooled to a file
            data = upload.read(outcomes.MAX_BYTES + 1)
    elif (form.csv_text.data or "").strip():
        data = form.csv_text.data.encode("utf-8")
    else:
        return render_template("admin/validity_import.html",
                               error=gettext("Choose a CSV file or paste its rows."),
                               **context), 400
    try:
        rows = outcomes.read_rows(data, assessment_id=assessment.id, session=session)
    except outcomes.OutcomesInvalid as exc:
        return render_template("admin/validity_import.html",
                               error=gettext(exc.message, **exc.values), **context), 400
    context["csv_text"] = data.decode("utf-8-sig")  # read_rows has decoded it already
    bad = [row for row in rows if row.problems]
    if bad or not form.confirm.data:
        fine = [row for row in rows if not row.problems][:PREVIEW_LIMIT]
        shown = sorted(bad + fine, key=lambda row: row.line)
        return render_template("admin/validity_import.html", rows=rows, bad=len(bad),
                               shown=shown, preview_limit=PREVIEW_LIMIT, **context), (
            400 if bad else 200)
    count = outcomes.save_all(rows, assessment_id=assessment.id, session=session, now=now(),
                              imported_by=g.user.email)
    names = sorted({row.name for row in rows})
    audit.record(session, actor=g.user, action=audit.Action.OUTCOMES_IMPORTED,
                 object_type="assessment", object_id=assessment.id, at=now(),
                 detail={"rows": count, "outcomes": names[:10], "more": len(names) > 10})
    flash(ngettext("Imported %(num)s outcome.", "Imported %(num)s outcomes.", count))
    return redirect(url_for("validity.report", assessment_id=assessment.id))
