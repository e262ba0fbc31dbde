"""The operations of the REST API: assessments, invitations, results, the profile PDF."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import partial

from flask import Blueprint, Response, abort, current_app, g
from sqlmodel import col, select

from hiring import jobs, mailer
from hiring.api import inviting, present, schemas
from hiring.api.problems import Problem, invalid
from hiring.api.spec import operation
from hiring.api_keys import INVITATIONS_WRITE, RESULTS_READ
from hiring.assessment import engine
from hiring.db import after_commit, get_session
from hiring.mail import invitations
from hiring.models import Assessment, Attempt
from hiring.reports import cache
from hiring.reports.build import build_profile
from hiring.reports.pdf import RenderError, render_profile_pdf
from hiring.web.access import now

bp = Blueprint("api_operations", __name__)
IDEMPOTENCY = (("Idempotency-Key", "Send the same key again (within this API key) to "
                "repeat a request safely: no second invitation is created, the first "
                "answer's invitations come back (without their links)."),)
NOT_FOUND = (404, ("No such invitation.", Problem))
CONFLICT = (409, ("The invitation's state does not allow it; detail says why.",
                  Problem))


def _cursor(cursor: str | None) -> int:
    """The id after which a page starts (the query's pattern allows digits only); past the
    largest id a table holds, the page is empty, as it is past the last row."""
    return min(int(cursor), schemas.MAX_ID) if cursor else 0


@bp.get("/assessments")
@operation(summary="List assessments", scope=RESULTS_READ, tag="assessments",
           query=schemas.PageQuery, responses={200: ("A page of assessments, oldest first.",
                                                     schemas.AssessmentPage)})
def list_assessments(query: schemas.PageQuery):
    session = get_session()
    rows = list(session.exec(select(Assessment).where(Assessment.id > _cursor(query.cursor))
                             .order_by(Assessment.id).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return schemas.AssessmentPage(
        items=[present.assessment(row, session=session) for row in rows],
        next_cursor=str(rows[-1].id) if more else None).model_dump(mode="json")


def _answer(results: list[tuple[Attempt, str | None]], status: int):
    session = get_session()
    return schemas.CreatedInvitations(items=[
        present.invitation(attempt, session=session, link=link) for attempt, link in results
    ]).model_dump(mode="json"), status


@bp.post("/invitations")
@operation(summary="Invite a candidate", scope=INVITATIONS_WRITE, tag="invitations",
           body=schemas.NewInvitation, headers=IDEMPOTENCY,
           responses={201: ("Created; `link` is given this once.", schemas.CreatedInvitations),
                      200: ("A repeat of an earlier request with the same Idempotency-Key.",
                            schemas.CreatedInvitations),
                      409: ("A replaced assessment version, or an Idempotency-Key used for "
                            "another request.", Problem)})
def create_invitation(body: schemas.NewInvitation):
    assessment, languages = inviting.open_assessment(body.assessment_id, "body.assessment_id")
    candidate = schemas.NewCandidate(**body.model_dump(exclude={"assessment_id"}))
    keys = inviting.idempotency_keys(1)
    earlier = inviting.replayed(keys, assessment.id, [candidate])
    if earlier is not None:
        return _answer([(attempt, None) for attempt in earlier], 200)
    checked = inviting.check([candidate], assessment, languages, "")
    return _answer(inviting.create(assessment, checked, keys), 201)


@bp.post("/invitations/batch")
@operation(summary="Invite several candidates: all or none", scope=INVITATIONS_WRITE,
           tag="invitations", body=schemas.NewInvitations, headers=IDEMPOTENCY,
           description=f"At most {schemas.MAX_BATCH}. If any candidate has a problem, none "
                       "is invited and `errors` names every problem.",
           responses={201: ("Created, in the order sent; each `link` is given this once.",
                            schemas.CreatedInvitations),
                      200: ("A repeat of an earlier request with the same Idempotency-Key.",
                            schemas.CreatedInvitations),
                      409: ("A replaced assessment version, or an Idempotency-Key used for "
                            "another request.", Problem)})
def create_invitations(body: schemas.NewInvitations):
    assessment, languages = inviting.open_assessment(body.assessment_id, "body.assessment_id")
    keys = inviting.idempotency_keys(len(body.invitations))
    earlier = inviting.replayed(keys, assessment.id, body.invitations)
    if earlier is not None:
        return _answer([(attempt, None) for attempt in earlier], 200)
    checked = inviting.check(body.invitations, assessment, languages, "invitations.")
    return _answer(inviting.create(assessment, checked, keys), 201)


@bp.get("/invitations")
@operation(summary="List invitations", scope=RESULTS_READ, tag="invitations",
           query=schemas.InvitationQuery,
           responses={200: ("A page of invitations, oldest first, without results.",
                            schemas.InvitationPage)})
def list_invitations(query: schemas.InvitationQuery):
    session = get_session()
    select_rows = select(Attempt).where(Attempt.id > _cursor(query.cursor),
                                        col(Attempt.simulated).is_(False))
    if query.assessment_id is not None:
        select_rows = select_rows.where(Attempt.assessment_id == query.assessment_id)
    if query.external_ref is not None:
        select_rows = select_rows.where(Attempt.external_ref == query.external_ref)
    rows = list(session.exec(select_rows.order_by(Attempt.id).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return schemas.InvitationPage(
        items=[present.invitation(row, session=session) for row in rows],
        next_cursor=str(rows[-1].id) if more else None).model_dump(mode="json")


def _attempt(invitation_id: int) -> Attempt:
    attempt = get_session().get(Attempt, invitation_id) if invitation_id <= schemas.MAX_ID \
        else None
    if attempt is None or attempt.simulated:
        abort(404, f"There is no invitation {invitation_id}.")
    return attempt


@bp.get("/invitations/<int:invitation_id>")
@operation(summary="Read an invitation: its state, and once submitted its scores, bands "
                   "and flags", scope=RESULTS_READ, tag="invitations",
           responses={200: ("The invitation, with `results` once submitted.",
                            schemas.Invitation), 404: NOT_FOUND[1]})
def read_invitation(invitation_id: int):
    attempt = _attempt(invitation_id)
    engine.finalize_if_due(attempt, session=get_session(), now=now())
    return present.invitation(attempt, session=get_session(),
                              with_results=True).model_dump(mode="json")


@bp.get("/invitations/<int:invitation_id>/profile.pdf")
@operation(summary="Download the profile PDF", scope=RESULTS_READ, tag="invitations",
           responses={200: ("The profile as a PDF.", "application/pdf"),
                      404: NOT_FOUND[1],
                      409: ("The candidate has not submitted yet.", Problem),
                      503: ("The PDF could not be rendered in time; try again.",
                            Problem)})
def profile_pdf(invitation_id: int):
    attempt = _attempt(invitation_id)
    if attempt.state not in present.CLOSED:
        abort(409, "The profile is available once the candidate has submitted.")
    session = get_session()
    profile = build_profile(attempt, session=session, blind_for=None,
                            norm_min_group=current_app.config["NORM_MIN_GROUP"])
    config = current_app.config
    folder = jobs.exports_dir(current_app)
    settings = cache.pdf_settings(config["PDF_MAX_TEXT_CHARS"])
    view = cache.view_name(None)
    data = cache.stored(profile, folder, view=view, suffix="pdf", settings=settings)
    if data is None:
        try:
            data = render_profile_pdf(profile, time_limit=config["PDF_TIME_LIMIT_SECONDS"],
                                      max_text_chars=config["PDF_MAX_TEXT_CHARS"])
        except RenderError as exc:
            abort(503, str(exc))
        cache.store(profile, folder, data, view=view, suffix="pdf", settings=settings)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="profile-{attempt.id}.pdf"'})


def _changed(attempt: Attempt):
    return present.invitation(attempt, session=get_session()).model_dump(mode="json")


@bp.post("/invitations/<int:invitation_id>/cancel")
@operation(summary="Cancel an invitation", scope=INVITATIONS_WRITE, tag="invitations",
           description="The link stops working; an attempt under way is submitted with what "
                       "was saved.",
           responses={200: ("Cancelled.", schemas.Invitation), 404: NOT_FOUND[1],
                      409: CONFLICT[1]})
def cancel(invitation_id: int):
    attempt = _attempt(invitation_id)
    try:
        invitations.cancel(attempt, session=get_session(), now=now())
    except invitations.InvitationError as exc:
        abort(409, str(exc))
    after_commit(partial(jobs.compute_writing_indicators,
                         current_app._get_current_object(), [attempt]))
    return _changed(attempt)


@bp.post("/invitations/<int:invitation_id>/extend")
@operation(summary="Extend an invitation not yet started", scope=INVITATIONS_WRITE,
           tag="invitations", body=schemas.Extension,
           description="Give `deadline` (a day, UTC) or `days` (later than now or than the "
                       "current expiry, whichever is later). An expired unused invitation "
                       "reopens with its link.",
           responses={200: ("Extended.", schemas.Invitation), 404: NOT_FOUND[1],
                      409: CONFLICT[1]})
def extend(invitation_id: int, body: schemas.Extension):
    attempt = _attempt(invitation_id)
    if (body.deadline is None) == (body.days is None):
        invalid("body", "Give either deadline or days.")
    if body.deadline is not None:
        until = datetime.combine(body.deadline, time(23, 59), tzinfo=UTC)
        if body.deadline < now().date() or until <= now():
            invalid("body.deadline", "The new deadline must be in the future.")
        if body.deadline > now().date() + timedelta(days=366):
            invalid("body.deadline", "The new deadline must be within a year.")
    else:
        until = max(attempt.expires_at, now()) + timedelta(days=body.days)
    try:
        invitations.extend(attempt, until=until, session=get_session(), now=now())
    except invitations.InvitationError as exc:
        abort(409, str(exc))
    return _changed(attempt)


@bp.post("/invitations/<int:invitation_id>/resend")
@operation(summary="E-mail the invitation again with a new link", scope=INVITATIONS_WRITE,
           tag="invitations", description="The previous link stops working; the new one is "
                                          "in `link`, this once.",
           responses={200: ("Sent (or written to the outbox).", schemas.Invitation),
                      404: NOT_FOUND[1], 409: CONFLICT[1]})
def resend(invitation_id: int):
    attempt = _attempt(invitation_id)
    try:
        record, link = invitations.resend(attempt, session=get_session(),
                                          settings=mailer.settings(), now=now(),
                                          link_for=mailer.link_builder())
    except invitations.InvitationError as exc:
        abort(409, str(exc))
    mailer.send_queued([record], created_by=g.api_key.created_by)
    return present.invitation(attempt, session=get_session(), link=link).model_dump(
        mode="json")
