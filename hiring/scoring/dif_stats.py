"""The statistics of differential item functioning: Mantel-Haenszel, Mantel, ETS classes.

Pure arithmetic on stratified tables (hiring.scoring.dif builds the strata). Right-or-wrong
items: the Mantel-Haenszel common odds ratio alpha_MH (Mantel & Haenszel 1959), its
chi-square with the continuity correction, the ETS delta MH D-DIF = -2.35 ln(alpha_MH)
(Holland & Thayer 1988) and its standard error from the Robins-Breslow-Greenland (1986)
variance of ln(alpha_MH), the one Phillips & Holland (1987) derived for it. Items scored in
ordered steps: Mantel's (1963) chi-square for ordered responses (1 df, no continuity
correction) and the standardized mean difference SMD (Dorans & Schmitt 1991) with its
effect size SMD/SD.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

ALPHA = 0.05
Z_ONE_SIDED = 1.6448536269514722  # the 95th percentile of the standard normal
ScoreCounts = dict[float, int]  # item score -> candidates


class Table(NamedTuple):
    """One stratum's 2x2 table: reference right/wrong, focal right/wrong."""

    a: float
    b: float
    c: float
    d: float


@dataclass(frozen=True)
class MantelHaenszel:
    alpha: float | None  # common odds ratio, reference over focal; None when undefined
    chi_square: float
    p: float
    delta: float | None  # MH D-DIF
    se: float | None  # its standard error


@dataclass(frozen=True)
class Ordinal:
    chi_square: float
    p: float
    smd: float  # focal minus reference, in item-score units
    effect: float | None  # SMD / SD; None when the item does not vary


def chi_square_p(statistic: float) -> float:
    """Return P(chi-square with 1 df > statistic)."""
    return math.erfc(math.sqrt(max(statistic, 0.0) / 2))


def mantel_haenszel(tables: Iterable[Table]) -> MantelHaenszel:
    """Return alpha_MH, the corrected MH chi-square, MH D-DIF and its standard error."""
    sum_a = expected = variance = 0.0
    r_sum = s_sum = pr = ps_qr = qs = 0.0
    for a, b, c, d in tables:
        n = a + b + c + d
        n_ref, n_focal, right, wrong = a + b, c + d, a + c, b + d
        if n < 2 or not n_ref or not n_focal:
            continue
        sum_a += a
        expected += n_ref * right / n
        variance += n_ref * n_focal * right * wrong / (n * n * (n - 1))
        r, s = a * d / n, b * c / n
        p, q = (a + d) / n, (b + c) / n
        r_sum, s_sum = r_sum + r, s_sum + s
        pr, ps_qr, qs = pr + p * r, ps_qr + p * s + q * r, qs + q * s
    chi = (max(abs(sum_a - expected) - 0.5, 0.0) ** 2 / variance) if variance > 0 else 0.0
    if r_sum <= 0 or s_sum <= 0:
        return MantelHaenszel(None, chi, chi_square_p(chi), None, None)
    alpha = r_sum / s_sum
    var_log = (pr / (2 * r_sum ** 2) + ps_qr / (2 * r_sum * s_sum)
               + qs / (2 * s_sum ** 2))
    return MantelHaenszel(alpha, chi, chi_square_p(chi), -2.35 * math.log(alpha),
                          2.35 * math.sqrt(var_log))


def _moments(counts: ScoreCounts) -> tuple[float, float, float]:
    n = sum(counts.values())
    return (n, sum(y * k for y, k in counts.items()),
            sum(y * y * k for y, k in counts.items()))


def mantel_ordinal(strata: Sequence[tuple[ScoreCounts, ScoreCounts]]) -> Ordinal:
    """Return Mantel's chi-square for ordered scores and the SMD with its effect size.

    strata: per stratum, the reference's and the focal group's counts per item score."""
    focal_sum = expected = variance = 0.0
    smd_terms, n_focal_all = 0.0, 0.0
    total: Counter[float] = Counter()
    for reference, focal in strata:
        total.update(reference)
        total.update(focal)
        n_r, sum_r, _ = _moments(reference)
        n_f, sum_f, _ = _moments(focal)
        n, sum_y, sum_y2 = _moments(Counter(reference) + Counter(focal))
        if not n_r or not n_f:
            continue
        focal_sum += sum_f
        expected += n_f * sum_y / n
        if n > 1:
            variance += n_r * n_f * (n * sum_y2 - sum_y ** 2) / (n * n * (n - 1))
        smd_terms += n_f * (sum_f / n_f - sum_r / n_r)
        n_focal_all += n_f
    chi = (focal_sum - expected) ** 2 / variance if variance > 0 else 0.0
    smd = smd_terms / n_focal_all if n_focal_all else 0.0
    n, sum_y, sum_y2 = _moments(total)
    sd = math.sqrt((sum_y2 - sum_y ** 2 / n) / (n - 1)) if n > 1 else 0.0
    return Ordinal(chi, chi_square_p(chi), smd, smd / sd if sd > 1e-12 else None)


def classify_binary(delta: float, se: float, p: float) -> str:
    """Return the ETS class of a right-or-wrong item.

    ETS rules (Zwick 2012, "A review of ETS differential item functioning assessment
    procedures", ETS RR-12-08, p. 4; Paek & Holland 2015, Psychometrika 80(2), on the
    interval test): A when MH D-DIF is not significantly different from 0 (MH
    chi-square, 5%) or |MH D-DIF| < 1; C when |MH D-DIF| >= 1.5 and significantly
    greater than 1 (one-sided 5%: (|D| - 1) / SE > 1.645); B otherwise. NAEP's technical
    documentation states the same rules ("Categorization of Items According to DIF
    Criteria", nces.ed.gov/nationsreportcard/tdw/analysis/scaling_checks_dif_categ.aspx)."""
    size = abs(delta)
    if p >= ALPHA or size < 1:
        return "A"
    if size >= 1.5 and (size - 1) / se > Z_ONE_SIDED:
        return "C"
    return "B"


def classify_ordinal(p: float, effect: float) -> str:
    """Return the ETS class of an item scored in ordered steps.

    ETS rules for polytomous items (Zwick, Thayer & Mazzeo 1997, Applied Measurement in
    Education 10(4); Zwick 2012, p. 5): AA when Mantel's chi-square is not significant
    (5%) or |SMD/SD| <= .17; CC when it is significant and |SMD/SD| > .25; BB otherwise.
    SD is the item's standard deviation in the reference and focal groups together, the
    total group of the comparison (as in Zwick, Thayer & Mazzeo), not the reference group
    alone."""
    size = abs(effect)
    if p >= ALPHA or size <= 0.17:
        return "AA"
    if size > 0.25:
        return "CC"
    return "BB"
