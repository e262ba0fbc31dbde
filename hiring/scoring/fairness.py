"""Statistics for adverse impact and criterion validity: pure functions, no database.

Adverse impact (29 CFR 1607.4(D)): each group's selection rate, its impact ratio against
the group with the highest rate (four-fifths rule: below 0.8 is flagged), Fisher's exact
test and the pooled two-proportion z-test of the group against that group. Groups under a
minimum size are suppressed: they get no rate, no ratio and no test.

Criterion validity: Pearson's r (point-biserial where the outcome is 0/1) with its 95%
interval from Fisher's z, and Thorndike's case II correction for direct range restriction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

FOUR_FIFTHS = 0.8
MIN_CELL = 5  # groups smaller than this are suppressed
MIN_EXPECTED = 5  # a 2x2 table with an expected count below this: the z-test is unreliable
MIN_GROUP = 30  # a smaller group is shown with a warning: one person moves its rate a lot
MIN_CORRELATION_N = 4  # Fisher's z interval needs n - 3 > 0
Z_95 = 1.959963984540054


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Return the two-sided p of Fisher's exact test on the table [[a, b], [c, d]].

    Two-sided as in R's fisher.test and SciPy: the sum of the probabilities of every table
    with the same margins that is no more probable than the one observed (with a relative
    tolerance of 1e-7 for ties).
    """
    if min(a, b, c, d) < 0:
        raise ValueError("counts cannot be negative")
    row1, row2, col1 = a + b, c + d, a + c
    total = row1 + row2
    if total == 0:
        return 1.0
    low, high = max(0, col1 - row2), min(row1, col1)

    def log_p(x: int) -> float:
        return _log_choose(row1, x) + _log_choose(row2, col1 - x) - _log_choose(total, col1)

    observed = log_p(a)
    cutoff = observed + math.log1p(1e-7)
    p = sum(math.exp(log_p(x)) for x in range(low, high + 1) if log_p(x) <= cutoff)
    return min(1.0, p)


@dataclass(frozen=True)
class ZTest:
    z: float
    p: float


def two_proportion_z(selected_1: int, n_1: int, selected_2: int, n_2: int) -> ZTest | None:
    """Compare two selection rates with the pooled standard error; None when it is zero."""
    if n_1 <= 0 or n_2 <= 0:
        return None
    pooled = (selected_1 + selected_2) / (n_1 + n_2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_1 + 1 / n_2))
    if se == 0:
        return None
    z = (selected_1 / n_1 - selected_2 / n_2) / se
    return ZTest(z, math.erfc(abs(z) / math.sqrt(2)))


@dataclass(frozen=True)
class GroupImpact:
    group: str
    n: int
    selected: int
    suppressed: bool  # n under the minimum: no rate, ratio or test shown
    rate: float | None = None
    impact_ratio: float | None = None  # rate / the highest rate
    flagged: bool = False  # impact ratio under four fifths
    fisher_p: float | None = None  # against the reference group
    z: ZTest | None = None
    small: bool = False  # under MIN_GROUP, or an expected count under 5 against the reference
    reference: bool = False


@dataclass(frozen=True)
class ImpactReport:
    groups: list[GroupImpact]
    reference: str | None  # the group with the highest rate
    min_cell: int

    @property
    def flagged(self) -> list[GroupImpact]:
        return [g for g in self.groups if g.flagged]

    @property
    def suppressed(self) -> list[GroupImpact]:
        return [g for g in self.groups if g.suppressed]

    @property
    def small(self) -> list[GroupImpact]:
        return [g for g in self.groups if g.small]


def _small(a: int, b: int, c: int, d: int) -> bool:
    total = a + b + c + d
    if total == 0:
        return True
    rows, cols = (a + b, c + d), (a + c, b + d)
    return any(r * k / total < MIN_EXPECTED for r in rows for k in cols)


def adverse_impact(selected: Mapping[str, Sequence[bool]], *, min_cell: int = MIN_CELL,
                   threshold: float = FOUR_FIFTHS, min_group: int = MIN_GROUP) -> ImpactReport:
    """Compare each group's selection rate with the highest; `selected` holds one flag a person.

    The reference is the unsuppressed group with the highest rate (ties: the larger group,
    then the name). Where the highest rate is 0 nobody was selected and there is no ratio.
    """
    counts = {group: (len(flags), sum(1 for f in flags if f))
              for group, flags in selected.items()}
    shown = {g: (n, s) for g, (n, s) in counts.items() if n >= min_cell}
    reference = max(shown, key=lambda g: (shown[g][1] / shown[g][0], shown[g][0], g),
                    default=None)
    groups = []
    for group in sorted(counts):
        n, s = counts[group]
        if group not in shown:
            groups.append(GroupImpact(group, n, s, suppressed=True))
            continue
        rate = s / n
        ref_n, ref_s = shown[reference]
        ref_rate = ref_s / ref_n
        if group == reference:
            groups.append(GroupImpact(group, n, s, False, rate,
                                      1.0 if ref_rate > 0 else None, small=n < min_group,
                                      reference=True))
            continue
        ratio = rate / ref_rate if ref_rate > 0 else None
        # Exact fractions: 32/50 against 40/50 is 0.8, not 0.7999999999999999.
        under = ref_s > 0 and Fraction(s * ref_n, n * ref_s) < Fraction(str(threshold))
        table = (s, n - s, ref_s, ref_n - ref_s)
        groups.append(GroupImpact(
            group, n, s, False, rate, ratio,
            flagged=under,
            fisher_p=fisher_exact(*table), z=two_proportion_z(s, n, ref_s, ref_n),
            small=n < min_group or _small(*table)))
    return ImpactReport(groups, reference, min_cell)


@dataclass(frozen=True)
class Correlation:
    r: float
    n: int
    low: float  # 95% interval
    high: float

    @property
    def spans_zero(self) -> bool:
        return self.low <= 0 <= self.high


def _interval(r: float, n: int) -> tuple[float, float]:
    if abs(r) >= 1:
        return r, r
    z, half = math.atanh(r), Z_95 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> Correlation | None:
    """Return r with its 95% interval (Fisher's z); None under 4 pairs or without variance."""
    if len(xs) != len(ys):
        raise ValueError("the two lists differ in length")
    n = len(xs)
    if n < MIN_CORRELATION_N:
        return None
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    return Correlation(r, n, *_interval(r, n))


def is_binary(values: Sequence[float]) -> bool:
    """Say whether every value is 0 or 1 (retention, for example)."""
    return all(v in (0, 1) for v in values)


def point_biserial(scores: Sequence[float], outcome: Sequence[float]) -> Correlation | None:
    """Return Pearson's r of a score with a 0/1 outcome (the point-biserial correlation)."""
    if not is_binary(outcome):
        raise ValueError("a point-biserial correlation needs a 0/1 outcome")
    return pearson(scores, outcome)


def standard_deviation(values: Sequence[float]) -> float | None:
    """Return the sample SD (n - 1); None under two values."""
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def thorndike_ii(r: float, unrestricted_sd: float, restricted_sd: float) -> float:
    """Correct r for direct range restriction on the predictor (Thorndike's case II).

    u = unrestricted SD / restricted SD (all applicants / those with an outcome);
    r_c = r u / sqrt(1 + r^2 (u^2 - 1)).
    """
    if unrestricted_sd <= 0 or restricted_sd <= 0:
        raise ValueError("standard deviations must be positive")
    u = unrestricted_sd / restricted_sd
    return r * u / math.sqrt(1 + r * r * (u * u - 1))


def corrected(correlation: Correlation, unrestricted_sd: float,
              restricted_sd: float) -> Correlation:
    """Correct r and both ends of its interval for range restriction (the map is monotonic)."""
    def fix(value: float) -> float:
        return thorndike_ii(value, unrestricted_sd, restricted_sd)
    return Correlation(fix(correlation.r), correlation.n, fix(correlation.low),
                       fix(correlation.high))
