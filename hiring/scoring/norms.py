"""Norms: a score's percentile among comparable attempts, with who they were.

The norm group of a score is the completed, real (not simulated) attempts of the same
assessment taken in the same language that have that score. Languages are kept apart
because a version of an item in another language is another item: pooling them would
rank a candidate partly against a different test. A percentile is given only when the
group has at least the configured minimum (NORM_MIN_GROUP), and always with the group's
size, language and dates, so a reader can judge what it is a percentile of.

A profile does not read every attempt to find its groups: they are kept, sorted, with the
fingerprint of the attempts they come from (hiring.scoring.aggregates, kept_norm_groups)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hiring.config import Defaults
from hiring.models import Attempt
from hiring.scoring import aggregates
from hiring.scoring.evidence import completed_attempts
from hiring.scoring.scales import AttemptScores

DEFAULT_MIN_GROUP = Defaults.NORM_MIN_GROUP
SCALE, SUBSCORE = "scale", "subscore"  # what a norm key names: (kind, name)


def percentile(value: float, group: list[float], *, presorted: bool = False) -> float:
    """Return the percentage of the group below the value, counting ties as half.

    Pass presorted=True with a sorted group when ranking many values against it."""
    ordered = group if presorted else sorted(group)
    below = bisect_left(ordered, value)
    ties = bisect_right(ordered, value) - below
    return round(100 * (below + ties / 2) / len(ordered), 1)


@dataclass
class NormGroup:
    """The scores of one norm group, sorted, and when its attempts were submitted."""

    language: str
    scores: list[float] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, score: float, submitted_at: datetime | None) -> None:
        self.scores.append(score)
        if submitted_at is not None:
            self.first = min(self.first or submitted_at, submitted_at)
            self.last = max(self.last or submitted_at, submitted_at)


@dataclass(frozen=True)
class Norm:
    """A score's standing in its norm group; percentile None when the group is too small."""

    percentile: float | None
    n: int
    language: str
    first: datetime | None = None
    last: datetime | None = None


NormKey = tuple[str, str, str]  # (language, SCALE or SUBSCORE, scale or dimension)


def norm_groups(assessment_id: int, *, session: Session) -> dict[NormKey, NormGroup]:
    """Return the norm group of every scale and subscore per language of an assessment.

    Attempts whose results predate scales are left out; callers re-score them first
    (hiring.scoring.attempts.rescore_outdated)."""
    groups: dict[NormKey, NormGroup] = {}
    rows = session.exec(select(Attempt.language, Attempt.submitted_at, Attempt.results)
                        .where(*completed_attempts(assessment_id))
                        .order_by(col(Attempt.id)))
    for language, submitted_at, results in rows:
        scores = AttemptScores.from_dict(results)
        if scores is None:
            continue
        for kind, values in ((SCALE, scores.scales), (SUBSCORE, scores.subscores)):
            for name, value in values.items():
                if value.score is not None:
                    groups.setdefault((language, kind, name), NormGroup(language)).add(
                        value.score, submitted_at)
    for group in groups.values():
        group.scores.sort()  # sorted once, ranked against many times
    return groups


NORMS = "norms"  # the kind of kept aggregate


def norms_data(groups: dict[NormKey, NormGroup]) -> dict[str, Any]:
    """Return norm groups as JSON data; floats and times read back exactly."""
    return {"groups": [[*key, group.language, group.scores,
                        group.first.isoformat() if group.first else None,
                        group.last.isoformat() if group.last else None]
                       for key, group in groups.items()]}


def groups_from(data: dict[str, Any]) -> dict[NormKey, NormGroup]:
    """Return the norm groups of kept data (norms_data)."""
    return {(language, kind, name): NormGroup(
                group_language, scores, datetime.fromisoformat(first) if first else None,
                datetime.fromisoformat(last) if last else None)
            for language, kind, name, group_language, scores, first, last in data["groups"]}


def kept_norm_groups(assessment_id: int, *, session: Session) -> dict[NormKey, NormGroup]:
    """Return norm_groups() as of now without reading every attempt when they are kept."""
    return aggregates.current(NORMS, assessment_id, session=session, real_only=True,
                              compute=lambda: norm_groups(assessment_id, session=session),
                              load=groups_from)


def norm_groups_if_ready(assessment_id: int, *, session: Session, inline_limit: int
                         ) -> dict[NormKey, NormGroup] | None:
    """Return norm_groups() as of now when they are kept as of now (or the assessment has
    at most inline_limit completed attempts: computed here); otherwise None, the norms
    being prepared: a task computes and keeps them after this request. Never an older
    group in place of the current one."""
    return aggregates.current(NORMS, assessment_id, session=session, real_only=True,
                              compute=lambda: norm_groups(assessment_id, session=session),
                              load=groups_from, inline_limit=inline_limit)


def norms_now(assessment_id: int, *, session: Session
              ) -> tuple[aggregates.Fingerprint, dict[str, Any]]:
    """Compute an assessment's norm groups as data to keep, with the fingerprint first
    taken (an attempt scored while reading makes them look older, never newer)."""
    stamp = aggregates.fingerprint(assessment_id, session=session, real_only=True)
    return stamp, norms_data(norm_groups(assessment_id, session=session))


def norm_of(score: float | None, group: NormGroup | None, language: str, min_group: int
            ) -> Norm:
    """Return a score's percentile in its group, or only the group's size when too small."""
    if group is None:
        return Norm(None, 0, language)
    n = len(group.scores)
    value = (percentile(score, group.scores, presorted=True)
             if score is not None and n >= min_group else None)
    return Norm(value, n, language, group.first, group.last)


def norms_for(scores: AttemptScores, language: str, groups: dict[NormKey, NormGroup],
              min_group: int) -> dict[tuple[str, str], Norm]:
    """Return the norm of each of an attempt's scales and subscores, keyed (kind, name)."""
    found = {}
    for kind, values in ((SCALE, scores.scales), (SUBSCORE, scores.subscores)):
        for name, value in values.items():
            found[kind, name] = norm_of(value.score, groups.get((language, kind, name)),
                                        language, min_group)
    return found
