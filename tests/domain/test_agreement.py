"""Rater agreement: one-way ICCs worked out by hand, and where the ratings come from."""

from __future__ import annotations

import csv
import io

import pytest

from hiring.scoring.agreement import (
    Agreement,
    RatingRow,
    agreement_csv,
    criterion_agreement,
    one_way,
    rater_agreement,
)

# Five responses, two raters each (the raters differ between responses):
#
#   response   ratings   mean   k (mean - 3.3)^2      squares within
#   1          1, 2      1.5    2 * 3.24 = 6.48       0.25 + 0.25 = 0.5
#   2          2, 2      2.0    2 * 1.69 = 3.38       0
#   3          3, 4      3.5    2 * 0.04 = 0.08       0.5
#   4          4, 5      4.5    2 * 1.44 = 2.88       0.5
#   5          5, 5      5.0    2 * 2.89 = 5.78       0
#
# grand mean 33 / 10 = 3.3; SSB = 18.6, MSB = 18.6 / (5 - 1) = 4.65;
# SSW = 1.5, MSW = 1.5 / (10 - 5) = 0.3; k0 = (10 - 20 / 10) / 4 = 2.
# ICC(1,1) = (4.65 - 0.3) / (4.65 + (2 - 1) 0.3) = 4.35 / 4.95 = 29/33 = 0.8788
# ICC(1,2) = (4.65 - 0.3) / 4.65 = 29/31 = 0.9355
BALANCED = [[1, 2], [2, 2], [3, 4], [4, 5], [5, 5]]

# The same plus a sixth response rated by three raters, 1, 2 and 3 (mean 2):
#
#   M = 13 ratings, sum 39, grand mean 3.
#   SSB = 2(1.5-3)^2 + 2(2-3)^2 + 2(3.5-3)^2 + 2(4.5-3)^2 + 2(5-3)^2 + 3(2-3)^2
#       = 4.5 + 2 + 0.5 + 4.5 + 8 + 3 = 22.5;  MSB = 22.5 / 5 = 4.5
#   SSW = 0.5 + 0 + 0.5 + 0.5 + 0 + (1 + 0 + 1) = 3.5;  MSW = 3.5 / (13 - 6) = 0.5
#   k0 = (13 - (5 * 4 + 9) / 13) / 5 = (140 / 13) / 5 = 28/13 = 2.1538
#   ICC(1,1) = (4.5 - 0.5) / (4.5 + (28/13 - 1) 0.5) = 4 / (66/13) = 26/33 = 0.7879
#   ICC(1,k) = (4.5 - 0.5) / 4.5 = 8/9 = 0.8889
UNBALANCED = BALANCED + [[1, 2, 3]]


def test_balanced_table_worked_by_hand():
    result = one_way(BALANCED)
    assert result.msb == pytest.approx(4.65)
    assert result.msw == pytest.approx(0.3)
    assert result.k0 == pytest.approx(2)
    assert result.single == pytest.approx(29 / 33)
    assert result.average == pytest.approx(29 / 31)


def test_unequal_numbers_of_raters_use_the_adjusted_k0():
    result = one_way(UNBALANCED)
    assert (result.msb, result.msw) == (pytest.approx(4.5), pytest.approx(0.5))
    assert result.k0 == pytest.approx(28 / 13)
    assert result.single == pytest.approx(26 / 33)
    assert result.average == pytest.approx(8 / 9)


def test_raters_who_disagree_more_than_responses_differ_give_a_negative_icc():
    # Every response 2 and 4: the means are all 3, so MSB = 0 and MSW = 2 (each response
    # has (2-3)^2 + (4-3)^2 = 2 on 2 - 1 degrees of freedom): ICC(1,1) = -2 / 2 = -1,
    # and ICC(1,k) = -2 / 0 is undefined.
    result = one_way([[2, 4]] * 5)
    assert result.single == pytest.approx(-1)
    assert result.average is None


def test_identical_ratings_everywhere_leave_the_icc_undefined():
    result = one_way([[3, 3]] * 6)
    assert (result.single, result.average) == (None, None)
    assert one_way([[1, 2]]) is None  # one response: no variance between responses


def test_criterion_agreement_counts_only_responses_with_two_raters_and_needs_five():
    # raters 10, 11, 12 rate different responses; response 6 has a single rating.
    ratings = {1: {10: 1, 11: 2}, 2: {10: 2, 12: 2}, 3: {11: 3, 12: 4}, 4: {10: 4, 11: 5},
               5: {12: 5, 10: 5}, 6: {11: 1}}
    agreement = criterion_agreement(ratings)
    assert (agreement.n_responses, agreement.n_raters, agreement.n_ratings) == (5, 3, 10)
    assert agreement.enough and agreement.k == pytest.approx(2)
    assert agreement.single == pytest.approx(29 / 33)
    assert agreement.average == pytest.approx(29 / 31)

    del ratings[5]
    fewer = criterion_agreement(ratings)
    assert not fewer.enough and (fewer.single, fewer.average) == (None, None)
    assert fewer.n_responses == 4
    assert criterion_agreement(ratings, min_responses=4).single is not None


def rows_from(table: list[list[int]], item: str, first_response: int, criterion: str
              ) -> list[RatingRow]:
    return [RatingRow(item, first_response + index, 100 + rater, {criterion: value},
                      {criterion: criterion.title()})
            for index, values in enumerate(table) for rater, value in enumerate(values)]


def test_per_item_and_pooled_over_the_assessment():
    rows = (rows_from(BALANCED, "wr-a", 1, "tone")
            + rows_from([[1, 2, 3]], "wr-b", 50, "tone"))
    report = rater_agreement(rows)
    assert report.items["wr-a"]["tone"].single == pytest.approx(29 / 33)
    assert not report.items["wr-b"]["tone"].enough
    pooled = report.pooled["tone"]
    assert (pooled.n_responses, pooled.n_raters) == (6, 3)
    assert pooled.single == pytest.approx(26 / 33) and pooled.average == pytest.approx(8 / 9)
    assert report.names == {"tone": "Tone"}


def test_csv_has_a_row_per_item_and_criterion_then_the_pooled_ones():
    report = rater_agreement(rows_from(BALANCED, "wr-a", 1, "tone"))
    report.names["tone"] = "=Tone"  # bank text that a spreadsheet would run
    rows = list(csv.DictReader(io.StringIO(agreement_csv(report))))
    assert [(r["item"], r["criterion"]) for r in rows] == [
        ("wr-a", "tone"), ("(all written items)", "tone")]
    assert rows[0]["icc_1_1"] == "0.879" and rows[0]["icc_1_k"] == "0.935"
    assert rows[0]["responses"] == "5" and rows[0]["raters"] == "2"
    assert rows[0]["criterion_name"] == "'=Tone" and rows[0]["enough"] == "yes"


def test_not_enough_is_said_rather_than_a_number():
    agreement = Agreement(n_responses=2, n_raters=2, n_ratings=4, k=2.0)
    assert not agreement.enough and agreement.single is None
