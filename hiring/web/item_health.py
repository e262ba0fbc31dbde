"""HR: the health of an assessment's items and the reliability of its scales."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from hiring.db import get_session
from hiring.models import Assessment
from hiring.scoring.agreement import (
    MIN_RESPONSES,
    agreement_csv,
    load_rating_rows,
    rater_agreement,
)
from hiring.scoring.evidence import precision_for
from hiring.scoring.item_stats import (
    MIN_ATTEMPTS,
    item_statistics,
    key_sources,
    load_rows,
    option_texts,
)
from hiring.scoring.precision import MIN_ATTEMPTS as MIN_PRECISION_ATTEMPTS
from hiring.scoring.precision import MIN_SUBSCORE_RELIABILITY
from hiring.scoring.reliability import reliability_csv, reliability_rows
from hiring.web.access import hr_only
from hiring.web.lookup import get_or_404

bp = Blueprint("item_health", __name__, url_prefix="/admin")


def _assessment(assessment_id: int) -> Assessment:
    return get_or_404(Assessment, assessment_id, "No such assessment.")


@bp.route("/assessments/<int:assessment_id>/items")
@hr_only
def items(assessment_id: int):
    session = get_session()
    assessment = _assessment(assessment_id)
    report = item_statistics(load_rows(assessment_id, session=session))
    reliability = reliability_rows(precision_for(assessment, session=session))
    return render_template("admin/item_health.html", assessment=assessment, report=report,
                           option_texts=option_texts(assessment_id, session=session),
                           key_sources=key_sources(assessment_id, session=session),
                           reliability=reliability, min_attempts=MIN_ATTEMPTS,
                           min_precision_attempts=MIN_PRECISION_ATTEMPTS,
                           min_subscore_reliability=MIN_SUBSCORE_RELIABILITY,
                           agreement=rater_agreement(load_rating_rows(assessment_id,
                                                                      session=session)),
                           min_responses=MIN_RESPONSES)


@bp.route("/assessments/<int:assessment_id>/reliability.csv")
@hr_only
def reliability_download(assessment_id: int):
    assessment = _assessment(assessment_id)
    rows = reliability_rows(precision_for(assessment, session=get_session()))
    return Response(reliability_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="assessment-{assessment_id}-reliability.csv"'})


@bp.route("/assessments/<int:assessment_id>/rater-agreement.csv")
@hr_only
def rater_agreement_csv(assessment_id: int):
    session = get_session()
    get_or_404(Assessment, assessment_id, "No such assessment.")
    report = rater_agreement(load_rating_rows(assessment_id, session=session))
    return Response(agreement_csv(report), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="rater-agreement-{assessment_id}.csv"'})
