"""Interviewers: the attempts, their scores and answers, ratings and the PDF profile."""

from __future__ import annotations

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
from sqlmodel import col, select

from hiring.assessment import engine
from hiring.assessment.ratings import RatingError, rate
from hiring.assessment.types import get_type
from hiring.db import get_session
from hiring.models import Assessment, Attempt, AttemptState, ItemRevision, Rating, Role
from hiring.reports.build import build_profile
from hiring.web.access import staff
from hiring.web.forms import RatingForm

bp = Blueprint("interviewer", __name__, url_prefix="/attempts")


def _attempt(attempt_id: int) -> Attempt:
    attempt = get_session().get(Attempt, attempt_id)
    if attempt is None:
        abort(404, "No such attempt.")
    return attempt


def _profile(attempt: Attempt):
    """Build the profile in the chosen language, blind to others' ratings for raters."""
    session = get_session()
    assessment = session.get(Assessment, attempt.assessment_id)
    languages = engine.languages(assessment, session=session)
    language = request.args.get("lang")
    if language not in languages:
        language = attempt.language
    blind_for = g.user.id if g.user.role == Role.INTERVIEWER else None
    return build_profile(attempt, session=session, language=language, blind_for=blind_for,
                         norm_min_group=current_app.config["NORM_MIN_GROUP"]), languages


@bp.route("/")
@staff
def attempts():
    session = get_session()
    state = request.args.get("state") or None
    assessment_id = request.args.get("assessment", type=int)
    query = select(Attempt, Assessment).join(
        Assessment, col(Assessment.id) == Attempt.assessment_id)
    if state in {s.value for s in AttemptState}:
        query = query.where(Attempt.state == state)
    if assessment_id:
        query = query.where(Attempt.assessment_id == assessment_id)
    rows = list(session.exec(query.order_by(col(Attempt.id).desc()).limit(500)))
    return render_template("interviewer/attempts.html", rows=rows, state=state,
                           states=[s.value for s in AttemptState],
                           assessments=list(session.exec(select(Assessment))),
                           assessment_id=assessment_id)


@bp.route("/<int:attempt_id>")
@staff
def attempt(attempt_id: int):
    session = get_session()
    attempt = _attempt(attempt_id)
    profile, languages = _profile(attempt)
    language = profile.language
    answers = []
    for response in engine.responses(attempt, session=session):
        revision = session.get(ItemRevision, response.revision_id)
        item_type = get_type(revision.content["type"])
        view = item_type.view(revision.content, response.params, language)
        entry = {"response": response, "content": revision.content, "type": item_type,
                 "question": view.get("stem") or view.get("prompt") or view.get("passage"),
                 "answer": item_type.describe_answer(revision.content, response.params,
                                                     response.answer, language),
                 "keyed": item_type.keyed_answer(revision.content, response.params, language)}
        if item_type.needs_rating:
            entry["criteria"] = item_type.criteria(revision.content, language)
            entry["anchors"] = item_type.anchors(revision.content, language)
        answers.append(entry)
    rated = {r.response_id for r in session.exec(select(Rating).where(
        Rating.rater_id == g.user.id))}
    return render_template("interviewer/attempt.html", attempt=attempt, profile=profile,
                           answers=answers, form=RatingForm(), languages=languages, rated=rated,
                           can_rate=attempt.state in (AttemptState.SUBMITTED,
                                                      AttemptState.SCORED))


@bp.route("/<int:attempt_id>/responses/<int:response_id>/rate", methods=["POST"])
@staff
def rate_response(attempt_id: int, response_id: int):
    session = get_session()
    attempt = _attempt(attempt_id)
    response = next((r for r in engine.responses(attempt, session=session)
                     if r.id == response_id), None)
    if response is None:
        abort(404, "No such response in this attempt.")
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400, "; ".join(e for errors in form.errors.values() for e in errors))
    revision = session.get(ItemRevision, response.revision_id)
    item_type = get_type(revision.content["type"])
    if not item_type.needs_rating:
        abort(400, "This answer is scored automatically.")
    scores = {}
    for criterion, _name in item_type.criteria(revision.content, "en"):
        scores[criterion] = request.form.get(f"score_{criterion}", type=int)
    try:
        rate(response, session=session, rater_id=g.user.id, scores=scores,
             comment=form.comment.data or "")
    except RatingError as exc:
        abort(400, str(exc))
    flash("Rating saved.")
    return redirect(url_for("interviewer.attempt", attempt_id=attempt_id) + "#answers")


@bp.route("/<int:attempt_id>/profile.pdf")
@staff
def profile_pdf(attempt_id: int):
    from hiring.reports.pdf import render_profile_pdf

    attempt = _attempt(attempt_id)
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        abort(409, "The profile is available once the candidate has submitted.")
    profile, _languages = _profile(attempt)
    pdf = render_profile_pdf(profile)
    filename = f"profile-{attempt.id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
