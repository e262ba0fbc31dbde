"""Creating invitations through the REST API: checks, idempotency keys, all or none."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import abort, current_app, g, request
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from hiring import mailer
from hiring.api import schemas
from hiring.api.problems import ValidationProblem, invalid
from hiring.assessment import editor, engine, planning
from hiring.db import get_session
from hiring.email_address import normalize_email
from hiring.mail import invitations
from hiring.models import Assessment, Attempt, AttemptState
from hiring.web.access import now


def open_assessment(assessment_id: int, field: str) -> tuple[Assessment, list[str]]:
    session = get_session()
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        invalid(field, f"There is no assessment {assessment_id}.")
    current = editor.current(assessment, session=session)
    if current.id != assessment.id:
        abort(409, f"Assessment {assessment.id} is version {assessment.version}, replaced by "
                   f"assessment {current.id} (version {current.version}): invite candidates "
                   f"to assessment {current.id}.")
    return assessment, planning.languages(assessment, session=session)


def check(candidates: list[schemas.NewCandidate], assessment: Assessment,
             languages: list[str], field: str) -> list[schemas.NewCandidate]:
    """Check every candidate against the assessment; 422 naming each problem, or the
    candidates with their addresses normalised."""
    session = get_session()
    today = now().date()
    problems = []
    open_emails = set(session.exec(select(Attempt.candidate_email).where(
        Attempt.assessment_id == assessment.id,
        col(Attempt.state).in_([AttemptState.INVITED, AttemptState.IN_PROGRESS]))))
    seen: dict[str, int] = {}
    checked = []
    for index, candidate in enumerate(candidates):
        where = f"{field}{index}." if field else ""
        try:
            email = normalize_email(validate_email(
                candidate.email, check_deliverability=False).normalized)
        except EmailNotValidError:
            problems.append({"field": f"body.{where}email",
                             "message": "This is not a valid e-mail address."})
            email = normalize_email(candidate.email)
        if email in seen:
            problems.append({"field": f"body.{where}email", "message":
                             f"The same e-mail address as invitation {seen[email]}."})
        elif email in open_emails:
            problems.append({"field": f"body.{where}email", "message":
                             "This candidate already has an open invitation to this "
                             "assessment."})
        seen.setdefault(email, index)
        if candidate.language is not None and candidate.language not in languages:
            problems.append({"field": f"body.{where}language", "message":
                             f"Unknown language; use one of {', '.join(languages)}."})
        if candidate.deadline is not None and candidate.deadline < today:
            problems.append({"field": f"body.{where}deadline",
                             "message": "The deadline is in the past."})
        checked.append(candidate.model_copy(update={"email": email}))
    if problems:
        raise ValidationProblem(problems, "Nothing was created: see errors for each field.")
    return checked


def idempotency_keys(count: int) -> list[str] | None:
    header = request.headers.get("Idempotency-Key")
    if header is None:
        return None
    header = header.strip()
    if not header or len(header) > 200 or not header.isprintable():
        abort(400, "The Idempotency-Key header must be 1 to 200 printable characters.")
    return [f"{g.api_key.id}:{position}:{header}" for position in range(count)]


def replayed(keys: list[str] | None, assessment_id: int,
              candidates: list[schemas.NewCandidate]) -> list[Attempt] | None:
    """Return the invitations an earlier request with this idempotency key created, or
    None when there was none; 409 if that request asked for something else."""
    if keys is None:
        return None
    header = keys[0].split(":", 2)[2]
    one_more = f"{g.api_key.id}:{len(keys)}:{header}"
    found = {attempt.idempotency_key: attempt for attempt in get_session().exec(
        select(Attempt).where(col(Attempt.idempotency_key).in_([*keys, one_more])))}
    if not found:
        return None
    attempts = [found.get(key) for key in keys]
    same = (one_more not in found and all(attempts) and all(
        a.assessment_id == assessment_id and a.candidate_email == normalize_email(c.email)
        for a, c in zip(attempts, candidates, strict=True)))
    if not same:
        abort(409, "This Idempotency-Key was used for a different request: use a new key.")
    return attempts


def create(assessment: Assessment, candidates: list[schemas.NewCandidate],
            keys: list[str] | None) -> list[tuple[Attempt, str | None]]:
    """Create every invitation (flushed together: all or none), e-mail those asked for."""
    session = get_session()
    default_days = current_app.config["INVITATION_DAYS"]
    created = []
    for position, candidate in enumerate(candidates):
        expires = (datetime.combine(candidate.deadline, time(23, 59), tzinfo=UTC)
                   if candidate.deadline else now() + timedelta(days=default_days))
        attempt, token = engine.invite(
            assessment, session=session, name=candidate.name, email=candidate.email,
            expires_at=expires, language=candidate.language, created_by=g.api_key.created_by,
            time_multiplier=candidate.time_multiplier)
        attempt.external_ref = candidate.external_ref or None
        attempt.idempotency_key = keys[position] if keys else None
        created.append((attempt, token, candidate.send_email))
    try:
        session.flush()
    except IntegrityError:  # the same key, sent twice at once (PostgreSQL)
        session.rollback()
        abort(409, "A request with this Idempotency-Key is under way: send it again in a "
                   "moment to get its answer.")
    try:
        link_for = mailer.link_builder()
    except mailer.LinkUnavailable:
        link_for = None
    records = []
    settings = mailer.settings()
    results = []
    for attempt, token, send in created:
        link = link_for(token) if link_for else None
        if send and link:
            records.append(invitations.send("invitation", attempt, session=session,
                                            settings=settings, now=now(), link=link))
        results.append((attempt, link))
    if records:
        mailer.send_queued(records, created_by=g.api_key.created_by)
    return results
