"""Interviewers: the attempts, their scores and answers, ratings and the PDF profile."""

from __future__ import annotations

from functools import partial

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
from flask_babel import gettext

from hiring import audit, jobs, prerender
from hiring.assessment import calibration, engine, pipeline, planning
from hiring.assessment.ratings import (
    RatingError,
    blind_for,
    candidate_code,
    identities_hidden,
    rate,
    ratings_by,
    withheld,
)
from hiring.db import after_commit, get_session
from hiring.i18n import staff_language
from hiring.items import revisions
from hiring.items.types import ITEM_TYPES, get_type
from hiring.models import Assessment, Attempt, AttemptState, ItemRevision, Role
from hiring.reports import cache, pdf
from hiring.reports.build import build_profile
from hiring.reports.pdf import RenderError, render_profile_html, render_profile_pdf
from hiring.scoring.attempts import current_scores, ratings_by_response
from hiring.scoring.scales import AttemptScores
from hiring.web.access import check_attempt, now, records, staff, visible_assessment_ids
from hiring.web.forms import RatingForm
from hiring.web.lookup import get_or_404
from hiring.web.rubric_forms import CandidateRatingForm, rubric_form

bp = Blueprint("interviewer", __name__, url_prefix="/attempts")
PENDING_RELOAD_SECONDS = 3  # a PDF the worker is rendering: the page asks again this often


def _attempt(attempt_id: int) -> Attempt:
    return check_attempt(get_or_404(Attempt, attempt_id, "No such attempt."))


def _rendered(profile, suffix: str, render, settings: str = "") -> bytes | None:
    """Return the stored rendering of the profile for this viewer, or render it now,
    store it and queue the rendering of the attempt's other languages and views; or,
    for a PDF that a `hiring worker` process renders (_worker_renders), queue it and
    return None."""
    folder = jobs.exports_dir(current_app)
    view = cache.view_name(blind_for(g.user))
    found = cache.stored(profile, folder, view=view, suffix=suffix, settings=settings)
    if found is not None:
        return found
    if suffix == "pdf" and _worker_renders(profile.attempt_id):
        after_commit(partial(prerender.queue, current_app._get_current_object(),
                             [profile.attempt_id]))
        return None
    data = render(profile)
    cache.store(profile, folder, data, view=view, suffix=suffix, settings=settings)
    # the job is queued by a session of its own, after this request's commit
    after_commit(partial(prerender.queue, current_app._get_current_object(),
                         [profile.attempt_id]))
    return data


def _worker_renders(attempt_id: int) -> bool:
    """Tell whether a missing PDF is left to a `hiring worker` process: only when the
    server's processes run no worker (JOBS_SERVER_WORKER False), so that WeasyPrint stays
    out of them, and only for a view the job renders (a blind rater who rated nothing of
    the attempt gets it rendered here)."""
    app = current_app._get_current_object()
    if (app.config.get("JOBS_SERVER_WORKER") in (None, True) or app.config.get("JOBS_INLINE")
            or not prerender.enabled(app)):
        return False
    blind = blind_for(g.user)
    return blind is None or blind in prerender.viewers(_attempt(attempt_id),
                                                       session=get_session())


def _profile(attempt: Attempt):
    """Build the profile in the chosen language, blind to others' ratings for raters."""
    session = get_session()
    assessment = session.get(Assessment, attempt.assessment_id)
    languages = planning.languages(assessment, session=session)
    language = request.args.get("lang")
    if language not in languages:  # the staff member's own language, else the candidate's
        chosen = staff_language(g.user)
        language = chosen if chosen in languages else attempt.language
    return build_profile(attempt, session=session, language=language,
                         blind_for=blind_for(g.user),
                         norm_min_group=current_app.config["NORM_MIN_GROUP"]), languages


@bp.route("/")
@staff
def attempts():
    session = get_session()
    state = request.args.get("state") or None
    assessment_id = request.args.get("assessment", type=int)
    visible = visible_assessment_ids()
    rows = pipeline.latest_attempts(session=session, state=state, assessment_id=assessment_id,
                                    visible=visible)
    for attempt, _assessment in rows:
        current_scores(attempt, session=session)  # scored before scales: score it again
    scores = {attempt.id: AttemptScores.from_dict(attempt.results) for attempt, _ in rows}
    # Blind review: a code instead of the name and e-mail until the viewer has rated.
    hidden = identities_hidden([a for a, _ in rows], blind_for(g.user), session=session)
    coded = {attempt.id: candidate_code(attempt) for attempt, _ in rows if attempt.id in hidden}
    return render_template("interviewer/attempts.html", rows=rows, state=state, scores=scores,
                           coded=coded,
                           states=[s.value for s in AttemptState],
                           assessments=pipeline.all_assessments(session=session,
                                                                visible=visible),
                           assessment_id=assessment_id)


@bp.route("/<int:attempt_id>")
@records
@staff
def attempt(attempt_id: int):
    session = get_session()
    attempt = _attempt(attempt_id)
    audit.record(session, actor=g.user, action=audit.Action.VIEWED, object_type="attempt",
                 object_id=attempt.id)
    profile, languages = _profile(attempt)
    language = profile.language
    # Every answer is already in the profile's evidence; only the rating forms need more.
    answers = sorted(((score.name, e) for score in profile.scores for e in score.evidence),
                     key=lambda pair: pair[1].position)
    written = []
    responses = engine.responses(attempt, session=session)
    contents = revisions.revision_contents([r.revision_id for r in responses], session=session)
    for response in responses:
        content = contents[response.revision_id]
        item_type = get_type(content["type"])
        if item_type.needs_rating:
            view = item_type.view(content, response.params, language)
            written.append({"response": response, "content": content,
                            "type": item_type, "question": view["prompt"],
                            "criteria": item_type.criteria(content, language),
                            "anchors": item_type.anchors(content, language)})
    _calibration(written)
    my_ratings = ratings_by(g.user.id, [entry["response"].id for entry in written],
                            session=session)
    hidden = withheld(ratings_by_response([e["response"].id for e in written],
                                          session=session), blind_for(g.user))
    for entry in written:  # its score would give the other raters away
        entry["score"] = None if entry["response"].id in hidden else entry["response"].score
    reportable = attempt.state in (AttemptState.SUBMITTED, AttemptState.SCORED)
    profile_html = _rendered(profile, "html", lambda p: render_profile_html(
        p, standalone=False).encode("utf-8")).decode("utf-8") if reportable else None
    return render_template("interviewer/attempt.html", attempt=attempt, profile=profile,
                           profile_html=profile_html, answers=answers, written=written,
                           rated_types={name for name, item_type in ITEM_TYPES.items()
                                        if item_type.needs_rating}, form=RatingForm(),
                           languages=languages, my_ratings=my_ratings, can_rate=reportable,
                           dimension_names={s.key: s.name for s in profile.scores})


def _calibration(written: list[dict]) -> None:
    """Mark the written entries whose item the interviewer must calibrate on first."""
    items = calibration.item_of_revisions([e["response"].revision_id for e in written],
                                          session=get_session())
    for entry in written:
        entry["item_id"] = items[entry["response"].revision_id]
    pending = _pending_calibration(list(items.values()))
    for entry in written:
        entry["calibration"] = pending.get(entry["item_id"])


def _pending_calibration(item_ids: list[int]) -> dict[int, calibration.Progress]:
    """Return the items an interviewer has calibration answers of still to rate."""
    if g.user.role != Role.INTERVIEWER:
        return {}  # HR agrees the calibration ratings; it has nothing to calibrate on
    progress = calibration.progress(item_ids, g.user.id, session=get_session(),
                                    required=current_app.config["CALIBRATION_ANSWERS"])
    return {item_id: p for item_id, p in progress.items() if p.pending}


@bp.route("/profile.css")
@staff
def profile_stylesheet():
    """Serve the profile's stylesheet: the page's CSP allows no inline styles."""
    return Response(pdf.profile_stylesheet(), mimetype="text/css")


@bp.route("/<int:attempt_id>/responses/<int:response_id>/rate", methods=["POST"])
@staff
def rate_response(attempt_id: int, response_id: int):
    session = get_session()
    attempt = _attempt(attempt_id)
    response = next((r for r in engine.responses(attempt, session=session)
                     if r.id == response_id), None)
    if response is None:
        abort(404, gettext("No such response in this attempt."))
    revision = session.get(ItemRevision, response.revision_id)
    item_type = get_type(revision.content["type"])
    if not item_type.needs_rating:
        abort(400, gettext("This answer is scored automatically."))
    pending = _pending_calibration([revision.item_id]).get(revision.item_id)
    if pending:
        flash(gettext("Rate the calibration answers of this question before candidates' "
                      "answers."))
        return redirect(url_for("calibration.answer", answer_id=pending.next_answer_id,
                                attempt=attempt_id))
    form = rubric_form(item_type.criteria(revision.content, "en"), CandidateRatingForm)()
    if not form.validate_on_submit():
        abort(400, "; ".join(e for errors in form.errors.values() for e in errors))
    try:
        rate(response, session=session, rater_id=g.user.id, scores=form.scores(),
             comment=form.comment.data or "", now=now())
    except RatingError as exc:
        abort(400, exc.translated(gettext))
    audit.record(session, actor=g.user, action=audit.Action.RATED, object_type="response",
                 object_id=response.id, detail={"attempt_id": attempt_id})
    # the job is queued by a session of its own, after the rating's commit
    after_commit(partial(prerender.queue, current_app._get_current_object(), [attempt_id]))
    flash(gettext("Rating saved."))
    lang = request.args.get("lang")
    return redirect(url_for("interviewer.attempt", attempt_id=attempt_id,
                            **({"lang": lang} if lang else {})) + "#answers")


@bp.route("/<int:attempt_id>/profile.pdf")
@records
@staff
def profile_pdf(attempt_id: int):
    attempt = _attempt(attempt_id)
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        abort(409, gettext("The profile is available once the candidate has submitted."))
    profile, _languages = _profile(attempt)
    config = current_app.config
    try:
        pdf = _rendered(profile, "pdf", lambda p: render_profile_pdf(
            p, time_limit=config["PDF_TIME_LIMIT_SECONDS"],
            max_text_chars=config["PDF_MAX_TEXT_CHARS"]),
            cache.pdf_settings(config["PDF_MAX_TEXT_CHARS"]))
    except RenderError as exc:
        abort(503, str(exc))
    if pdf is None:  # a worker renders it: the page reloads itself until it is there
        return render_template("interviewer/pdf_pending.html", attempt=attempt,
                               seconds=PENDING_RELOAD_SECONDS), 202, {
            "Retry-After": str(PENDING_RELOAD_SECONDS)}
    audit.record(get_session(), actor=g.user, action=audit.Action.EXPORTED,
                 object_type="attempt", object_id=attempt.id, detail={"format": "pdf"})
    filename = f"profile-{attempt.id}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
