"""Per-dimension scores as the scoring check (hiring.scoring.model) still computes them.

Nothing a person reads uses this any more: attempts, profiles, exports and norms use the
scales of hiring.scoring.scales, with bands from hiring.scoring.precision. The band here
is the old one (the spread of the candidate's own item scores), kept only so that the
scoring check is unchanged until it is rewritten on the scales; remove this module then."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.96
# Item scores are bounded in 0..1; with one or two items the sample spread says little,
# so the band never assumes a spread below this.
MIN_ITEM_SD = 0.25


@dataclass(frozen=True)
class ItemScore:
    dimension: str
    weight: float
    score: float | None  # None: waiting for ratings


@dataclass(frozen=True)
class DimensionScore:
    score: float | None  # 0-100
    low: float | None
    high: float | None
    n_items: int
    n_pending: int


def dimension_score(items: list[ItemScore]) -> DimensionScore:
    """Return the weighted mean of the scored items, 0-100, with a 95% band."""
    scored = [item for item in items if item.score is not None]
    pending = len(items) - len(scored)
    if not scored:
        return DimensionScore(None, None, None, 0, pending)
    total_weight = sum(item.weight for item in scored)
    mean = sum(item.weight * item.score for item in scored) / total_weight
    n = len(scored)
    if n > 1:
        variance = sum(item.weight * (item.score - mean) ** 2 for item in scored) / total_weight
        sd = max(math.sqrt(variance * n / (n - 1)), MIN_ITEM_SD)
    else:
        sd = MIN_ITEM_SD
    half = Z_95 * sd / math.sqrt(n)
    return DimensionScore(
        score=round(100 * mean, 1),
        low=round(100 * max(0.0, mean - half), 1),
        high=round(100 * min(1.0, mean + half), 1),
        n_items=n,
        n_pending=pending,
    )


def dimension_scores(items: list[ItemScore]) -> dict[str, DimensionScore]:
    """Group item scores by dimension and score each dimension."""
    grouped: dict[str, list[ItemScore]] = {}
    for item in items:
        grouped.setdefault(item.dimension, []).append(item)
    return {dimension: dimension_score(group) for dimension, group in grouped.items()}
