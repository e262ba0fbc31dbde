"""Norms: a dimension score's percentile among completed attempts of the same assessment."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from sqlmodel import Session, col, select

from hiring.models import Attempt, AttemptState

DEFAULT_MIN_GROUP = 30
COMPLETED = (AttemptState.SUBMITTED, AttemptState.SCORED)


def percentile(value: float, group: list[float], *, presorted: bool = False) -> float:
    """Return the percentage of the group below the value, counting ties as half.

    Pass presorted=True with a sorted group when ranking many values against it."""
    ordered = group if presorted else sorted(group)
    below = bisect_left(ordered, value)
    ties = bisect_right(ordered, value) - below
    return round(100 * (below + ties / 2) / len(ordered), 1)


def norm_groups(assessment_id: int, *, session: Session) -> dict[str, list[float]]:
    """Return each dimension's scores over the completed attempts of an assessment."""
    groups: dict[str, list[float]] = {}
    rows = session.exec(select(Attempt.results).where(
        Attempt.assessment_id == assessment_id, col(Attempt.state).in_(COMPLETED),
        col(Attempt.results).is_not(None)))
    for results in rows:
        for key, value in (results or {}).items():
            if value.get("score") is not None:
                groups.setdefault(key, []).append(value["score"])
    for scores in groups.values():
        scores.sort()  # sorted once, ranked against many times
    return groups


def percentiles(results: dict[str, dict], groups: dict[str, list[float]], min_group: int
                ) -> dict[str, tuple[float | None, int]]:
    """Return (percentile or None when the group is too small, group size) per dimension."""
    out = {}
    for key, value in results.items():
        group = groups.get(key, [])
        if value.get("score") is None or len(group) < min_group:
            out[key] = (None, len(group))
        else:
            out[key] = (percentile(value["score"], group, presorted=True), len(group))
    return out
