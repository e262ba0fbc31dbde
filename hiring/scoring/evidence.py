"""The item scores of an assessment's completed attempts, by scale: what precision and
norms are estimated from. Simulated attempts never count."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hiring.items.revisions import revision_contents
from hiring.items.types import get_type
from hiring.models import Assessment, Attempt, AttemptState, Response
from hiring.scoring import aggregates
from hiring.scoring.precision import ScaleModel, SubscoreValue, estimate, subscore_value
from hiring.scoring.scales import COMPOSITE

COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)


def completed_attempts(assessment_id: int):
    """The query condition for attempts that count as evidence: completed, not simulated."""
    return (Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED),
            col(Attempt.simulated).is_(False))


@dataclass
class ScaleEvidence:
    """Per attempt, the answered item scores (0..1) of each scale and of each behavioural
    subscore of the composite, in the attempts' order."""

    scales: dict[str, list[list[float]]] = field(default_factory=dict)
    subscores: dict[str, list[list[float]]] = field(default_factory=dict)
    # per attempt: (subscore sums by dimension, composite sum, complete) for Haberman
    sums: list[tuple[dict[str, float], float, bool]] = field(default_factory=list)
    items: dict[str, int] = field(default_factory=dict)  # usual item count per scale/subscore


def scale_evidence(assessment_id: int, *, session: Session) -> ScaleEvidence:
    """Read the scored responses of the completed attempts of an assessment, by scale."""
    rows = session.exec(
        select(Response.attempt_id, Response.revision_id, Response.score)
        .join(Attempt, col(Attempt.id) == Response.attempt_id)
        .where(*completed_attempts(assessment_id))
        .order_by(Response.attempt_id, Response.position)).all()
    contents = revision_contents(sorted({rid for _, rid, _ in rows}), session=session)
    return group_evidence(rows, contents)


def group_evidence(rows: Iterable[tuple[int, Any, float | None]], contents: dict[Any, dict]
                   ) -> ScaleEvidence:
    """Group (attempt, content key, score) rows, in the attempts' order, by scale.

    The content key is a revision id here; the scoring check passes item ids, so that its
    simulated attempts are read exactly as real ones."""
    evidence = ScaleEvidence()
    per_attempt: dict[Any, list[tuple[str, str, float | None]]] = {}
    for attempt_id, revision_id, score in rows:
        content = contents[revision_id]
        per_attempt.setdefault(attempt_id, []).append(
            (get_type(content["type"]).scale, content["dimension"], score))
    for entries in per_attempt.values():
        by_scale: dict[str, list[float]] = {}
        by_dimension: dict[str, list[float]] = {}
        for scale, dimension, score in entries:
            if score is None:
                continue
            by_scale.setdefault(scale, []).append(score)
            if scale == COMPOSITE:
                by_dimension.setdefault(dimension, []).append(score)
        for scale, scores in by_scale.items():
            evidence.scales.setdefault(scale, []).append(scores)
        for dimension, scores in by_dimension.items():
            evidence.subscores.setdefault(dimension, []).append(scores)
        composite_items = sum(1 for s, _, _ in entries if s == COMPOSITE)
        answered = by_scale.get(COMPOSITE, [])
        evidence.sums.append(({d: sum(v) for d, v in by_dimension.items()}, sum(answered),
                              composite_items > 0 and len(answered) == composite_items))
    evidence.items = _usual_counts(per_attempt)
    return evidence


def _usual_counts(per_attempt: dict[Any, list[tuple[str, str, float | None]]]
                  ) -> dict[str, int]:
    """The median attempt's number of items per scale and per subscore."""
    tallies: dict[str, list[int]] = {}
    for entries in per_attempt.values():
        counts: dict[str, int] = {}
        for scale, dimension, _ in entries:
            counts[scale] = counts.get(scale, 0) + 1
            if scale == COMPOSITE:
                counts[dimension] = counts.get(dimension, 0) + 1
        for key, count in counts.items():
            tallies.setdefault(key, []).append(count)
    return {key: sorted(values)[len(values) // 2] for key, values in tallies.items()}


@dataclass(frozen=True)
class Precision:
    """An assessment's precision models: per scale, and per behavioural subscore with
    whether the subscore adds value over the composite (Haberman)."""

    scales: dict[str, ScaleModel]
    subscores: dict[str, ScaleModel]
    reportable: dict[str, bool]  # dimension -> subscore may be reported as a score
    n_attempts: int
    # dimension -> Haberman's PRMSEs; None while the subscore's precision is a prior
    values: dict[str, SubscoreValue | None] = field(default_factory=dict)
    # attempts with a scored item on each scale and subscore (a model's n_attempts counts
    # only those with two or more, the ones an ICC can be estimated from)
    scale_attempts: dict[str, int] = field(default_factory=dict)
    subscore_attempts: dict[str, int] = field(default_factory=dict)

    def scale(self, name: str) -> ScaleModel:
        return self.scales.get(name) or ScaleModel.prior(name)

    def subscore(self, dimension: str) -> ScaleModel:
        return self.subscores.get(dimension) or ScaleModel.prior(COMPOSITE)


def precision_from(evidence: ScaleEvidence, *, seed: int = 0) -> Precision:
    """Estimate every scale's and subscore's precision, and which subscores add value."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible bootstrap, not a secret
    scales = {scale: estimate(scale, attempts, items=evidence.items.get(scale, 1), rng=rng)
              for scale, attempts in evidence.scales.items()}
    subscores, reportable, values = {}, {}, {}
    complete = [(subs, total) for subs, total, done in evidence.sums if done]
    for dimension, attempts in evidence.subscores.items():
        model = estimate(COMPOSITE, attempts, items=evidence.items.get(dimension, 1), rng=rng)
        subscores[dimension] = model
        value = None
        if model.source == "data" and len(complete) >= 3:
            value = subscore_value([subs.get(dimension, 0.0) for subs, _ in complete],
                                   [total for _, total in complete], model.reliability())
        values[dimension] = value
        reportable[dimension] = bool(value and value.adds_value)
    return Precision(scales, subscores, reportable, len(evidence.sums), values,
                     {name: len(attempts) for name, attempts in evidence.scales.items()},
                     {name: len(attempts) for name, attempts in evidence.subscores.items()})


PRECISION = "precision"  # the kind of kept aggregate


def precision_data(precision: Precision) -> dict[str, Any]:
    """Return a precision as JSON data; floats read back exactly."""
    return {"scales": {name: asdict(model) for name, model in precision.scales.items()},
            "subscores": {name: asdict(model) for name, model in precision.subscores.items()},
            "reportable": precision.reportable, "n_attempts": precision.n_attempts,
            "values": {name: asdict(value) if value else None
                       for name, value in precision.values.items()},
            "scale_attempts": precision.scale_attempts,
            "subscore_attempts": precision.subscore_attempts}


def _model(data: dict[str, Any]) -> ScaleModel:
    interval = data["interval"]
    return ScaleModel(**{**data, "interval": tuple(interval) if interval else None})


def precision_loaded(data: dict[str, Any]) -> Precision:
    """Return the precision of kept data (precision_data)."""
    return Precision({name: _model(model) for name, model in data["scales"].items()},
                     {name: _model(model) for name, model in data["subscores"].items()},
                     data["reportable"], data["n_attempts"],
                     {name: SubscoreValue(**value) if value else None
                      for name, value in data["values"].items()},
                     data["scale_attempts"], data["subscore_attempts"])


def precision_now(assessment_id: int, *, session: Session
                  ) -> tuple[aggregates.Fingerprint, dict[str, Any]]:
    """Estimate an assessment's precision as data to keep, with the fingerprint first
    taken (an attempt scored while reading makes it look older, never newer)."""
    stamp = aggregates.fingerprint(assessment_id, session=session, real_only=True)
    return stamp, precision_data(precision_from(scale_evidence(assessment_id, session=session)))


def precision_for(assessment: Assessment, *, session: Session) -> Precision:
    """Return the assessment's precision as of now: remembered in this process, kept in
    the aggregate table, or estimated from the attempts (hiring.scoring.aggregates)."""
    return aggregates.current(
        PRECISION, assessment.id, session=session, real_only=True, load=precision_loaded,
        compute=lambda: precision_from(scale_evidence(assessment.id, session=session)))


def kept_precision(assessment: Assessment, *, session: Session, inline_limit: int
                   ) -> tuple[Precision | None, datetime | None]:
    """Return precision_for() and None; for an assessment of more than inline_limit
    completed attempts whose kept estimate is out of date, that estimate and when it was
    made, or (None, None) when none was kept yet (a task is asked to make it)."""
    stamp = aggregates.fingerprint(assessment.id, session=session, real_only=True)
    if stamp.n_attempts > inline_limit and aggregates.MEMO.get(
            PRECISION, assessment.id, stamp, session=session) is None:
        kept = aggregates.read(assessment.id, PRECISION, session=session)
        if kept is None or not kept.is_current(stamp):
            aggregates.note_stale(PRECISION, assessment.id, session=session)
            if kept is None:
                return None, None
            return precision_loaded(kept.data), kept.computed_at
    return precision_for(assessment, session=session), None
