"""Interviewers' ratings of written responses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from hiring import audit
from hiring.assessment import editor
from hiring.items.messages import N_, CandidateError
from hiring.items.types import get_type
from hiring.models import (
    Assessment,
    Attempt,
    AttemptState,
    ItemRevision,
    Rating,
    Response,
    Role,
    User,
    utcnow,
)
from hiring.scoring.attempts import (
    CLOSED,
    current_scores,
    item_result,
    ratings_by_response,
    score_attempt,
)
from hiring.scoring.scales import AttemptScores, attempt_scores
from hiring.webhooks import events as webhooks

NOBODY = 0  # no user has this id: blind to every rating


def blind_for(user: User | None) -> int | None:
    """Decide what a staff user sees of other raters' ratings; the one place that does.

    Returns None when the user sees every rating (HR), else the rater whose own rating of
    an answer unlocks the others' ratings of it: until then its ratings, comments, score
    and the raters' agreement are withheld from everything built for this user (the
    page, the PDF, the ZIP of PDFs, the CSV, the comparison). Anyone who is not known
    to be HR is blind, also to ratings nobody can unlock."""
    if user is not None and user.role == Role.HR:
        return None
    return user.id if user is not None and user.id is not None else NOBODY


def withheld(ratings: Mapping[int, list[Rating]], blind: int | None) -> set[int]:
    """Return the responses whose ratings are withheld from the viewer: others rated
    them, the viewer has not."""
    if blind is None:
        return set()
    return {response_id for response_id, given in ratings.items()
            if given and all(r.rater_id != blind for r in given)}


def visible_ratings(ratings: Mapping[int, list[Rating]], blind: int | None
                    ) -> dict[int, list[Rating]]:
    """Return the ratings the viewer may see, response by response."""
    hidden = withheld(ratings, blind)
    return {response_id: ([] if response_id in hidden else given)
            for response_id, given in ratings.items()}


def scores_seen_by(attempt: Attempt, blind: int | None, *, session: Session
                   ) -> AttemptScores | None:
    """Return the attempt's scale scores as the viewer may see them.

    Where ratings are withheld, the attempt is scored again without them (in memory,
    nothing is stored): those answers count as awaiting rating, so the writing score
    cannot give the other raters away."""
    scores = current_scores(attempt, session=session)
    if blind is None or scores is None or attempt.state not in CLOSED:
        return scores
    rows = list(session.exec(
        select(Response, ItemRevision)
        .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
        .where(Response.attempt_id == attempt.id).order_by(Response.position)))
    ratings = ratings_by_response([r.id for r, _ in rows], session=session)
    if not withheld(ratings, blind):
        return scores
    seen = visible_ratings(ratings, blind)
    return attempt_scores([item_result(response, revision.content, seen.get(response.id, []))
                           for response, revision in rows])


# --- blind review: a candidate code instead of the name and e-mail -----------------------

BLIND_REVIEW = "blind_review"  # the assessment setting


def blind_review(assessment: Assessment) -> bool:
    """Tell whether HR turned blind review on for the assessment."""
    return bool((assessment.settings or {}).get(BLIND_REVIEW, False))


def set_blind_review(assessment: Assessment, on: bool, *, session: Session,
                     actor: User | str, now: datetime) -> None:
    """Turn blind review on or off for every version of the assessment (versions share
    it: it changes nothing that is measured)."""
    for version in editor.versions(assessment, session=session):
        version.settings = {**(version.settings or {}), BLIND_REVIEW: bool(on)}  # new dict
    audit.record(session, actor=actor, action=audit.Action.BLIND_REVIEW_SETTING,
                 object_type="assessment", object_id=assessment.id,
                 detail={"on": bool(on)}, at=now)
    session.flush()


def candidate_code(attempt: Attempt) -> str:
    """A short code for the candidate of an attempt ("C-7F3A"), the same on every page
    and PDF; it says nothing about the person."""
    created = attempt.created_at.astimezone(UTC).isoformat() if attempt.created_at else ""
    digest = hashlib.sha256(f"candidate-code:{attempt.id}:{created}".encode()).hexdigest()
    return f"C-{digest[:4].upper()}"


def identities_hidden(attempts: Iterable[Attempt], blind: int | None, *,
                      session: Session) -> set[int]:
    """Return the attempts whose candidate this viewer sees only as a code: those of
    assessments under blind review whose answers to rate the viewer has not all rated.

    Like the ratings, the identity is for a rater to see after judging the answers
    alone; HR (blind None) always sees it. An attempt with no answer to rate keeps its
    code: there is no rating after which to show more."""
    if blind is None:
        return set()
    attempts = list(attempts)
    assessment_ids = {a.assessment_id for a in attempts}
    blind_ids = {a.id for a in session.exec(select(Assessment).where(
        col(Assessment.id).in_(assessment_ids))) if blind_review(a)}
    under_review = [a.id for a in attempts if a.assessment_id in blind_ids]
    if not under_review:
        return set()
    to_rate: dict[int, set[int]] = {attempt_id: set() for attempt_id in under_review}
    for response, revision in session.exec(
            select(Response, ItemRevision)
            .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
            .where(col(Response.attempt_id).in_(under_review))):
        item_type = get_type(revision.content["type"])
        if item_type.needs_rating and item_type.is_answered(response.answer):
            to_rate[response.attempt_id].add(response.id)
    every = [r for ids in to_rate.values() for r in ids]
    rated = set(session.exec(select(Rating.response_id).where(
        Rating.rater_id == blind, col(Rating.response_id).in_(every)))) if every else set()
    return {attempt_id for attempt_id, ids in to_rate.items() if not ids or not ids <= rated}


def identity_hidden(attempt: Attempt, blind: int | None, *, session: Session) -> bool:
    return attempt.id in identities_hidden([attempt], blind, session=session)


class RatingError(CandidateError, ValueError):
    """The rating is not valid; the message says why."""


def ratings_by(rater_id: int, response_ids: Iterable[int], *,
               session: Session) -> dict[int, Rating]:
    """The rater's ratings of these responses, by response id."""
    return {r.response_id: r for r in session.exec(select(Rating).where(
        Rating.rater_id == rater_id, col(Rating.response_id).in_(list(response_ids))))}


def rate(response: Response, *, session: Session, rater_id: int, scores: dict[str, int],
         comment: str = "", now: datetime | None = None) -> Rating:
    """Store (or replace) one rater's rubric scores and rescore the attempt."""
    now = now or utcnow()
    attempt = session.get(Attempt, response.attempt_id)
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        raise RatingError(N_("Only submitted attempts can be rated."))
    revision = session.get(ItemRevision, response.revision_id)
    item_type = get_type(revision.content["type"])
    if not item_type.needs_rating:
        raise RatingError(N_("This answer is scored automatically."))
    if not item_type.is_answered(response.answer):
        raise RatingError(N_("There is no answer to rate."))
    criteria = {criterion for criterion, _ in item_type.criteria(revision.content, "en")}
    if set(scores) != criteria:
        raise RatingError(N_("Rate every criterion of the rubric."))
    if any(not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5
           for v in scores.values()):
        raise RatingError(N_("Each rating must be a whole number from 1 to 5."))
    rating = session.exec(select(Rating).where(
        Rating.response_id == response.id, Rating.rater_id == rater_id)).first()
    if rating is None:
        rating = Rating(response_id=response.id, rater_id=rater_id, scores=scores,
                        comment=comment.strip())
        session.add(rating)
    else:
        rating.scores, rating.comment, rating.created_at = scores, comment.strip(), utcnow()
    session.flush()
    before = attempt.state
    score_attempt(attempt, session=session)
    webhooks.emit_all([webhooks.Event.ATTEMPT_RATED, *webhooks.state_changes(before, attempt)],
                      attempt, session=session, now=now)
    return rating
