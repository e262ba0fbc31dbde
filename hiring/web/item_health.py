"""HR: the health of an assessment's items and the reliability of its dimensions."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from hiring.db import get_session
from hiring.models import Assessment
from hiring.scoring.items import (
    MIN_ATTEMPTS,
    MIN_PAIR_ATTEMPTS,
    item_statistics,
    key_sources,
    load_rows,
    option_texts,
)
from hiring.web.access import hr_only

bp = Blueprint("item_health", __name__, url_prefix="/admin")


@bp.route("/assessments/<int:assessment_id>/items")
@hr_only
def items(assessment_id: int):
    session = get_session()
    assessment = session.get(Assessment, assessment_id) or abort(404)
    report = item_statistics(load_rows(assessment_id, session=session))
    return render_template("admin/item_health.html", assessment=assessment, report=report,
                           option_texts=option_texts(assessment_id, session=session),
                           min_attempts=MIN_ATTEMPTS, min_pair=MIN_PAIR_ATTEMPTS,
                           key_sources=key_sources(assessment_id, session=session))
