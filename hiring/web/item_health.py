"""HR: the health of an assessment's items and the reliability of its scales."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from hiring.db import get_session
from hiring.models import Assessment
from hiring.reports.dif_table import dif_csv
from hiring.scoring.aggregates import fingerprint
from hiring.scoring.agreement import (
    MIN_RESPONSES,
    agreement_csv,
    load_rating_rows,
    rater_agreement,
)
from hiring.scoring.dif import MIN_GROUP, MIN_SCALE_ITEMS
from hiring.scoring.dif_counts import language_dif
from hiring.scoring.evidence import kept_precision, precision_for
from hiring.scoring.item_health import INLINE_LIMIT, ItemHealth, item_health
from hiring.scoring.item_stats import MIN_ATTEMPTS
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
    health = item_health(assessment_id, session=session)
    precision, precision_at = kept_precision(assessment, session=session,
                                             inline_limit=INLINE_LIMIT)
    reliability = reliability_rows(precision) if precision else None
    return render_template("admin/item_health.html", assessment=assessment, health=health,
                           report=health.report if health else None,
                           dif=health.dif if health else None, dif_min_group=MIN_GROUP,
                           dif_min_scale_items=MIN_SCALE_ITEMS,
                           n_attempts=_n_attempts(health, assessment_id),
                           option_texts=health.option_texts if health else {},
                           key_sources=health.key_sources if health else {},
                           reliability=reliability, reliability_computed_at=precision_at,
                           min_attempts=MIN_ATTEMPTS,
                           min_precision_attempts=MIN_PRECISION_ATTEMPTS,
                           min_subscore_reliability=MIN_SUBSCORE_RELIABILITY,
                           agreement=rater_agreement(load_rating_rows(assessment_id,
                                                                      session=session)),
                           min_responses=MIN_RESPONSES)


def _n_attempts(health: ItemHealth | None, assessment_id: int) -> int:
    if health is None:
        return fingerprint(assessment_id, session=get_session(), real_only=False).n_attempts
    return health.report.n_attempts if health.current else health.n_attempts_now


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


@bp.route("/assessments/<int:assessment_id>/language-differences.csv")
@hr_only
def dif_download(assessment_id: int):
    """The differences between language versions the page shows; computed now while the
    page's figures are being computed."""
    _assessment(assessment_id)
    session = get_session()
    health = item_health(assessment_id, session=session)
    report = (health.dif if health is not None and health.dif is not None
              else language_dif(assessment_id, session=session))
    return Response(dif_csv(report), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="assessment-{assessment_id}-language-differences.csv"'})
