"""Adverse impact and criterion validity statistics, checked against hand computations."""

import math
import random

import pytest

from hiring.scoring.fairness import (
    adverse_impact,
    corrected,
    fisher_exact,
    pearson,
    point_biserial,
    standard_deviation,
    thorndike_ii,
    two_proportion_z,
)


def test_fisher_tea_tasting():
    # Fisher's lady tasting tea, [[3, 1], [1, 3]]: all margins 4, n = 8, so
    # P(x) = C(4, x) C(4, 4 - x) / C(8, 4) = (1, 16, 36, 16, 1) / 70 for x = 0..4.
    # Observed x = 3 (16/70); tables no more probable: x = 0, 1, 3, 4 -> 34/70 = 0.4857.
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(34 / 70)
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(0.4857, abs=1e-4)


def test_fisher_small_table_by_hand():
    # [[2, 6], [6, 2]]: margins 8, 8, 8, n = 16; P(x) = C(8, x)^2 / C(16, 8), C(16, 8) = 12870;
    # C(8, x)^2 = 1, 64, 784, 3136, 4900, 3136, 784, 64, 1. Observed x = 2 (784):
    # tables at most as probable are x = 0, 1, 2, 6, 7, 8 -> 2 (1 + 64 + 784) = 1698.
    # R: fisher.test(matrix(c(2, 6, 6, 2), 2))$p.value = 0.1319.
    assert fisher_exact(2, 6, 6, 2) == pytest.approx(1698 / 12870)
    assert fisher_exact(2, 6, 6, 2) == pytest.approx(0.1319, abs=1e-4)


def test_fisher_extremes():
    assert fisher_exact(0, 0, 0, 0) == 1.0
    assert fisher_exact(5, 5, 5, 5) == pytest.approx(1.0)
    # [[10, 0], [0, 10]]: only x = 0 and x = 10 are as extreme: 2 / C(20, 10) = 2 / 184756.
    assert fisher_exact(10, 0, 0, 10) == pytest.approx(2 / 184756)
    with pytest.raises(ValueError):
        fisher_exact(-1, 2, 3, 4)


def test_two_proportion_z_by_hand():
    # 2 of 8 against 6 of 8: pooled p = 8/16 = 0.5, SE = sqrt(0.25 (1/8 + 1/8)) = 0.25,
    # z = (0.25 - 0.75) / 0.25 = -2, two-sided p = 2 (1 - Phi(2)) = 0.0455.
    test = two_proportion_z(2, 8, 6, 8)
    assert test.z == pytest.approx(-2.0)
    assert test.p == pytest.approx(0.0455003, abs=1e-6)
    assert two_proportion_z(0, 8, 0, 8) is None  # nobody selected: no standard error
    assert two_proportion_z(1, 0, 1, 5) is None


def test_impact_ratio_small_table():
    # Men 6 of 8 selected (0.75), women 2 of 8 (0.25): ratio 0.25 / 0.75 = 1/3 < 0.8.
    # A group of 4 is under the minimum of 5: suppressed, no rate, no ratio.
    report = adverse_impact({
        "men": [True] * 6 + [False] * 2,
        "women": [True] * 2 + [False] * 6,
        "other": [True, False, False, False],
    })
    assert report.reference == "men"
    by_group = {g.group: g for g in report.groups}
    men, women, other = by_group["men"], by_group["women"], by_group["other"]
    assert men.reference and men.impact_ratio == 1.0 and not men.flagged
    assert men.fisher_p is None
    assert women.rate == 0.25
    assert women.impact_ratio == pytest.approx(1 / 3)
    assert women.flagged
    assert women.fisher_p == pytest.approx(1698 / 12870)
    assert women.z.z == pytest.approx(-2.0)
    # Expected counts 8 x 8 / 16 = 4 < 5: warned.
    assert women.small
    assert other.suppressed and other.rate is None and other.impact_ratio is None
    assert other.fisher_p is None and not other.flagged
    assert other.n == 4
    assert report.flagged == [women]
    assert report.suppressed == [other]


def test_impact_ratio_at_four_fifths_is_not_flagged():
    # 40 of 50 against 32 of 50: ratio 0.64 / 0.8 = 0.8 exactly, not under four fifths.
    report = adverse_impact({"a": [True] * 40 + [False] * 10,
                             "b": [True] * 32 + [False] * 18})
    b = next(g for g in report.groups if g.group == "b")
    assert b.impact_ratio == pytest.approx(0.8)
    assert not b.flagged
    assert not b.small  # expected counts 36 and 14 in each row


def test_small_groups_are_warned_about():
    # 12 of 20 against 30 of 40: expected counts 14, 6, 28, 12 are all 5 or more, but a group
    # of 20 is under 30; the reference group of 40 is not.
    report = adverse_impact({"a": [True] * 30 + [False] * 10,
                             "b": [True] * 12 + [False] * 8})
    a, b = report.groups
    assert a.reference and not a.small
    assert b.small and b.impact_ratio == pytest.approx(0.8)
    assert not adverse_impact({"a": [True] * 30 + [False] * 10,
                               "b": [True] * 12 + [False] * 8}, min_group=20).groups[1].small


def test_impact_nobody_selected_has_no_ratio():
    report = adverse_impact({"a": [False] * 10, "b": [False] * 10})
    assert all(g.impact_ratio is None and not g.flagged for g in report.groups)


def test_impact_min_cell_is_a_setting():
    report = adverse_impact({"a": [True] * 9 + [False], "b": [True] * 3 + [False] * 7},
                            min_cell=11)
    assert report.reference is None
    assert all(g.suppressed for g in report.groups)


def _simulate(rate_a: float, rate_b: float, n: int, seed: int) -> dict:
    rng = random.Random(seed)
    return {"a": [rng.random() < rate_a for _ in range(n)],
            "b": [rng.random() < rate_b for _ in range(n)]}


def test_planted_impact_ratio_of_0_7_is_flagged():
    report = adverse_impact(_simulate(0.5, 0.35, 2000, seed=17))
    b = next(g for g in report.groups if g.group == "b")
    assert report.reference == "a"
    assert b.impact_ratio == pytest.approx(0.7, abs=0.05)
    assert b.flagged
    assert b.fisher_p < 0.001 and b.z.p < 0.001


def test_planted_impact_ratio_of_1_is_not_flagged():
    report = adverse_impact(_simulate(0.5, 0.5, 2000, seed=17))
    assert report.flagged == []
    ratios = [g.impact_ratio for g in report.groups]
    assert min(ratios) > 0.9


def test_pearson_and_interval_by_hand():
    # x = 1..5, y = 2, 4, 5, 4, 5: means 3 and 4; deviations (-2, -1, 0, 1, 2) and
    # (-2, 0, 1, 0, 1); Sxy = 4 + 2 = 6, Sxx = 10, Syy = 6; r = 6 / sqrt(60) = 0.7746.
    # Fisher z = atanh(0.7746) = 1.0317, SE = 1 / sqrt(5 - 3) = 0.7071,
    # 1.0317 -/+ 1.96 x 0.7071 = -0.3542 .. 2.4176 -> tanh: -0.3401 .. 0.9842.
    result = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
    assert result.n == 5
    assert result.r == pytest.approx(6 / math.sqrt(60))
    assert result.low == pytest.approx(-0.3401, abs=1e-4)
    assert result.high == pytest.approx(0.9842, abs=1e-4)
    assert result.spans_zero


def test_pearson_needs_four_pairs_and_variance():
    assert pearson([1, 2, 3], [1, 2, 3]) is None
    assert pearson([1, 2, 3, 4], [5, 5, 5, 5]) is None
    with pytest.raises(ValueError):
        pearson([1, 2, 3, 4], [1, 2, 3])
    perfect = pearson([1, 2, 3, 4], [2, 4, 6, 8])
    assert perfect.r == pytest.approx(1.0) and perfect.low == perfect.high


def test_point_biserial_by_hand():
    # Scores 1..6, retained 0, 0, 0, 1, 1, 1: M1 = 5, M0 = 2, population SD = sqrt(35/12),
    # p = q = 1/2: r_pb = (M1 - M0) / SD x sqrt(pq) = 3 / 1.70783 x 0.5 = 0.8783.
    result = point_biserial([1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1])
    assert result.r == pytest.approx(0.8783, abs=1e-4)
    assert not result.spans_zero
    with pytest.raises(ValueError):
        point_biserial([1, 2, 3, 4], [0, 1, 2, 1])


def test_thorndike_case_ii_known_example():
    # r = 0.30 among the hired, SD 10 among all applicants, 5 among the hired: u = 2,
    # r_c = 0.3 x 2 / sqrt(1 + 0.09 (4 - 1)) = 0.6 / sqrt(1.27) = 0.5324.
    assert thorndike_ii(0.3, 10, 5) == pytest.approx(0.5324, abs=1e-4)
    # No restriction (u = 1): unchanged; a negative r stays negative.
    assert thorndike_ii(0.3, 7, 7) == pytest.approx(0.3)
    assert thorndike_ii(-0.3, 10, 5) == pytest.approx(-0.5324, abs=1e-4)
    with pytest.raises(ValueError):
        thorndike_ii(0.3, 0, 5)


def test_corrected_interval_follows_the_correction():
    result = corrected(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]), 10, 5)
    assert result.r == pytest.approx(thorndike_ii(6 / math.sqrt(60), 10, 5))
    assert result.low == pytest.approx(thorndike_ii(-0.34008, 10, 5), abs=1e-4)
    assert result.low < result.r < result.high <= 1


def test_standard_deviation():
    assert standard_deviation([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(math.sqrt(32 / 7))
    assert standard_deviation([3]) is None
