"""HR: the health of an assessment's items and the reliability of its dimensions."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from hiring.db import get_session
from hiring.models import Assessment
from hiring.scoring.agreement import MIN_RESPONSES, agreement_csv, load_rating_rows, rater_agreement
from hiring.scoring.items import MIN_ATTEMPTS, MIN_PAIR_ATTEMPTS, item_statistics, load_rows
from hiring.web.access import hr_only

bp = Blueprint("item_health", __name__, url_prefix="/admin")


@bp.route("/assessments/<int:assessment_id>/items")
@hr_only
def items(assessment_id: int):
    session = get_session()
    assessment = session.get(Assessment, assessment_id) or abort(404)
    report = item_statistics(load_rows(assessment_id, session=session))
    return render_template("admin/item_health.html", assessment=assessment, report=report,
                           min_attempts=MIN_ATTEMPTS,
                           min_pair=MIN_PAIR_ATTEMPTS,
                           agreement=rater_agreement(load_rating_rows(assessment_id,
                                                                      session=session)),
                           min_responses=MIN_RESPONSES)


@bp.route("/assessments/<int:assessment_id>/rater-agreement.csv")
@hr_only
def rater_agreement_csv(assessment_id: int):
    session = get_session()
    session.get(Assessment, assessment_id) or abort(404)
    report = rater_agreement(load_rating_rows(assessment_id, session=session))
    return Response(agreement_csv(report), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="rater-agreement-{assessment_id}.csv"'})
