"""Read the counts differential item functioning is computed from, in one query.

hiring.scoring.dif needs, per item, language, matching level and item score, how many
candidates there are: at a million responses that is a few thousand rows, so the
database groups them (one GROUP BY over the responses, with the attempts' scale scores
grouped in a subquery) and no response row comes back to Python."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Numeric, and_, case, cast
from sqlmodel import Session, col, func, select

from hiring.items.types import ITEM_TYPES
from hiring.models import Attempt, AttemptState, Item, ItemRevision, Response
from hiring.scoring.dif import LEVELS, MIN_SCALE_ITEMS, CountRow, DifReport, dif_report

COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)


def _scale() -> Any:
    return case({name: item_type.scale for name, item_type in ITEM_TYPES.items()},
                value=Item.type, else_=Item.type)


def _scored(assessment_id: int) -> Any:
    return (select(Response.attempt_id, Attempt.language, Item.key, Item.dimension, Item.type,
                   Response.score)
            .join(Attempt, col(Attempt.id) == col(Response.attempt_id))
            .join(ItemRevision, col(ItemRevision.id) == col(Response.revision_id))
            .join(Item, col(Item.id) == col(ItemRevision.item_id))
            .where(Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED),
                   col(Response.score).is_not(None)))


def count_rows(assessment_id: int, *, session: Session
               ) -> tuple[list[CountRow], dict[str, int]]:
    """Return the counts per item, language, matching level and score of an assessment's
    completed attempts, and its completed attempts per language (as dif.count_rows)."""
    scale = _scale()
    # ROUND of a NUMERIC rounds halves away from zero in both SQLite and PostgreSQL, as
    # dif.level does (PostgreSQL's round of a double rounds them to even).
    at = cast(func.round(cast(func.avg(Response.score) * LEVELS, Numeric)), Integer)
    per_scale = (_scored(assessment_id)
                 .with_only_columns(col(Response.attempt_id).label("attempt_id"),
                                    scale.label("scale"), at.label("level"))
                 .group_by(col(Response.attempt_id), scale)
                 .having(func.count() >= MIN_SCALE_ITEMS)).subquery()
    query = (_scored(assessment_id)
             .with_only_columns(Item.key, Item.dimension, Item.type, Attempt.language,
                                per_scale.c.level, Response.score, func.count())
             .join(per_scale, and_(per_scale.c.attempt_id == col(Response.attempt_id),
                                   per_scale.c.scale == scale))
             .group_by(Item.key, Item.dimension, Item.type, Attempt.language,
                       per_scale.c.level, Response.score))
    rows = [CountRow(*row) for row in session.exec(query)]
    attempts = dict(session.exec(
        select(Attempt.language, func.count())
        .where(Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED))
        .group_by(Attempt.language)).all())
    return rows, attempts


def language_dif(assessment_id: int, *, session: Session, reference: str | None = None
                 ) -> DifReport:
    """Return the differential item functioning between an assessment's languages."""
    rows, attempts = count_rows(assessment_id, session=session)
    return dif_report(rows, attempts, reference=reference)
