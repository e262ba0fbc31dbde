"""Build the profile of an attempt from the database."""

from __future__ import annotations

from sqlmodel import Session, col, select

from hiring.assessment.types import get_type
from hiring.assessment.types.base import translate
from hiring.assessment.types.written import word_count
from hiring.banks.schema import DIMENSIONS
from hiring.models import (
    Assessment,
    Attempt,
    AttemptState,
    Bank,
    ItemRevision,
    Response,
    User,
    utcnow,
)
from hiring.reports.formatting import format_rounded
from hiring.reports.profile import DimensionResult, Profile, RatingSummary, WrittenResult
from hiring.scoring.attempts import ratings_by_response
from hiring.scoring.dimensions import DimensionScore
from hiring.scoring.rules import DEFAULT_RULES, classify


def _sentence(name: str, score: DimensionScore, strong: bool) -> str:
    value, band = format_rounded(score.score), (
        f"{format_rounded(score.low)}–{format_rounded(score.high)}")
    if strong:
        return f"{name}: {value} (band {band}), consistently effective answers."
    return f"{name}: {value} (band {band}), worth probing in the interview."


def build_profile(attempt: Attempt, *, session: Session, language: str | None = None) -> Profile:
    """Collect everything the profile shows about an attempt."""
    assessment = session.get(Assessment, attempt.assessment_id)
    bank = session.get(Bank, assessment.bank_id)
    language = language or attempt.language
    results = {key: DimensionScore(**value) for key, value in (attempt.results or {}).items()}

    dimensions = []
    for key, meta in bank.dimensions.items():
        score = results.get(key)
        if score is None and key not in DIMENSIONS:
            continue  # an optional dimension this assessment did not use
        dimensions.append(
            DimensionResult(
                key=key,
                name=translate(meta["name"], language),
                definition=translate(meta["definition"], language),
                score=score.score if score else None,
                low=score.low if score else None,
                high=score.high if score else None,
                n_items=score.n_items if score else 0,
                n_pending=score.n_pending if score else 0,
            )
        )

    names = {d.key: d.name for d in dimensions}
    strong, weak = classify(results, DEFAULT_RULES)
    rows = list(
        session.exec(
            select(Response, ItemRevision)
            .join(ItemRevision, col(ItemRevision.id) == Response.revision_id)
            .where(Response.attempt_id == attempt.id)
            .order_by(Response.position)
        )
    )
    ratings = ratings_by_response([r.id for r, _ in rows], session=session)
    raters = {u.id: u.name for u in session.exec(select(User))}
    written = []
    for response, revision in rows:
        item_type = get_type(revision.content["type"])
        if not item_type.needs_rating:
            continue
        criteria = item_type.criteria(revision.content, language)
        summaries = [
            RatingSummary(rater=raters.get(r.rater_id, "?"), scores=r.scores, comment=r.comment)
            for r in ratings.get(response.id, [])
        ]
        means = {
            cid: sum(s.scores[cid] for s in summaries) / len(summaries)
            for cid, _ in criteria
            if summaries
        }
        answer = response.answer or ""
        written.append(
            WrittenResult(
                prompt=item_type.view(revision.content, response.params, language)["prompt"],
                answer=answer,
                word_count=word_count(answer),
                criteria=criteria,
                ratings=summaries,
                criterion_means=means,
            )
        )

    return Profile(
        attempt_id=attempt.id,
        candidate_name=attempt.candidate_name,
        candidate_email=attempt.candidate_email,
        assessment_name=assessment.name,
        bank_title=translate(bank.title, language),
        bank_version=bank.version,
        language=language,
        state=attempt.state,
        submitted_at=attempt.submitted_at,
        generated_at=utcnow(),
        overall=attempt.overall_score,
        dimensions=dimensions,
        strengths=[_sentence(names.get(k, k), results[k], True) for k in strong],
        development_areas=[_sentence(names.get(k, k), results[k], False) for k in weak],
        written=written,
        ratings_complete=attempt.state != AttemptState.SUBMITTED,
    )
