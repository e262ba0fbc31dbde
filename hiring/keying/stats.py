"""A panel's ratings of an item's options, summarised: pure functions, no database.

Ratings are effectiveness judgements on the 1-5 scale, `expert -> option id -> rating`.
Variances and standard deviations are sample ones (n - 1) throughout.

- Agreement, r_wg(J) (James, Demaree & Wolf, 1984): the options are the J parallel
  "items" the experts rate, and the expected variance if experts rated at random is that
  of the uniform distribution over A = 5 points, (A^2 - 1) / 12 = 2. With s̄² the mean of
  the options' observed variances, r_wg(J) = J(1 - s̄²/2) / (J(1 - s̄²/2) + s̄²/2), set to 0
  when s̄² > 2 (more disagreement than random answers).
- Consistency, ICC(2,k) (Shrout & Fleiss, 1979): the options are the targets, the
  experts who rated every option the raters (two-way random effects, the mean of k
  raters): (MS_targets - MS_error) / (MS_targets + (MS_raters - MS_error) / n).
- The best option standing apart: the gap between the two highest option means, with a
  95% interval from the experts' paired differences (best - second) and Student's t.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from hiring.items.messages import N_

SCALE_POINTS = 5
NULL_VARIANCE = (SCALE_POINTS**2 - 1) / 12  # σ²_EU of the uniform null: 2 on five points
LOW_AGREEMENT = 0.70  # the usual cut-off for r_wg(J)
STATISTIC = "r_wg(J)"

LOW_AGREEMENT_FLAG = N_("low agreement")
NOT_APART_FLAG = N_("best not clearly apart")
BEST_DIFFERS_FLAG = N_("panel's best differs from the key")

Ratings = Mapping[str, Mapping[str, int]]  # expert -> option id -> rating

# Student's t, 97.5th percentile (a two-sided 95% interval), for 1..30 degrees of freedom.
T975 = (12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
        2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
        2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423)
Z975 = 1.959963984540054


def t975(df: int) -> float:
    """Return Student's t quantile for a two-sided 95% interval with `df` degrees of freedom.

    A table up to 30; beyond, the Cornish-Fisher expansion around the normal quantile
    (Abramowitz & Stegun 26.7.5), which is within 1e-4 of the exact value there."""
    if df < 1:
        raise ValueError("at least one degree of freedom")
    if df <= len(T975):
        return T975[df - 1]
    z = Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def variance(values: Sequence[float]) -> float | None:
    """Return the sample variance, None below two values."""
    if len(values) < 2:
        return None
    centre = sum(values) / len(values)
    return sum((v - centre) ** 2 for v in values) / (len(values) - 1)


def panel_key(values: Sequence[int]) -> int | None:
    """Return the panel's key of an option: the mean rating rounded half up, in 1..5.

    Computed on the exact fraction, so that 3.5 never becomes 3.4999... and rounds down."""
    if not values:
        return None
    exact = Fraction(sum(values), len(values))
    return min(SCALE_POINTS, max(1, math.floor(exact + Fraction(1, 2))))


def rwg_j(variances: Sequence[float], options: int) -> float | None:
    """Return r_wg(J) for J = `options` parallel ratings with these observed variances.

    s̄² is the mean of the variances given (options rated by fewer than two experts have
    none and are left out of it); None when there is none at all."""
    if not variances or options < 1:
        return None
    ratio = (sum(variances) / len(variances)) / NULL_VARIANCE
    if ratio >= 1:
        return 0.0  # truncated: the experts disagree as much as random answers or more
    agreement = options * (1 - ratio)
    return agreement / (agreement + ratio)


def icc_2k(table: Sequence[Sequence[float]]) -> float | None:
    """Return ICC(2,k) of a complete table: one row per target, one column per rater.

    None with fewer than two targets or raters, or when the denominator is not positive
    (no variation to speak of)."""
    n = len(table)
    k = len(table[0]) if n else 0
    if n < 2 or k < 2:
        return None
    grand = sum(sum(row) for row in table) / (n * k)
    row_means = [sum(row) / k for row in table]
    col_means = [sum(row[j] for row in table) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((value - grand) ** 2 for row in table for value in row)
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    denominator = ms_rows + (ms_cols - ms_error) / n
    if denominator <= 1e-12:
        return None
    return (ms_rows - ms_error) / denominator


@dataclass(frozen=True)
class Gap:
    """How far the best option stands above the second best."""

    best: str
    second: str
    gap: float  # mean of the best - mean of the second
    pairs: int  # experts who rated both
    low: float | None  # the 95% interval of the paired difference; None below two pairs
    high: float | None

    @property
    def clearly_apart(self) -> bool:
        return self.low is not None and self.low > 0


def paired_gap(ratings: Ratings, best: str, second: str, gap: float) -> Gap:
    """Return the gap with a 95% t interval from each expert's rating of best - second."""
    differences = [scores[best] - scores[second] for scores in ratings.values()
                   if best in scores and second in scores]
    spread = variance(differences)
    if spread is None:
        return Gap(best, second, gap, len(differences), None, None)
    centre = sum(differences) / len(differences)
    half = t975(len(differences) - 1) * math.sqrt(spread / len(differences))
    return Gap(best, second, gap, len(differences), centre - half, centre + half)


@dataclass(frozen=True)
class OptionStats:
    option_id: str
    key: int  # the key the item has now
    n: int
    mean: float | None
    sd: float | None
    panel_key: int | None


@dataclass(frozen=True)
class ItemStats:
    """What a panel's ratings say about one item's options."""

    options: list[OptionStats]
    raters: int  # experts with at least one rating of the item
    experts: int  # experts who rated every option: the panel size the item can claim
    rwg: float | None
    icc: float | None
    gap: Gap | None
    panel_best: list[str]  # option ids with the highest mean
    key_best: list[str]  # option ids with the highest key now
    flags: list[str] = field(default_factory=list)

    @property
    def rated(self) -> bool:
        return self.raters > 0

    @property
    def best_differs(self) -> bool:
        return bool(self.panel_best) and not set(self.panel_best) & set(self.key_best)

    @property
    def agreeing(self) -> bool:
        """Agreement at the cut-off or above and a best option that stands apart."""
        return (self.rwg is not None and self.rwg >= LOW_AGREEMENT
                and self.gap is not None and self.gap.clearly_apart)

    def panel_keys(self) -> dict[str, int]:
        """Return the panel's key of every option; empty unless every option was rated."""
        keys = {o.option_id: o.panel_key for o in self.options}
        return {} if None in keys.values() else keys  # type: ignore[return-value]


def item_stats(keys: Mapping[str, int], ratings: Ratings) -> ItemStats:
    """Summarise the ratings of one item whose options (in file order) have these keys."""
    options = []
    for option_id, key in keys.items():
        values = [scores[option_id] for scores in ratings.values() if option_id in scores]
        spread = variance(values)
        options.append(OptionStats(option_id, key, len(values), mean(values),
                                   None if spread is None else math.sqrt(spread),
                                   panel_key(values)))
    complete = [scores for scores in ratings.values() if all(o in scores for o in keys)]
    variances = [o.sd**2 for o in options if o.sd is not None]
    rwg = rwg_j(variances, len(options))
    icc = icc_2k([[scores[o] for scores in complete] for o in keys]) if complete else None
    rated = sorted((o for o in options if o.mean is not None), key=lambda o: -o.mean)
    gap = (paired_gap(ratings, rated[0].option_id, rated[1].option_id,
                      rated[0].mean - rated[1].mean) if len(rated) >= 2 else None)
    top = rated[0].mean if rated else None
    stats = ItemStats(
        options=options, raters=sum(1 for scores in ratings.values() if scores),
        experts=len(complete), rwg=rwg, icc=icc, gap=gap,
        panel_best=[o.option_id for o in rated if o.mean == top],
        key_best=[o for o, key in keys.items() if key == max(keys.values())] if keys else [])
    stats.flags.extend(_flags(stats))
    return stats


def _flags(stats: ItemStats) -> list[str]:
    if not stats.rated:
        return []
    flags = []
    if stats.rwg is None or stats.rwg < LOW_AGREEMENT:
        flags.append(LOW_AGREEMENT_FLAG)
    if stats.gap is None or not stats.gap.clearly_apart:
        flags.append(NOT_APART_FLAG)
    if stats.best_differs:
        flags.append(BEST_DIFFERS_FLAG)
    return flags
