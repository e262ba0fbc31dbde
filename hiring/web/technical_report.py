"""HR: the technical report of an assessment, as a page and as a PDF, built when asked."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale, gettext

from hiring.db import get_session
from hiring.i18n import language_in_page
from hiring.models import Assessment
from hiring.reports import technical
from hiring.reports.pdf import RenderError
from hiring.reports.technical_pdf import labels, render_technical_pdf
from hiring.web.access import hr_only, now
from hiring.web.forms import FlaskForm
from hiring.web.lookup import get_or_404

bp = Blueprint("technical_report", __name__, url_prefix="/admin")


def _report(assessment_id: int) -> technical.TechnicalReport:
    assessment = get_or_404(Assessment, assessment_id, gettext("No such assessment."))
    return technical.build(assessment, session=get_session(), now=now(),
                           min_group=current_app.config["NORM_MIN_GROUP"])


def _language() -> str:
    locale = get_locale()
    return str(locale.language) if locale else "en"


@bp.route("/assessments/<int:assessment_id>/technical-report")
@hr_only
def page(assessment_id: int):
    """The report, built from the figures as they are now."""
    report = _report(assessment_id)
    return render_template("admin/technical_report.html", report=report, labels=labels(),
                           language_name=language_in_page,  # in the page's sentences
                           language=str(get_locale() or "en"),
                           form=FlaskForm(), assessment_id=assessment_id)


@bp.route("/assessments/<int:assessment_id>/technical-report", methods=["POST"])
@hr_only
def rebuild(assessment_id: int):
    """Build the report again (the page shows it built afresh)."""
    get_or_404(Assessment, assessment_id, gettext("No such assessment."))
    if not FlaskForm().validate_on_submit():
        flash(gettext("The form expired; nothing was done. Try again."))
    else:
        flash(gettext("The report was built again from the data as of now."))
    return redirect(url_for("technical_report.page", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/technical-report.pdf")
@hr_only
def pdf(assessment_id: int):
    """The report as a tagged PDF (PDF/UA-1), built now in the reader's language."""
    report = _report(assessment_id)
    try:
        document = render_technical_pdf(
            report, _language(),
            time_limit=current_app.config.get("PDF_TIME_LIMIT_SECONDS", 30.0))
    except RenderError:
        flash(gettext("The PDF could not be made just now: the renderer is busy. Try again "
                      "in a minute."))
        return redirect(url_for("technical_report.page", assessment_id=assessment_id))
    stamp = report.generated_at.strftime("%Y%m%d")
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition":
            f'attachment; filename="technical-report-{assessment_id}-{stamp}.pdf"',
        "Cache-Control": "no-store"})
