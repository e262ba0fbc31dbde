"""Blind review: HR's setting per assessment, and the profile PDF for a panel.

Under blind review raters see a candidate code instead of the name and e-mail on the rating
pages until they have rated (hiring.assessment.ratings.identities_hidden; the pages of
hiring.web.interviewer show it). The panel PDF leaves out personal data for anyone."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext
from wtforms import BooleanField

from hiring import audit
from hiring.assessment import planning
from hiring.assessment.ratings import blind_for, set_blind_review
from hiring.db import get_session
from hiring.models import Assessment, Attempt, AttemptState
from hiring.reports.build import build_profile
from hiring.reports.pdf import RenderError, render_profile_pdf
from hiring.web.access import check_attempt, hr_only, now, records, staff
from hiring.web.forms import FlaskForm
from hiring.web.lookup import get_or_404

bp = Blueprint("blind_review", __name__)


class BlindReviewForm(FlaskForm):
    enabled = BooleanField("Blind review")


@bp.route("/admin/assessments/<int:assessment_id>/blind-review", methods=["POST"])
@hr_only
def setting(assessment_id: int):
    """Turn blind review on or off for every version of the assessment."""
    found = get_or_404(Assessment, assessment_id, gettext("No such assessment."))
    form = BlindReviewForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form was not complete: nothing changed."))
    set_blind_review(found, form.enabled.data, session=get_session(), actor=g.user, now=now())
    flash(gettext("Blind review is on: raters see a candidate code instead of the name and "
                  "e-mail until they have rated.") if form.enabled.data else
          gettext("Blind review is off: raters see the candidate's name and e-mail."))
    return redirect(url_for("invitations.pipeline", assessment_id=found.id))


@bp.route("/attempts/<int:attempt_id>/panel.pdf")
@records
@staff
def panel_pdf(attempt_id: int):
    """The profile without the candidate's personal data, for a panel (not cached: it is
    made on request, and rarely)."""
    attempt = check_attempt(get_or_404(Attempt, attempt_id, gettext("No such attempt.")))
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        abort(409, gettext("The profile is available once the candidate has submitted."))
    session = get_session()
    assessment = session.get(Assessment, attempt.assessment_id)
    language = request.args.get("lang")
    if language not in planning.languages(assessment, session=session):
        language = attempt.language
    config = current_app.config
    profile = build_profile(attempt, session=session, language=language,
                            blind_for=blind_for(g.user), panel=True,
                            norm_min_group=config["NORM_MIN_GROUP"])
    try:
        pdf = render_profile_pdf(profile, time_limit=config["PDF_TIME_LIMIT_SECONDS"],
                                 max_text_chars=config["PDF_MAX_TEXT_CHARS"])
    except RenderError as exc:
        abort(503, str(exc))
    audit.record(session, actor=g.user, action=audit.Action.EXPORTED, object_type="attempt",
                 object_id=attempt.id, detail={"format": "panel pdf"})
    filename = f"profile-{profile.candidate_code}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
