"""An attempt's scores: one per scale, and the behavioural subscores of the judgement scale.

Scales are what the data can carry: situational judgement over all situational items
(the composite the profile leads with), numeracy (math), reading accuracy, typing and
writing (rated). Each item type names its scale. The situational items also belong to a
behavioural dimension (customer focus, composure, ...): their means are subscores, shown
as scores only when their reliability and distinctness hold on the data
(hiring.scoring.precision.subscore_value), otherwise as indications.

Missing is not measured: an unanswered item gives no evidence, whatever its type. It is
left out of the score and counted, so every score says how many items it rests on and how
many were left unanswered; an item waiting for ratings is counted as pending."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SCALES = ("judgement", "numeracy", "reading", "typing", "writing")
COMPOSITE = "judgement"  # the scale whose items have behavioural subscores
INCOMPLETE_SHARE = 0.25  # more unanswered than this: the profile says the attempt is incomplete


@dataclass(frozen=True)
class ItemResult:
    """One item of an attempt as scoring sees it."""

    scale: str
    dimension: str
    weight: float
    answered: bool
    score: float | None  # 0..1; None when unanswered or waiting for ratings


@dataclass(frozen=True)
class ScaleScore:
    score: float | None  # 0-100 over the answered, scored items; None without any
    n_items: int  # answered and scored items behind the score
    n_unanswered: int = 0
    n_pending: int = 0  # answered, waiting for ratings

    def as_dict(self) -> dict:
        return {"score": self.score, "n_items": self.n_items,
                "n_unanswered": self.n_unanswered, "n_pending": self.n_pending}

    @classmethod
    def from_dict(cls, value: dict) -> ScaleScore:
        return cls(value.get("score"), value.get("n_items", 0),
                   value.get("n_unanswered", 0), value.get("n_pending", 0))


def scale_score(items: Iterable[ItemResult]) -> ScaleScore:
    """Return the weighted mean of the answered, scored items, 0-100, with the counts."""
    items = list(items)
    scored = [item for item in items if item.answered and item.score is not None]
    unanswered = sum(1 for item in items if not item.answered)
    pending = sum(1 for item in items if item.answered and item.score is None)
    if not scored:
        return ScaleScore(None, 0, unanswered, pending)
    weight = sum(item.weight for item in scored)
    mean = sum(item.weight * item.score for item in scored) / weight
    return ScaleScore(round(100 * mean, 1), len(scored), unanswered, pending)


@dataclass(frozen=True)
class AttemptScores:
    scales: dict[str, ScaleScore]  # scale -> score, for the scales the attempt has
    subscores: dict[str, ScaleScore]  # behavioural dimension -> subscore of the composite
    n_items: int
    n_unanswered: int

    @property
    def incomplete(self) -> bool:
        """More than a quarter of the items were left unanswered."""
        return self.n_items > 0 and self.n_unanswered / self.n_items > INCOMPLETE_SHARE

    @property
    def no_answers(self) -> bool:
        return self.n_items > 0 and self.n_unanswered == self.n_items

    def as_dict(self) -> dict:
        return {"scales": {k: v.as_dict() for k, v in self.scales.items()},
                "subscores": {k: v.as_dict() for k, v in self.subscores.items()},
                "n_items": self.n_items, "n_unanswered": self.n_unanswered}

    @classmethod
    def from_dict(cls, value: dict | None) -> AttemptScores | None:
        if not value or "scales" not in value:
            return None  # not scored, or scored before scales existed
        return cls({k: ScaleScore.from_dict(v) for k, v in value["scales"].items()},
                   {k: ScaleScore.from_dict(v) for k, v in value["subscores"].items()},
                   value.get("n_items", 0), value.get("n_unanswered", 0))


def attempt_scores(items: Iterable[ItemResult]) -> AttemptScores:
    """Score an attempt's items by scale, and the composite's items by dimension."""
    items = list(items)
    by_scale: dict[str, list[ItemResult]] = {}
    by_dimension: dict[str, list[ItemResult]] = {}
    for item in items:
        by_scale.setdefault(item.scale, []).append(item)
        if item.scale == COMPOSITE:
            by_dimension.setdefault(item.dimension, []).append(item)
    ordered = sorted(by_scale, key=lambda s: SCALES.index(s) if s in SCALES else len(SCALES))
    return AttemptScores(
        scales={scale: scale_score(by_scale[scale]) for scale in ordered},
        subscores={d: scale_score(group) for d, group in by_dimension.items()},
        n_items=len(items), n_unanswered=sum(1 for item in items if not item.answered))
