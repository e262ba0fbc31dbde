"""Score an attempt: each response, then its dimensions; flushes, never commits."""

from __future__ import annotations

from sqlmodel import Session, col, select

from hiring.assessment.types import get_type
from hiring.models import Attempt, AttemptState, ItemRevision, Rating, Response
from hiring.scoring.dimensions import ItemScore, dimension_scores, overall


def ratings_by_response(response_ids: list[int], *, session: Session
                        ) -> dict[int, list[Rating]]:
    """Return the submitted ratings of the given responses."""
    grouped: dict[int, list[Rating]] = {}
    if response_ids:
        for rating in session.exec(select(Rating).where(
                col(Rating.response_id).in_(response_ids)).order_by(Rating.id)):
            grouped.setdefault(rating.response_id, []).append(rating)
    return grouped


def score_attempt(attempt: Attempt, *, session: Session) -> None:
    """Score every response and store the dimension scores on the attempt."""
    if attempt.state not in (AttemptState.SUBMITTED, AttemptState.SCORED):
        return
    rows = list(session.exec(
        select(Response, ItemRevision)
        .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
        .where(Response.attempt_id == attempt.id)
        .order_by(Response.position)))
    ratings = ratings_by_response([r.id for r, _ in rows], session=session)
    item_scores = []
    for response, revision in rows:
        content = revision.content
        response.score = get_type(content["type"]).score(
            content, response.params, response.answer,
            [rating.scores for rating in ratings.get(response.id, [])])
        item_scores.append(ItemScore(content["dimension"], content.get("weight", 1.0),
                                     response.score))
    scores = dimension_scores(item_scores)
    attempt.results = {key: value.as_dict() for key, value in scores.items()}
    attempt.overall_score = overall(scores)
    pending = any(score.score is None for score in item_scores)
    attempt.state = AttemptState.SUBMITTED if pending else AttemptState.SCORED
    session.flush()
