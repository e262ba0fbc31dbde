"""Interviewers' ratings of written responses."""

from __future__ import annotations

from sqlmodel import Session, select

from hiring.assessment.types import get_type
from hiring.models import Attempt, AttemptState, ItemRevision, Rating, Response, utcnow
from hiring.scoring.attempts import score_attempt


class RatingError(ValueError):
    """The rating is not valid; the message says why."""


def rate(response: Response, *, session: Session, rater_id: int, scores: dict[str, int],
         comment: str = "") -> Rating:
    """Store (or replace) one rater's rubric scores and rescore the attempt."""
    attempt = session.get(Attempt, response.attempt_id)
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        raise RatingError("Only submitted attempts can be rated.")
    revision = session.get(ItemRevision, response.revision_id)
    item_type = get_type(revision.content["type"])
    if not item_type.needs_rating:
        raise RatingError("This answer is scored automatically.")
    if not item_type.is_answered(response.answer):
        raise RatingError("There is no answer to rate.")
    criteria = {criterion for criterion, _ in item_type.criteria(revision.content, "en")}
    if set(scores) != criteria:
        raise RatingError("Rate every criterion of the rubric.")
    if any(not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5
           for v in scores.values()):
        raise RatingError("Each rating must be a whole number from 1 to 5.")
    rating = session.exec(select(Rating).where(
        Rating.response_id == response.id, Rating.rater_id == rater_id)).first()
    if rating is None:
        rating = Rating(response_id=response.id, rater_id=rater_id, scores=scores,
                        comment=comment.strip())
        session.add(rating)
    else:
        rating.scores, rating.comment, rating.created_at = scores, comment.strip(), utcnow()
    session.flush()
    score_attempt(attempt, session=session)
    return rating
