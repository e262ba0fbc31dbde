"""How precise a score is: its reliability, its standard error of measurement and its band.

Items are drawn at random per attempt, so no two candidates need share a form. The model
is therefore the one of items nested in candidates (one-way random effects): an item score
is the candidate's level on the scale plus an error of that item for that candidate. Its
share of the item-score variance that is the candidate's is the intraclass correlation of
item scores within candidates, ICC(1), written r here. From it:

- the reliability of a score over n items is n r / (1 + (n - 1) r) (Spearman-Brown; for
  parallel items it equals Cronbach's alpha);
- the standard error of measurement (SEM) of the mean of n items is
  SD_item * sqrt((1 - r) / n), which is SD_score * sqrt(1 - reliability);
- the 95% band is the score plus and minus 1.96 SEM.

r and SD_item are estimated from the assessment's completed attempts once there are
enough of them (MIN_ATTEMPTS), with a bootstrap interval; before that a stated prior is
used (PRIORS), and the profile says so.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Z_95 = 1.96
MIN_ATTEMPTS = 50  # attempts with two or more items on the scale before the data decide
BOOTSTRAP_SAMPLES = 200
MIN_SUBSCORE_RELIABILITY = 0.7

# Prior (item score SD on 0..1, ICC(1)) per scale, until the data are enough. Situational
# items correlate weakly with each other (internal consistencies of 20-30 item SJTs are
# typically .6-.7: r = 0.08 gives 0.63 at 20 items); right/wrong math and reading items
# more (r = 0.25: 0.67 at 6 items). A scale of one item (typing, one written reply) has no
# pairs to estimate r from: r is then that one item's reliability (typing tests retest at
# about .85; one written sample rated by two raters about .5).
PRIORS: dict[str, tuple[float, float]] = {
    "judgement": (0.30, 0.08),
    "numeracy": (0.45, 0.25),
    "reading": (0.45, 0.25),
    "typing": (0.20, 0.85),
    "writing": (0.20, 0.50),
}
DEFAULT_PRIOR = (0.35, 0.15)


@dataclass(frozen=True)
class ScaleModel:
    """The precision of one scale's scores: item-score SD and ICC(1), and their source."""

    scale: str
    item_sd: float  # SD of item scores (0..1)
    icc: float  # r: the candidates' share of item-score variance
    source: str = "prior"  # "prior" or "data"
    n_attempts: int = 0  # attempts behind a data estimate (or seen so far, for a prior)
    items: int = 0  # the scale's usual number of items, for the reliability reported
    interval: tuple[float, float] | None = None  # 95% bootstrap interval of reliability()

    @classmethod
    def prior(cls, scale: str, items: int = 0, n_attempts: int = 0) -> ScaleModel:
        item_sd, icc = PRIORS.get(scale, DEFAULT_PRIOR)
        return cls(scale, item_sd, icc, "prior", n_attempts, items)

    def reliability(self, n: int | None = None) -> float:
        """Return the reliability of a score over n items (default: the usual number)."""
        n = n or self.items or 1
        return reliability_at(self.icc, n)

    def sem(self, n: int) -> float:
        """Return the standard error of measurement of a score over n items, 0-100."""
        return 100 * self.item_sd * math.sqrt((1 - self.icc) / max(n, 1))

    def band(self, score: float, n: int) -> tuple[float, float]:
        """Return the 95% band of a 0-100 score over n items, kept within 0-100."""
        half = Z_95 * self.sem(n)
        return round(max(0.0, score - half), 1), round(min(100.0, score + half), 1)


def reliability_at(icc: float, n: int) -> float:
    """Spearman-Brown: the reliability of the mean of n items whose ICC(1) is icc."""
    return n * icc / (1 + (n - 1) * icc) if n > 0 else 0.0


@dataclass(frozen=True)
class Moments:
    """Sums over attempts that give the item-score variance and the within-candidate
    covariance: enough to estimate ICC(1) without keeping the scores."""

    n_scores: int = 0
    total: float = 0.0  # sum of item scores
    squares: float = 0.0  # sum of squared item scores
    pair_attempts: int = 0  # attempts with two or more items
    pairs: float = 0.0  # sum over attempts of n (n - 1)
    cross: float = 0.0  # sum over attempts of (sum x)^2 - sum x^2 (raw cross products)
    weighted_sums: float = 0.0  # sum over attempts of (n - 1) * sum x

    @classmethod
    def of(cls, attempts: Sequence[Sequence[float]]) -> Moments:
        return cls.of_sums(_sums(attempts))

    @classmethod
    def of_sums(cls, sums: Iterable[tuple[int, float, float]]) -> Moments:
        """Add up per attempt (n, sum x, sum x^2): the bootstrap resamples these, so each
        replicate costs one step per attempt rather than one per item score."""
        n_scores = total = squares = pairs = cross = weighted = 0.0
        pair_attempts = 0
        for n, s, q in sums:
            n_scores, total, squares = n_scores + n, total + s, squares + q
            if n >= 2:
                pair_attempts += 1
                pairs += n * (n - 1)
                cross += s * s - q
                weighted += (n - 1) * s
        return cls(int(n_scores), total, squares, pair_attempts, pairs, cross, weighted)

    def estimate(self) -> tuple[float, float] | None:
        """Return (item SD, ICC(1)) or None when they cannot be estimated."""
        if self.n_scores < 2 or self.pairs == 0:
            return None
        mean = self.total / self.n_scores
        variance = self.squares / self.n_scores - mean * mean
        if variance <= 1e-12:
            return None
        # sum over pairs of (x - m)(y - m) = cross - 2 m sum_pairs_x + m^2 pairs, where each
        # score x of an attempt with n items enters n - 1 ordered pairs on each side
        covariance = (self.cross - 2 * mean * self.weighted_sums
                      + mean * mean * self.pairs) / self.pairs
        icc = min(max(covariance / variance, 0.0), 0.99)
        return math.sqrt(variance), icc


def _sums(attempts: Iterable[Sequence[float]]) -> list[tuple[int, float, float]]:
    return [(len(scores), sum(scores), sum(x * x for x in scores)) for scores in attempts]


def estimate(scale: str, attempts: Sequence[Sequence[float]], *, items: int,
             rng: random.Random | None = None, min_attempts: int = MIN_ATTEMPTS,
             samples: int = BOOTSTRAP_SAMPLES) -> ScaleModel:
    """Estimate a scale's precision from its attempts' item scores (0..1 each).

    Below min_attempts attempts with two or more items, the prior is returned (with the
    number of attempts seen), and so it is when the data give no variance."""
    usable = _sums(scores for scores in attempts if len(scores) >= 2)
    found = Moments.of_sums(usable).estimate() if len(usable) >= min_attempts else None
    if found is None:
        return ScaleModel.prior(scale, items, len(usable))
    item_sd, icc = found
    rng = rng or random.Random(0)  # noqa: S311 - a reproducible interval, not a secret
    replicates = []
    for _ in range(samples):
        resample = [usable[rng.randrange(len(usable))] for _ in usable]
        again = Moments.of_sums(resample).estimate()
        if again is not None:
            replicates.append(reliability_at(again[1], items or 1))
    interval = None
    if len(replicates) >= 20:
        replicates.sort()
        interval = (round(replicates[int(0.025 * (len(replicates) - 1))], 3),
                    round(replicates[int(round(0.975 * (len(replicates) - 1)))], 3))
    return ScaleModel(scale, item_sd, icc, "data", len(usable), items, interval)


@dataclass(frozen=True)
class SubscoreValue:
    """Haberman's (2008) criterion: does a subscore predict its own true score better than
    the composite does? PRMSE: the proportional reduction in mean squared error."""

    prmse_subscore: float  # = the subscore's reliability
    prmse_composite: float
    n_attempts: int

    @property
    def adds_value(self) -> bool:
        return (self.prmse_subscore > self.prmse_composite
                and self.prmse_subscore >= MIN_SUBSCORE_RELIABILITY)


def subscore_value(subscores: Sequence[float], composites: Sequence[float],
                   reliability: float) -> SubscoreValue | None:
    """Compare a subscore with the composite it is part of (sums over the same items).

    With S the subscore, C the composite that contains it and rho the subscore's
    reliability: var(true S) = rho var(S), and the subscore's error is also in C, so
    cov(true S, C) = cov(S, C) - (1 - rho) var(S). The composite's PRMSE is the squared
    correlation of true S with C: cov(true S, C)^2 / (var(true S) var(C))."""
    n = len(subscores)
    if n < 3 or len(composites) != n or reliability <= 0:
        return None
    var_s, var_c = statistics.pvariance(subscores), statistics.pvariance(composites)
    if var_s <= 0 or var_c <= 0:
        return None
    mean_s, mean_c = statistics.fmean(subscores), statistics.fmean(composites)
    cov = sum((s - mean_s) * (c - mean_c) for s, c in zip(subscores, composites,
                                                             strict=True)) / n
    true_cov = cov - (1 - reliability) * var_s
    prmse_c = true_cov * true_cov / (reliability * var_s * var_c)
    return SubscoreValue(round(reliability, 4), round(min(prmse_c, 1.0), 4), n)
