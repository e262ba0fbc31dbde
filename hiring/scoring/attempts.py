"""Score an attempt: each response, then its scales; flushes, never commits.

An unanswered item gets no score (None) and is counted as unanswered on its scale: it
says nothing about the candidate, so it must not pull a score down as a zero would. An
answered item that needs ratings and has none yet is pending. Attempts scored before
scales existed (results without "scales") are scored again when next read, or by
`hiring attempts rescore`."""

from __future__ import annotations

import threading
import weakref

from sqlmodel import Session, col, select

from hiring.db import request_writes, start_writing
from hiring.items.revisions import revision_contents
from hiring.items.types import get_type
from hiring.models import Attempt, AttemptState, Rating, Response, WithoutScales, utcnow
from hiring.scoring.scales import COMPOSITE, AttemptScores, ItemResult, attempt_scores

CLOSED = (AttemptState.SUBMITTED, AttemptState.SCORED)


def ratings_by_response(response_ids: list[int], *, session: Session
                        ) -> dict[int, list[Rating]]:
    """Return the submitted ratings of the given responses."""
    grouped: dict[int, list[Rating]] = {}
    if response_ids:
        for rating in session.exec(select(Rating).where(
                col(Rating.response_id).in_(response_ids)).order_by(Rating.id)):
            grouped.setdefault(rating.response_id, []).append(rating)
    return grouped


def item_result(response: Response, content: dict, ratings: list[Rating]) -> ItemResult:
    """Score one response (None when unanswered or waiting for ratings) and describe it,
    without storing anything."""
    item_type = get_type(content["type"])
    answered = item_type.is_answered(response.answer)
    score = item_type.score(content, response.params, response.answer,
                            [rating.scores for rating in ratings]) if answered else None
    return ItemResult(item_type.scale, content["dimension"], content.get("weight", 1.0),
                      answered, score)


def score_response(response: Response, content: dict, ratings: list[Rating]) -> ItemResult:
    """Score one response, store its score on it and describe it."""
    result = item_result(response, content, ratings)
    response.score = result.score
    return result


def score_attempt(attempt: Attempt, *, session: Session,
                  just_closed: bool = False) -> AttemptScores | None:
    """Score every response and store the scale scores on the attempt.

    The attempt's overall score is its judgement composite (None without one); it stays
    submitted while an answered item waits for ratings, and is scored after.

    just_closed: the attempt was in progress until now, so none of its responses has a
    rating to read (ratings are given to closed attempts only: ratings.rate)."""
    if attempt.state not in CLOSED:
        return None
    responses = list(session.exec(select(Response).where(
        Response.attempt_id == attempt.id).order_by(Response.position)))
    # Revisions never change: their content comes from the per-process cache.
    contents = revision_contents([r.revision_id for r in responses], session=session)
    ratings = {} if just_closed else ratings_by_response([r.id for r in responses],
                                                        session=session)
    items = [score_response(response, contents[response.revision_id],
                            ratings.get(response.id, []))
             for response in responses]
    scores = attempt_scores(items)
    attempt.results = scores.as_dict()
    composite = scores.scales.get(COMPOSITE)
    attempt.overall_score = composite.score if composite else None
    pending = any(item.answered and item.score is None for item in items)
    attempt.state = AttemptState.SUBMITTED if pending else AttemptState.SCORED
    attempt.scored_at = utcnow()  # what kept aggregates are checked against
    session.flush()
    return scores


def is_outdated(attempt: Attempt) -> bool:
    """Tell whether a closed attempt was scored before scales existed (or not at all)."""
    return attempt.state in CLOSED and AttemptScores.from_dict(attempt.results) is None


def current_scores(attempt: Attempt, *, session: Session) -> AttemptScores | None:
    """Return the attempt's scale scores, scoring it again first when they are outdated."""
    if is_outdated(attempt):
        return score_attempt(attempt, session=session)
    return AttemptScores.from_dict(attempt.results)


def rescore_outdated(*, session: Session, assessment_id: int | None = None) -> int:
    """Score again every closed attempt scored before scales existed; return how many.

    Attempts already holding scale scores are found in SQL (their results have a
    "scales" key) and left alone. Every attempt scored since holds them, so an
    assessment found without outdated attempts is remembered in the process (per
    database) and not searched again: a page that calls this reads no attempt for it."""
    bind = session.get_bind()
    if assessment_id is not None and assessment_id in _CHECKED.get(bind, ()):
        return 0
    query = select(Attempt).where(col(Attempt.state).in_(CLOSED), _without_scales())
    if assessment_id is not None:
        query = query.where(Attempt.assessment_id == assessment_id)
    # in the order of their ids, sorted here: an ORDER BY would have SQLite walk the
    # assessment's index of every attempt instead of the partial index of these alone
    outdated = sorted(session.exec(query), key=lambda attempt: attempt.id)
    if outdated and not request_writes():  # a page that reads: it writes after all
        start_writing(session)
        outdated = sorted(session.exec(query), key=lambda attempt: attempt.id)
    for attempt in outdated:
        score_attempt(attempt, session=session)
    if assessment_id is not None and not outdated:  # those rescored: the next call sees
        with _CHECKED_LOCK:
            _CHECKED.setdefault(bind, set()).add(assessment_id)
    return len(outdated)


# The assessments found without outdated attempts, per engine (weakly: a database dropped
# and made again starts unchecked).
_CHECKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CHECKED_LOCK = threading.Lock()


def rescore_all(*, session: Session, assessment_id: int | None = None) -> int:
    """Score every closed attempt again (after a change to scoring); return how many."""
    query = select(Attempt).where(col(Attempt.state).in_(CLOSED))
    if assessment_id is not None:
        query = query.where(Attempt.assessment_id == assessment_id)
    attempts = list(session.exec(query.order_by(col(Attempt.id))))
    for attempt in attempts:
        score_attempt(attempt, session=session)
    return len(attempts)


def _without_scales():
    """SQL: the attempt's results hold no "scales" key (JSON_EXTRACT in SQLite, ->> in
    PostgreSQL; both give NULL for a missing key or a NULL document), written as the
    partial index ix_attempt_without_scales states it: the search reads that index."""
    return WithoutScales()
