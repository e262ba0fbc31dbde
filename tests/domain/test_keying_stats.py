"""A panel's agreement statistics, checked against small tables worked out by hand."""

from __future__ import annotations

import pytest

from hiring.keying import stats

# Table A: three experts rate the four options of an item keyed a5 b3 c2 d1.
#
#            a  b  c  d
#   e1       5  3  2  1
#   e2       4  3  1  1
#   e3       5  2  2  1
#
# Option means 14/3, 8/3, 5/3, 1. Sample variances: a, b and c each have deviations
# (1/3, 1/3, -2/3) in some order, squares summing to 6/9, over n - 1 = 2: 1/3; d: 0.
TABLE_A = {"e1": {"a": 5, "b": 3, "c": 2, "d": 1},
           "e2": {"a": 4, "b": 3, "c": 1, "d": 1},
           "e3": {"a": 5, "b": 2, "c": 2, "d": 1}}
KEYS = {"a": 5, "b": 3, "c": 2, "d": 1}


def test_option_means_and_standard_deviations():
    result = stats.item_stats(KEYS, TABLE_A)
    by_id = {o.option_id: o for o in result.options}
    assert [o.option_id for o in result.options] == ["a", "b", "c", "d"]  # the file's order
    assert by_id["a"].n == 3
    assert by_id["a"].mean == pytest.approx(14 / 3)
    assert by_id["a"].sd == pytest.approx((1 / 3) ** 0.5)
    assert by_id["d"].sd == 0
    assert [o.panel_key for o in result.options] == [5, 3, 2, 1]


def test_rwg_j_of_table_a():
    # s̄² = (1/3 + 1/3 + 1/3 + 0) / 4 = 1/4; s̄²/σ²_EU = (1/4) / 2 = 1/8; J = 4:
    # r_wg(J) = 4 (1 - 1/8) / (4 (1 - 1/8) + 1/8) = 3.5 / 3.625 = 28/29 = 0.9655
    assert stats.NULL_VARIANCE == 2
    assert stats.item_stats(KEYS, TABLE_A).rwg == pytest.approx(28 / 29)
    assert stats.rwg_j([1 / 3, 1 / 3, 1 / 3, 0], 4) == pytest.approx(28 / 29)


def test_rwg_j_is_one_without_variance_and_zero_beyond_random():
    assert stats.rwg_j([0, 0, 0, 0], 4) == 1
    # Two experts rating 1 and 5 disagree more than random answers: variance 8 > 2.
    assert stats.rwg_j([8, 8, 8, 8], 4) == 0
    # s̄² = 2 exactly: 4 (1 - 1) / (0 + 1) = 0.
    assert stats.rwg_j([2, 2], 4) == 0
    # s̄² = 1, ratio 1/2, J = 5: 5 * 0.5 / (2.5 + 0.5) = 5/6.
    assert stats.rwg_j([1, 1, 1, 1, 1], 5) == pytest.approx(5 / 6)
    assert stats.rwg_j([], 4) is None


def test_icc_2k_of_table_a():
    # Targets (rows) are the options, raters (columns) the experts: n = 4, k = 3.
    #   row sums 14, 8, 5, 3; column sums 11, 9, 10; grand mean 30 / 12 = 2.5
    #   SS_rows = k * Σ(row mean - 2.5)² = 3 * (169 + 1 + 25 + 81) / 36 = 23
    #   SS_cols = n * Σ(col mean - 2.5)² = 4 * (0.0625 + 0.0625 + 0) = 0.5
    #   SS_total = Σx² - 30²/12 = 100 - 75 = 25; SS_error = 25 - 23 - 0.5 = 1.5
    #   MS_rows = 23/3, MS_cols = 0.5/2 = 0.25, MS_error = 1.5/6 = 0.25
    #   ICC(2,k) = (23/3 - 1/4) / (23/3 + (1/4 - 1/4)/4) = 89/92 = 0.9674
    table = [[5, 4, 5], [3, 3, 2], [2, 1, 2], [1, 1, 1]]
    assert stats.icc_2k(table) == pytest.approx(89 / 92)
    assert stats.item_stats(KEYS, TABLE_A).icc == pytest.approx(89 / 92)


def test_icc_2k_with_rater_differences():
    # Two experts, three options; the second rates every option one point higher.
    #   rows 1 2 / 3 4 / 5 6: row means 1.5, 3.5, 5.5; grand 3.5; column means 3, 4
    #   SS_rows = 2 * (4 + 0 + 4) = 16; SS_cols = 3 * (0.25 + 0.25) = 1.5
    #   SS_total = Σ(x - 3.5)² = 6.25 + 2.25 + 0.25 + 0.25 + 2.25 + 6.25 = 17.5
    #   SS_error = 17.5 - 16 - 1.5 = 0; MS_rows = 8, MS_cols = 1.5, MS_error = 0
    #   ICC(2,k) = (8 - 0) / (8 + (1.5 - 0) / 3) = 8 / 8.5 = 16/17
    assert stats.icc_2k([[1, 2], [3, 4], [5, 6]]) == pytest.approx(16 / 17)


def test_icc_2k_is_undefined_without_variation_or_raters():
    assert stats.icc_2k([[3, 3], [3, 3]]) is None
    assert stats.icc_2k([[3], [4]]) is None
    assert stats.icc_2k([[3, 4]]) is None


def test_icc_counts_only_experts_who_rated_every_option():
    partial = dict(TABLE_A, e4={"a": 1, "b": 5})  # rated two options only
    result = stats.item_stats(KEYS, partial)
    assert result.raters == 4 and result.experts == 3
    assert result.icc == pytest.approx(89 / 92)
    assert {o.option_id: o.n for o in result.options} == {"a": 4, "b": 4, "c": 3, "d": 3}


def test_the_gap_of_table_a_is_not_clearly_apart_with_three_experts():
    # Best a (mean 14/3), second b (8/3): gap 2. Paired differences a - b: 2, 1, 3;
    # mean 2, variance ((0)² + (-1)² + 1²) / 2 = 1, standard error 1/√3 = 0.57735;
    # t(0.975, 2) = 4.3027, so 2 ± 2.4842: (-0.4842, 4.4842), which includes 0.
    gap = stats.item_stats(KEYS, TABLE_A).gap
    assert (gap.best, gap.second, gap.pairs) == ("a", "b", 3)
    assert gap.gap == pytest.approx(2)
    assert gap.low == pytest.approx(2 - 4.3027 / 3**0.5)
    assert gap.high == pytest.approx(2 + 4.3027 / 3**0.5)
    assert gap.low == pytest.approx(-0.4842, abs=1e-4)
    assert not gap.clearly_apart


# Table B: five experts; a - b differences 2, 1, 1, 2, 1.
TABLE_B = {"e1": {"a": 5, "b": 3, "c": 2, "d": 1},
           "e2": {"a": 5, "b": 4, "c": 2, "d": 1},
           "e3": {"a": 4, "b": 3, "c": 1, "d": 2},
           "e4": {"a": 5, "b": 3, "c": 2, "d": 1},
           "e5": {"a": 5, "b": 4, "c": 2, "d": 1}}


def test_the_gap_of_table_b_stands_clearly_apart():
    # Mean difference 7/5 = 1.4; deviations 0.6, -0.4, -0.4, 0.6, -0.4, squares sum to
    # 1.2, variance 1.2 / 4 = 0.3, standard error √(0.3 / 5) = 0.24495;
    # t(0.975, 4) = 2.7764, half width 0.68008: (0.7199, 2.0801), above 0.
    result = stats.item_stats(KEYS, TABLE_B)
    gap = result.gap
    assert gap.gap == pytest.approx(24 / 5 - 17 / 5)
    assert gap.low == pytest.approx(0.7199, abs=1e-4)
    assert gap.high == pytest.approx(2.0801, abs=1e-4)
    assert gap.clearly_apart
    # Variances: a (5,5,4,5,5) 0.2; b (3,4,3,3,4) 0.3; c (2,2,1,2,2) 0.2; d (1,1,2,1,1) 0.2
    # s̄² = 0.9 / 4 = 0.225; ratio 0.1125; r_wg(J) = 4 * 0.8875 / (3.55 + 0.1125) = 0.9693
    assert result.rwg == pytest.approx(3.55 / 3.6625)
    assert result.flags == [] and result.agreeing


def test_flags_low_agreement_and_a_differing_best():
    ratings = {"e1": {"a": 1, "b": 5, "c": 3, "d": 5},
               "e2": {"a": 5, "b": 1, "c": 3, "d": 5},
               "e3": {"a": 3, "b": 3, "c": 3, "d": 5}}
    result = stats.item_stats(KEYS, ratings)
    # a and b each vary 4 (deviations -2, 2, 0 squared: 8, over 2), c and d 0: s̄² = 2,
    # at the null variance: r_wg(J) = 0.
    assert result.rwg == 0
    assert result.panel_best == ["d"] and result.key_best == ["a"]
    assert result.flags == [stats.LOW_AGREEMENT_FLAG, stats.NOT_APART_FLAG,
                            stats.BEST_DIFFERS_FLAG]
    assert not result.agreeing


def test_no_ratings_means_no_flags_and_no_statistics():
    result = stats.item_stats(KEYS, {})
    assert not result.rated and result.flags == []
    assert result.rwg is None and result.icc is None and result.gap is None
    assert result.panel_keys() == {}


@pytest.mark.parametrize(("values", "key"), [
    ([4, 3], 4),  # 3.5 rounds half up
    ([3, 3, 4, 4], 4),
    ([2, 3], 3),
    ([1, 1, 2], 1),  # 1.33
    ([4, 4, 5], 4),  # 4.33
    ([5, 4], 5),  # 4.5
    ([1], 1),
    ([], None),
])
def test_the_panel_key_is_the_mean_rounded_half_up(values, key):
    assert stats.panel_key(values) == key


def test_t_quantiles():
    assert stats.t975(1) == pytest.approx(12.7062)
    assert stats.t975(4) == pytest.approx(2.7764)
    assert stats.t975(30) == pytest.approx(2.0423)
    # Beyond the table: the expansion, against published values.
    assert stats.t975(40) == pytest.approx(2.0211, abs=1e-4)
    assert stats.t975(120) == pytest.approx(1.9799, abs=1e-4)
    assert stats.t975(31) < stats.t975(30)
    with pytest.raises(ValueError):
        stats.t975(0)
