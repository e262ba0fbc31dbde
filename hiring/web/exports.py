"""Comparing candidates and taking results away: CSV, ZIP of profiles."""

from __future__ import annotations

from functools import partial

import flask_babel
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    stream_with_context,
    url_for,
)
from flask_babel import gettext

from hiring import audit, jobs, privacy
from hiring.assessment.ratings import blind_for, candidate_code, identities_hidden
from hiring.db import after_commit, get_session, read_scope
from hiring.models import Assessment, Attempt, Job, JobState, Role
from hiring.reports import bundle
from hiring.reports.build import Summary, summarize
from hiring.reports.export import attempts_csv_lines
from hiring.scoring.attempts import rescore_outdated
from hiring.scoring.evidence import kept_precision
from hiring.scoring.item_health import INLINE_LIMIT
from hiring.scoring.norms import norm_groups_if_ready
from hiring.web.access import check_assessment, now, records, staff, visible_attempt_ids
from hiring.web.lookup import get_or_404

bp = Blueprint("exports", __name__, url_prefix="/exports")
MAX_SELECTED = 500
MAX_COMPARED = 8


def _selected_ids() -> list[int]:
    ids = []
    for value in request.values.getlist("attempt"):
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    if not ids:
        abort(400, gettext("Select at least one attempt."))
    if len(ids) > MAX_SELECTED:
        abort(400, gettext("Select at most %(num)s attempts at a time.", num=MAX_SELECTED))
    return visible_attempt_ids(ids)  # the others do not exist for this user


@bp.route("/compare", methods=["GET", "POST"])
@staff
def compare():
    ids = _selected_ids()
    if len(ids) > MAX_COMPARED:
        abort(400, gettext("Compare at most %(num)s candidates side by side.",
                           num=MAX_COMPARED))
    session = get_session()
    attempts = [a for a in (session.get(Attempt, i) for i in ids) if a is not None]
    if not attempts:
        abort(404, gettext("None of the selected attempts exists."))
    columns = [summarize(attempt, session=session, blind_for=blind_for(g.user),
                         language=str(flask_babel.get_locale() or "en"),  # the page's
                         norm_min_group=current_app.config["NORM_MIN_GROUP"])
               for attempt in attempts]
    hidden = identities_hidden(attempts, blind_for(g.user), session=session)
    return render_template("interviewer/compare.html", columns=columns,
                           coded={a.id: candidate_code(a) for a in attempts if a.id in hidden},
                           scales=_rows(columns, "scales"), subscores=_rows(columns, "subscores"),
                           mixed=len({a.assessment_id for a in attempts}) > 1)


def _rows(columns: list[Summary], kind: str) -> list[tuple[str, str, list]]:
    """Return (key, name, each column's score or None) for every score any column has."""
    names: dict[str, str] = {}
    for column in columns:
        for result in getattr(column, kind):
            names.setdefault(result.key, result.name)
    return [(key, name, [next((r for r in getattr(c, kind) if r.key == key), None)
                         for c in columns]) for key, name in names.items()]


@bp.route("/assessments/<int:assessment_id>.csv")
@records
@staff
def assessment_csv(assessment_id: int):
    session = get_session()
    assessment = get_or_404(Assessment, assessment_id, gettext("No such assessment."))
    check_assessment(assessment_id)
    audit.record(session, actor=g.user, action=audit.Action.EXPORTED,
                 object_type="assessment", object_id=assessment_id, detail={"format": "csv"})
    rescore_outdated(session=session, assessment_id=assessment_id)  # in this transaction
    app, blind = current_app._get_current_object(), blind_for(g.user)
    # a large assessment's precision is read as kept, never estimated while the export
    # waits; none kept yet: the bands are pending, and a task is asked to estimate it
    precision, _estimated_at = kept_precision(assessment, session=session,
                                              inline_limit=INLINE_LIMIT)
    # nor are its norm groups computed over every attempt while it waits: kept as of now,
    # or the percentiles are pending and a task is asked to keep them (never older ones)
    groups = norm_groups_if_ready(assessment_id, session=session, inline_limit=INLINE_LIMIT)

    def lines():
        # Read after this request's commit, in a read transaction: the write lock is not
        # held while the rows stream out.
        with read_scope(app) as reading:
            yield from attempts_csv_lines(
                reading.get(Assessment, assessment_id), session=reading, blind_for=blind,
                min_group=app.config["NORM_MIN_GROUP"], precision=precision, groups=groups)

    return Response(stream_with_context(lines()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="assessment-{assessment_id}.csv"'})


@bp.route("/profiles", methods=["POST"])
@staff
def profiles_zip():
    ids = _selected_ids()
    session = get_session()
    found = privacy.existing_attempts(ids, session=session)
    if not found:
        abort(404, gettext("None of the selected attempts exists."))
    job = Job(kind=bundle.KIND, total=len(found), created_by=g.user.id,
              params={"attempt_ids": [i for i in ids if i in found],
                      "language": request.form.get("lang") or None,
                      "norm_min_group": current_app.config["NORM_MIN_GROUP"]},
              created_at=now())
    session.add(job)
    session.flush()
    audit.record(session, actor=g.user, action=audit.Action.EXPORTED, object_type="job",
                 object_id=job.id, detail={"format": "zip", "attempts": job.total})
    # the job must exist before the pool picks it up
    after_commit(partial(jobs.start, current_app._get_current_object(), job.id))
    return redirect(url_for("exports.job", job_id=job.id))


def _job(job_id: int) -> Job:
    job = get_session().get(Job, job_id)
    if job is None or (job.created_by != g.user.id and g.user.role != Role.HR):
        abort(404, gettext("No such export."))
    ids = (job.params or {}).get("attempt_ids") or []
    existing = sorted(privacy.existing_attempts(ids, session=get_session()))
    if len(visible_attempt_ids(list(existing))) < len(existing):  # HR took one away since
        abort(404, gettext("No such export."))
    return job


def _state_text(job: Job) -> str:
    """Say where the export is, in words (the page and its polling show the same)."""
    if job.state == JobState.DONE:
        return gettext("Ready.")
    if job.state == JobState.FAILED:
        return gettext("The export failed: %(error)s", error=job.error)
    if job.state == JobState.RUNNING:
        return gettext("Building the profiles…")
    if job.error and job.run_after:
        return gettext("A try failed (%(error)s); it is tried again at %(time)s UTC.",
                       error=job.error, time=flask_babel.format_time(job.run_after, "short"))
    if job.error:
        return gettext("A try failed (%(error)s); it is tried again.", error=job.error)
    return gettext("Waiting for a worker to start it…")


@bp.route("/jobs/<int:job_id>")
@staff
def job(job_id: int):
    found = _job(job_id)
    return render_template("interviewer/job.html", job=found, state_text=_state_text(found))


@bp.route("/jobs/<int:job_id>.json")
@staff
def job_status(job_id: int):
    job = _job(job_id)
    return jsonify(state=job.state, done=job.done, total=job.total, error=job.error,
                   message=_state_text(job),
                   download=url_for("exports.download", job_id=job.id)
                   if job.state == JobState.DONE else None)


@bp.route("/jobs/<int:job_id>/download")
@staff
def download(job_id: int):
    job = _job(job_id)
    if job.state != JobState.DONE or not job.result_path:
        abort(409, gettext("The export is not ready yet."))
    return send_from_directory(jobs.exports_dir(current_app), job.result_path,
                               as_attachment=True, mimetype="application/zip")
