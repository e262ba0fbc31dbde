"""Differential item functioning (DIF) between the language versions of an assessment.

An item functions differently when candidates of equal standing on what the test
measures, but taking different language versions, do not do equally well on it: most
often a translation that made it harder, easier or ambiguous. Each item of each other
language (the focal group) is compared with the same item in the reference language (the
one with the most attempts, unless chosen), candidates matched on their score.

Matching variable. A candidate's score on the item's scale (hiring.scoring.scales): the
mean of their scored items on it, the studied item included, in steps of 1/LEVELS (5
points of 0-100). The studied item is included because that is what makes the
Mantel-Haenszel procedure unbiased when no item functions differently (Holland & Thayer
1988; Zwick 1990): a rest score (without the item) produces DIF where there is none. The
mean rather than the sum, because attempts draw their items from a pool and may answer
different numbers of them; for a fixed form of up to LEVELS items the levels are the sum
scores. Attempts with fewer than MIN_SCALE_ITEMS scored items on a scale are left out of
that scale (a total over a few items matches nobody), and so are scales whose scores are
not a few ordered categories (typing speed, for one). Levels where either language has
fewer than MIN_PER_STRATUM candidates are pooled with the next one up, so that every
stratum has both groups (a stratum with one group carries no information).

Right-or-wrong items (every score 0 or 1): the Mantel-Haenszel common odds ratio
alpha_MH, its chi-square with the continuity correction, and the ETS delta
MH D-DIF = -2.35 ln(alpha_MH) with the Robins-Breslow-Greenland standard error (the
Phillips-Holland variance); negative: harder for the focal language. Items scored in a
few ordered steps (situational items): Mantel's (1963) chi-square for ordered responses
(1 df) and the standardized mean difference SMD of Dorans & Schmitt (focal minus
reference, weighted by the focal group's strata), divided by the item's standard
deviation in the two groups together. Classes as ETS assigns them. The statistics are in
hiring.scoring.dif_stats.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from hiring.scoring.dif_stats import (
    ScoreCounts,
    Table,
    classify_binary,
    classify_ordinal,
    mantel_haenszel,
    mantel_ordinal,
)

LEVELS = 20  # matching levels: a scale score in steps of 1/LEVELS
MIN_SCALE_ITEMS = 4  # scored items on the scale an attempt needs to be matched on it
MIN_PER_STRATUM = 5  # candidates of each language a stratum needs before it stands alone
MAX_CATEGORIES = 10  # more distinct scores than this: not an ordinal item, not analysed
# At 100 candidates a language, an item about half of them get right has a standard error
# of MH D-DIF of at least 2.35 * sqrt(4/50) = 0.66, so a C needs |D| > 1 + 1.645 * 0.66 =
# 2.1; with fewer, even large differences come out A for want of data, which would read
# as "no difference found". ETS's operational minimums (reviewed by Zwick 2012) are of this
# order or higher; below 100 the page says "too few to judge" instead of a class.
MIN_GROUP = 100
FLAGGED = ("B", "C", "BB", "CC")


@dataclass
class ItemDif:
    """One item compared between the reference and one focal language."""

    key: str
    dimension: str
    type: str
    reference: str
    focal: str
    method: str  # "mantel-haenszel" or "mantel"
    n_reference: int  # matched responses
    n_focal: int
    category: str | None = None  # A/B/C or AA/BB/CC; None: too few, or undefined
    reason: str | None = None  # "too few" or "undefined" when category is None
    chi_square: float | None = None
    p: float | None = None
    alpha: float | None = None
    delta: float | None = None
    se: float | None = None
    smd: float | None = None
    effect: float | None = None  # delta for right/wrong items, SMD/SD for ordinal ones

    @property
    def flagged(self) -> bool:
        return self.category in FLAGGED


@dataclass
class DifReport:
    reference: str | None
    attempts: dict[str, int]  # language -> completed attempts
    items: list[ItemDif] = field(default_factory=list)
    min_group: int = MIN_GROUP

    @property
    def flagged(self) -> list[ItemDif]:
        """Return the items classed B or C (BB or CC): the large ones first, then by size."""
        return sorted((item for item in self.items if item.flagged),
                      key=lambda item: (item.category not in ("C", "CC"),
                                        -abs(item.effect or 0.0)))

    @property
    def judged(self) -> list[ItemDif]:
        return [item for item in self.items if item.category is not None]


def pool_strata(levels: dict[int, tuple[ScoreCounts, ScoreCounts]],
                minimum: int = MIN_PER_STRATUM) -> list[tuple[ScoreCounts, ScoreCounts]]:
    """Pool matching levels upwards until each stratum has `minimum` of both groups; a
    thin remainder at the top joins the last stratum (or is the only one)."""
    pooled: list[tuple[Counter, Counter]] = []
    reference: Counter[float] = Counter()
    focal: Counter[float] = Counter()
    for level in sorted(levels):
        reference.update(levels[level][0])
        focal.update(levels[level][1])
        if reference.total() >= minimum and focal.total() >= minimum:
            pooled.append((reference, focal))
            reference, focal = Counter(), Counter()
    if reference or focal:
        if pooled:
            pooled[-1][0].update(reference)
            pooled[-1][1].update(focal)
        elif reference and focal:
            pooled.append((reference, focal))
    return [(dict(r), dict(f)) for r, f in pooled]


def compare_item(key: str, dimension: str, item_type: str, reference: str, focal: str,
                 levels: dict[int, tuple[ScoreCounts, ScoreCounts]], *, binary: bool,
                 min_group: int = MIN_GROUP) -> ItemDif:
    """Compare one item between two languages, from its counts per matching level."""
    strata = pool_strata(levels)
    n_ref = sum(sum(r.values()) for r, _ in strata)
    n_focal = sum(sum(f.values()) for _, f in strata)
    method = "mantel-haenszel" if binary else "mantel"
    found = ItemDif(key, dimension, item_type, reference, focal, method, n_ref, n_focal)
    if min(n_ref, n_focal) < min_group:
        found.reason = "too few"
        return found
    if binary:
        mh = mantel_haenszel(Table(r.get(1.0, 0), r.get(0.0, 0), f.get(1.0, 0), f.get(0.0, 0))
                             for r, f in strata)
        found.chi_square, found.p, found.alpha = mh.chi_square, mh.p, mh.alpha
        found.delta, found.se, found.effect = mh.delta, mh.se, mh.delta
        if mh.delta is None or mh.se is None:
            found.reason = "undefined"
        else:
            found.category = classify_binary(mh.delta, mh.se, mh.p)
        return found
    ordinal = mantel_ordinal(strata)
    found.chi_square, found.p = ordinal.chi_square, ordinal.p
    found.smd, found.effect = ordinal.smd, ordinal.effect
    if ordinal.effect is None:
        found.reason = "undefined"
    else:
        found.category = classify_ordinal(ordinal.p, ordinal.effect)
    return found


class CountRow(NamedTuple):
    """Candidates of one language at one matching level with one score on one item."""

    key: str
    dimension: str
    type: str
    language: str
    level: int
    score: float
    count: int


def dif_report(rows: Iterable[CountRow | tuple], attempts: dict[str, int], *,
               reference: str | None = None, min_group: int = MIN_GROUP) -> DifReport:
    """Compare every item of every other language with the reference language.

    rows: counts per item, language, matching level and score (count_rows, or the
    query in hiring.scoring.dif_counts); attempts: completed attempts per language. The
    reference is the language with the most attempts unless given."""
    cells: dict[tuple[str, str, str], dict[str, dict[int, Counter]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Counter)))
    for key, dimension, item_type, language, level, score, count in rows:
        cells[key, dimension, item_type][language][int(level)][round(float(score), 6)] += count
    languages = sorted(attempts, key=lambda language: (-attempts[language], language))
    if reference is None and languages:
        reference = languages[0]
    report = DifReport(reference, dict(attempts), min_group=min_group)
    if reference is None or len(languages) < 2:
        return report
    for (key, dimension, item_type), by_language in sorted(cells.items()):
        scores = {score for counts in by_language.values() for level in counts.values()
                  for score in level}
        if len(scores) > MAX_CATEGORIES or len(scores) < 2:
            continue
        binary = scores <= {0.0, 1.0}
        for focal in languages:
            if focal == reference:
                continue
            ref_levels, focal_levels = by_language.get(reference, {}), by_language.get(focal, {})
            levels = {level: (dict(ref_levels.get(level, {})), dict(focal_levels.get(level, {})))
                      for level in set(ref_levels) | set(focal_levels)}
            report.items.append(compare_item(key, dimension, item_type, reference, focal,
                                             levels, binary=binary, min_group=min_group))
    return report


class ResponseScore(NamedTuple):
    """A scored response as the matching needs it."""

    attempt_id: int
    language: str
    key: str
    dimension: str
    type: str
    scale: str
    score: float


def level(mean: float) -> int:
    """Return the matching level of a mean item score 0..1."""
    return int(math.floor(mean * LEVELS + 0.5))


def count_rows(responses: Iterable[ResponseScore]) -> tuple[list[CountRow], dict[str, int]]:
    """Count scored responses per item, language, matching level and score, and the
    attempts per language: what the database query gives, for data in memory
    (simulations, tests)."""
    by_scale: dict[tuple[int, str], list[ResponseScore]] = defaultdict(list)
    for response in responses:
        by_scale[response.attempt_id, response.scale].append(response)
    counts: Counter[tuple] = Counter()
    attempts: dict[str, set[int]] = defaultdict(set)
    for (attempt_id, _scale), scored in by_scale.items():
        attempts[scored[0].language].add(attempt_id)
        if len(scored) < MIN_SCALE_ITEMS:
            continue
        at = level(sum(response.score for response in scored) / len(scored))
        for response in scored:
            counts[response.key, response.dimension, response.type, response.language, at,
                   response.score] += 1
    return ([CountRow(*cell, count) for cell, count in counts.items()],
            {language: len(ids) for language, ids in attempts.items()})
