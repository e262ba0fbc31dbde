"""An invitation and its attempt as the REST API shows them: the profile's claims only."""

from __future__ import annotations

from flask import current_app
from sqlmodel import Session

from hiring.api import schemas
from hiring.assessment import planning
from hiring.mail.invitations import is_cancelled
from hiring.models import Assessment, Attempt, AttemptState
from hiring.reports import findings
from hiring.reports.build import build_profile
from hiring.reports.profile import Profile, ScoreResult
from hiring.scoring.rules import Rules

CLOSED = (AttemptState.SUBMITTED, AttemptState.SCORED)


def assessment(row: Assessment, *, session: Session) -> schemas.Assessment:
    return schemas.Assessment(
        id=row.id, name=row.name, version=row.version, current=row.replaced_by_id is None,
        replaced_by=row.replaced_by_id, language=row.language,
        languages=planning.languages(row, session=session),
        time_limit_minutes=row.time_limit_minutes)


def invitation(attempt: Attempt, *, session: Session, link: str | None = None,
               with_results: bool = False) -> schemas.Invitation:
    """Describe an invitation; its results (from the profile) once the attempt is closed."""
    results = None
    if with_results and attempt.state in CLOSED:
        results = _results(build_profile(
            attempt, session=session, blind_for=None,
            norm_min_group=current_app.config["NORM_MIN_GROUP"]),
            session.get(Assessment, attempt.assessment_id))
    return schemas.Invitation(
        id=attempt.id, assessment_id=attempt.assessment_id,
        candidate_name=attempt.candidate_name, candidate_email=attempt.candidate_email,
        external_ref=attempt.external_ref, language=attempt.language, state=attempt.state,
        cancelled=is_cancelled(attempt), created_at=attempt.created_at,
        expires_at=attempt.expires_at, started_at=attempt.started_at,
        submitted_at=attempt.submitted_at, time_multiplier=attempt.time_multiplier or 1.0,
        extra_minutes=attempt.extra_minutes or 0, link=link, results=results)


def _score(result: ScoreResult) -> schemas.Score:
    banded = result.reportable and result.low is not None and result.high is not None
    norm = result.norm
    return schemas.Score(
        key=result.key, kind=result.kind, name=result.name, score=result.score,
        band=schemas.Band(low=result.low, high=result.high) if banded else None,
        reportable=result.reportable, decision=result.decision, note=result.note,
        percentile=norm.percentile if norm is not None else None,
        norm_group_size=norm.n if norm is not None and norm.percentile is not None else None,
        n_items=result.n_items, n_unanswered=result.n_unanswered, n_pending=result.n_pending)


def _results(profile: Profile, assessment_row: Assessment) -> schemas.Results:
    """The scores, bands and flags of the profile; no flags where the profile claims none."""
    claims = not (profile.incomplete or profile.no_answers)
    strong, weak = findings.flags(
        [*profile.scales_in_order, *(s for s in profile.subscores if s.reportable)],
        Rules.for_assessment(assessment_row.settings)) if claims else ([], [])
    facts = profile.integrity
    integrity = {}
    if facts is not None:
        integrity = {"pastes": facts.pastes, "fast_answers": len(facts.fast_answers),
                     "ip_changes": facts.ip_changes}
        if facts.focus_losses_known:
            integrity["focus_losses"] = facts.focus_losses
    return schemas.Results(
        complete=claims, no_answers=profile.no_answers, n_items=profile.n_items,
        n_unanswered=profile.n_unanswered, ratings_complete=profile.ratings_complete,
        scores=[] if profile.no_answers else [_score(s) for s in profile.scores],
        strengths=[s.key for s in strong], development_areas=[s.key for s in weak],
        integrity=integrity)
