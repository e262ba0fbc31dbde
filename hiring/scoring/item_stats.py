"""Item statistics: facility, discrimination, option use and time.

The reliability of the scores the items make up is in hiring.scoring.reliability: it
replaced Cronbach's alpha per dimension here, which described neither the scales the
profile reports nor the precision its bands use."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from hiring.items.types import get_type
from hiring.items.types.base import translate
from hiring.models import Attempt, AttemptState, Item, ItemRevision, Response

MIN_ATTEMPTS = 20
TOO_EASY = 0.9
TOO_HARD = 0.2
HISTOGRAM_BINS = 10
COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)


class ResponseRow(NamedTuple):
    attempt_id: int
    item_key: str
    dimension: str
    item_type: str
    score: float | None  # None: waiting for ratings
    answer: Any
    time_spent_ms: int


@dataclass
class ItemStats:
    key: str
    dimension: str
    type: str
    n: int  # scored responses
    facility: float | None
    discrimination: float | None
    median_seconds: float | None
    # "best"/"worst" -> option id -> times chosen: ids, never the position a candidate saw
    # (each attempt shows a situation's options in its own order)
    options: dict[str, dict[str, int]]
    flags: list[str] = field(default_factory=list)


@dataclass
class ItemHealthReport:
    n_attempts: int
    enough: bool
    items: list[ItemStats]
    histogram: list[int]  # attempts per 10-point bin of mean item score x 100

    @property
    def dimensions(self) -> list[str]:
        return sorted({item.dimension for item in self.items})

    def items_of(self, dimension: str) -> list[ItemStats]:
        return [item for item in self.items if item.dimension == dimension]


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Return the correlation of two equally long lists, None when it is undefined."""
    n = len(xs)
    if n < 3:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sxx = syy = 0.0
    for x, y in zip(xs, ys, strict=True):
        dx, dy = x - mean_x, y - mean_y
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def histogram(means: Iterable[float]) -> list[int]:
    """Count attempts per 10-point bin of 0-100; a perfect 100 falls in the last bin."""
    bins = [0] * HISTOGRAM_BINS
    for mean in means:
        # round first, so that .7 computed as .6999999... still lands in the 70s
        bins[min(int(round(mean * 100, 6) // 10), HISTOGRAM_BINS - 1)] += 1
    return bins


def _flags(facility: float | None, discrimination: float | None) -> list[str]:
    flags = []
    if facility is not None and facility > TOO_EASY:
        flags.append("too easy")
    if facility is not None and facility < TOO_HARD:
        flags.append("too hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative discrimination")
    return flags


def item_statistics(rows: Iterable[tuple]) -> ItemHealthReport:
    """Compute the health of every item."""
    # attempt -> dimension -> item -> score, built in one pass
    scores: dict[int, dict[str, dict[str, float]]] = {}
    meta: dict[str, tuple[str, str]] = {}
    times: dict[str, list[int]] = {}
    options: dict[str, dict[str, dict[str, int]]] = {}
    attempts: set[int] = set()
    for attempt_id, key, dimension, item_type, score, answer, time_ms in rows:
        attempts.add(attempt_id)
        meta.setdefault(key, (dimension, item_type))
        times.setdefault(key, []).append(time_ms or 0)
        chosen_options = get_type(item_type).chosen_options(answer)
        if chosen_options:
            counts = options.setdefault(key, {})
            for role, option_id in chosen_options.items():
                chosen = counts.setdefault(role, {})
                chosen[option_id] = chosen.get(option_id, 0) + 1
        if score is not None:
            scores.setdefault(attempt_id, {}).setdefault(dimension, {})[key] = score

    item_scores: dict[str, list[float]] = {key: [] for key in meta}
    rest_totals: dict[str, list[float]] = {key: [] for key in meta}
    for by_dimension in scores.values():
        for by_item in by_dimension.values():
            total = sum(by_item.values())
            for key, score in by_item.items():
                item_scores[key].append(score)
                rest_totals[key].append(total - score)

    items = []
    for key, (dimension, item_type) in meta.items():
        values = item_scores[key]
        facility = sum(values) / len(values) if values else None
        discrimination = pearson(values, rest_totals[key])
        items.append(ItemStats(
            key=key, dimension=dimension, type=item_type, n=len(values), facility=facility,
            discrimination=discrimination, median_seconds=statistics.median(times[key]) / 1000,
            options=options.get(key, {}), flags=_flags(facility, discrimination)))
    items.sort(key=lambda item: (item.dimension, item.key))

    flat = {attempt_id: {key: score for by_item in by_dimension.values()
                         for key, score in by_item.items()}
            for attempt_id, by_dimension in scores.items()}
    means = (sum(by_item.values()) / len(by_item) for by_item in flat.values() if by_item)
    return ItemHealthReport(n_attempts=len(attempts), enough=len(attempts) >= MIN_ATTEMPTS,
                            items=items, histogram=histogram(means))


def stream_rows(assessment_id: int, *, session: Session, batch: int = 5000
                ) -> Iterator[ResponseRow]:
    """Yield the responses of the completed attempts of an assessment, one row each,
    read in batches (item_statistics keeps what it needs, not the rows)."""
    query = (
        select(Response.attempt_id, Item.key, Item.dimension, Item.type, Response.score,
               Response.answer, Response.time_spent_ms)
        .join(Attempt, col(Attempt.id) == col(Response.attempt_id))
        .join(ItemRevision, col(ItemRevision.id) == col(Response.revision_id))
        .join(Item, col(Item.id) == col(ItemRevision.item_id))
        .where(Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED))
        .execution_options(yield_per=batch))
    for row in session.exec(query):
        yield ResponseRow(*row)


def load_rows(assessment_id: int, *, session: Session) -> list[ResponseRow]:
    """Return the responses of the completed attempts of an assessment, one row each."""
    return list(stream_rows(assessment_id, session=session))


def option_texts(assessment_id: int, *, session: Session, language: str = "en"
                 ) -> dict[str, dict[str, str]]:
    """Return item key -> option id -> text, for reading the choice counts.

    The texts come from the revisions the completed attempts had, so that an option
    since renamed or removed is still named; where revisions differ, the latest wins."""
    used = (select(Response.revision_id).distinct()
            .join(Attempt, col(Attempt.id) == col(Response.attempt_id))
            .where(Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED)))
    texts: dict[str, dict[str, str]] = {}
    for key, content in session.exec(
            select(Item.key, ItemRevision.content)
            .join(Item, col(Item.id) == col(ItemRevision.item_id))
            .where(col(ItemRevision.id).in_(used)).order_by(col(ItemRevision.number))):
        for option in content.get("options") or []:
            texts.setdefault(key, {})[option["id"]] = translate(option["text"], language)
    return texts


def key_sources(assessment_id: int, *, session: Session, language: str = "en"
                ) -> dict[str, list[str]]:
    """Return item key -> where the keys of the revisions behind its responses came from,
    oldest revision first: two entries when the keys changed during these attempts (a
    panel's keys adopted while the assessment ran). Types without a key are left out."""
    return key_sources_in(assessment_id, session=session, languages=[language])[language]


def key_sources_in(assessment_id: int, *, session: Session, languages: list[str]
                   ) -> dict[str, dict[str, list[str]]]:
    """Return key_sources in each of the languages (language -> item key -> sources),
    reading the revisions once."""
    revision_ids = session.exec(
        select(Response.revision_id).distinct()
        .join(Attempt, col(Attempt.id) == col(Response.attempt_id))
        .where(Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED))).all()
    revisions = session.exec(select(ItemRevision).where(
        col(ItemRevision.id).in_(revision_ids)).order_by(col(ItemRevision.number)))
    found: dict[str, dict[str, list[str]]] = {language: {} for language in languages}
    for revision in revisions:
        content = revision.content
        for language in languages:
            source = get_type(content["type"]).key_source(content, language)
            if source is not None and source not in found[language].get(content["id"], []):
                found[language].setdefault(content["id"], []).append(source)
    return found
