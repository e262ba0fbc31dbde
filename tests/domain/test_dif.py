"""Differential item functioning between languages, against values worked out by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from hiring.assessment import engine
from hiring.assessment.simulate import invite_and_complete
from hiring.items.revisions import revision_content
from hiring.items.types import get_type
from hiring.models import Attempt
from hiring.scoring import dif_counts
from hiring.scoring.dif import (
    CountRow,
    ResponseScore,
    compare_item,
    count_rows,
    dif_report,
    level,
    pool_strata,
)
from hiring.scoring.dif_stats import (
    Table,
    classify_binary,
    classify_ordinal,
    mantel_haenszel,
    mantel_ordinal,
)
from hiring.scoring.simulation import TrueProfile, answer_item, parse_dif

# Two strata of a right/wrong item; A, B = reference right, wrong; C, D = focal right, wrong.
#
#   stratum   A   B   C   D    N   n_ref n_foc right wrong
#   1        10  10   5  15   40    20    20    15    25
#   2        20   5  10   5   40    25    15    30    10
#
# alpha_MH = sum(AD/N) / sum(BC/N):
#   R1 = 10*15/40 = 3.75   S1 = 10*5/40 = 1.25
#   R2 = 20*5/40  = 2.5    S2 = 5*10/40 = 1.25
#   alpha = 6.25 / 2.5 = 2.5; MH D-DIF = -2.35 ln 2.5 = -2.35 * .916291 = -2.153283
# Chi-square: E(A) = n_ref * right / N, Var(A) = n_ref n_foc right wrong / (N^2 (N - 1))
#   E1 = 20*15/40 = 7.5     V1 = 20*20*15*25 / (1600*39) = 150000/62400 = 2.403846
#   E2 = 25*30/40 = 18.75   V2 = 25*15*30*10 / (1600*39) = 112500/62400 = 1.802885
#   sum A = 30, sum E = 26.25: (|30 - 26.25| - .5)^2 / 4.206731 = 10.5625/4.206731 = 2.510857
#   p = P(chi2_1 > 2.510857) = 2 P(Z > 1.584568) = .113064
# Standard error (Robins-Breslow-Greenland), P = (A + D)/N, Q = (B + C)/N:
#   P1 = P2 = 25/40 = .625, Q1 = Q2 = .375; R = 6.25, S = 2.5
#   sum PR / (2R^2)        = (.625*3.75 + .625*2.5) / (2*39.0625)          = 3.90625/78.125 = .05
#   sum (PS + QR) / (2RS)  = (.78125 + 1.40625 + .78125 + .9375) / 31.25   = 3.90625/31.25 = .125
#   sum QS / (2S^2)        = (.375*1.25 + .375*1.25) / 12.5                = .9375/12.5    = .075
#   var(ln alpha) = .25, SE(ln alpha) = .5, SE(D) = 2.35 * .5 = 1.175
TABLES = [Table(10, 10, 5, 15), Table(20, 5, 10, 5)]


def test_mantel_haenszel_by_hand():
    mh = mantel_haenszel(TABLES)
    assert mh.alpha == pytest.approx(2.5)
    assert mh.delta == pytest.approx(-2.153283, abs=1e-6)
    assert mh.chi_square == pytest.approx(2.510857, abs=1e-6)
    assert mh.p == pytest.approx(0.113064, abs=1e-6)
    assert mh.se == pytest.approx(1.175)
    # Large but not significant with 80 candidates: A, which is why few are "too few".
    assert classify_binary(mh.delta, mh.se, mh.p) == "A"


def test_mantel_haenszel_skips_strata_without_both_groups():
    with_empty = [*TABLES, Table(7, 3, 0, 0), Table(0, 0, 4, 1)]
    assert mantel_haenszel(with_empty) == mantel_haenszel(TABLES)


def test_mantel_haenszel_without_information_is_undefined():
    mh = mantel_haenszel([Table(5, 0, 5, 0)])  # everybody right: no odds to compare
    assert mh.alpha is None and mh.delta is None and mh.p == pytest.approx(1.0)


# An item scored 0, 1 or 2 (ordinal), two strata:
#
#   stratum 1: reference 0:2 1:2 2:1 (n 5, sum 4, mean .8); focal 0:3 1:1 (n 4, sum 1, mean .25)
#              both: 0:5 1:3 2:1, n 9, sum y 5, sum y^2 7
#   stratum 2: reference 1:2 2:3 (n 5, sum 8, mean 1.6); focal 0:1 1:2 2:1 (n 4, sum 4, mean 1)
#              both: 0:1 1:4 2:4, n 9, sum y 12, sum y^2 20
# Mantel (1963): F = focal sum = 1 + 4 = 5
#   E1 = 4*5/9 = 20/9     V1 = 5*4*(9*7 - 25) / (81*8)    = 760/648
#   E2 = 4*12/9 = 48/9    V2 = 5*4*(9*20 - 144) / (81*8)  = 720/648
#   (5 - 68/9)^2 / (1480/648) = (529/81) / 2.283951 = 6.530864 / 2.283951 = 2.859459
#   p = P(chi2_1 > 2.859459) = .090838
# SMD = sum (n_focal/N_focal)(focal mean - reference mean) = (4(.25 - .8) + 4(1 - 1.6))/8 = -.575
# SD of the item in both groups: 0:6 1:7 2:5, n 18, sum 17, sum y^2 27
#   var = (27 - 17^2/18) / 17 = 10.944444/17 = .643791, SD = .802366; SMD/SD = -.716631
STRATA = [({0: 2, 1: 2, 2: 1}, {0: 3, 1: 1}), ({1: 2, 2: 3}, {0: 1, 1: 2, 2: 1})]


def test_mantel_ordinal_by_hand():
    found = mantel_ordinal(STRATA)
    assert found.chi_square == pytest.approx(2.859459, abs=1e-6)
    assert found.p == pytest.approx(0.090838, abs=1e-6)
    assert found.smd == pytest.approx(-0.575)
    assert found.effect == pytest.approx(-0.716631, abs=1e-6)
    assert classify_ordinal(found.p, found.effect) == "AA"  # large, not significant


@pytest.mark.parametrize(("delta", "se", "p", "category"), [
    (-0.99, 0.1, 0.001, "A"),  # |D| < 1
    (-2.5, 0.1, 0.05, "A"),  # not significant (p >= .05)
    (-1.0, 0.1, 0.001, "B"),  # |D| >= 1, significant, under 1.5
    (1.49, 0.01, 0.001, "B"),
    (-1.5, 0.2, 0.001, "C"),  # (1.5 - 1)/.2 = 2.5 > 1.645
    (1.6, 0.4, 0.001, "B"),  # (1.6 - 1)/.4 = 1.5: not significantly above 1
    (-1.6, 0.36, 0.001, "C"),  # .6/.36 = 1.667
])
def test_ets_classes_of_right_or_wrong_items(delta, se, p, category):
    assert classify_binary(delta, se, p) == category


@pytest.mark.parametrize(("p", "effect", "category"), [
    (0.049, 0.17, "AA"),  # |SMD/SD| <= .17
    (0.05, 0.9, "AA"),  # not significant
    (0.049, -0.171, "BB"),
    (0.001, 0.25, "BB"),
    (0.001, -0.251, "CC"),
])
def test_ets_classes_of_ordinal_items(p, effect, category):
    assert classify_ordinal(p, effect) == category


def test_thin_levels_are_pooled_upwards_until_both_groups_are_there():
    levels = {0: ({1.0: 2}, {}), 1: ({1.0: 3}, {0.0: 5}), 2: ({0.0: 6}, {1.0: 7}),
              3: ({1.0: 1}, {})}
    # 0 and 1 pool (5 and 5); 2 stands alone; 3 is too thin and joins 2
    assert pool_strata(levels) == [({1.0: 5}, {0.0: 5}), ({0.0: 6, 1.0: 1}, {1.0: 7})]
    assert pool_strata({0: ({1.0: 9}, {})}) == []  # never both groups


def test_too_few_to_judge():
    levels = {0: ({0.0: 30, 1.0: 30}, {0.0: 30, 1.0: 29})}
    found = compare_item("q", "d", "choice", "en", "hr", levels, binary=True, min_group=60)
    assert (found.category, found.reason, found.n_reference, found.n_focal) == (
        None, "too few", 60, 59)
    assert not found.flagged


def test_one_language_has_nothing_to_compare():
    rows = [CountRow("q", "d", "choice", "en", 10, 1.0, 300)]
    report = dif_report(rows, {"en": 300})
    assert report.reference == "en" and report.items == []


def test_the_reference_is_the_language_with_most_attempts_unless_chosen():
    rows = [CountRow("q", "d", "choice", language, 10, score, 5)
            for language in ("en", "hr") for score in (0.0, 1.0)]
    assert dif_report(rows, {"en": 10, "hr": 12}).reference == "hr"
    report = dif_report(rows, {"en": 10, "hr": 12}, reference="en")
    assert [(item.reference, item.focal) for item in report.items] == [("en", "hr")]


def test_continuous_scores_are_not_analysed():
    rows = [CountRow("typing", "d", "typing", language, 10, score / 100, 20)
            for language in ("en", "hr") for score in range(30)]
    assert dif_report(rows, {"en": 300, "hr": 300}).items == []


def test_levels_round_halves_up():
    assert [level(x) for x in (0.0, 0.024, 0.025, 0.125, 0.5, 1.0)] == [0, 0, 1, 3, 10, 20]


def test_parse_planted_difference():
    assert parse_dif("num-a:b:hr:0.8") == ("num-a:b", "hr", 0.8)
    for bad in ("num-a:hr", "num-a:hr:x", "num-a:hr:nan", "num-a:hr:9", ":hr:0.5"):
        with pytest.raises(ValueError):
            parse_dif(bad)


def _choice_item(key: str) -> dict:
    return {"id": key, "type": "choice", "dimension": "reading", "multiple": False,
            "options": [{"id": option, "correct": option == "c", "text": {"en": option}}
                        for option in "abcd"]}


def _simulated(per_language: int, seed: int, planted: dict[tuple[str, str], float],
               items: list[dict]) -> list[ResponseScore]:
    """Candidates in en and hr answer every item; hr candidates are on average 0.3 lower
    (a difference in level is not a difference in functioning)."""
    rng = random.Random(seed)
    responses = []
    for number in range(2 * per_language):
        language = ("en", "hr")[number % 2]
        drawn = TrueProfile.draw(sorted({content["dimension"] for content in items}), rng)
        gap = 0.3 if language == "hr" else 0.0
        profile = TrueProfile({name: value - gap for name, value in drawn.behavioural.items()},
                              {name: value - gap for name, value in drawn.skills.items()})
        for content in items:
            item_type = get_type(content["type"])
            answer, _ = answer_item(content, None, profile, rng,
                                    planted.get((content["id"], language), 0.0))
            responses.append(ResponseScore(number, language, content["id"],
                                           content["dimension"], content["type"],
                                           item_type.scale,
                                           item_type.score(content, None, answer)))
    return responses


def test_a_planted_difference_is_classified_c_and_clean_items_a():
    items = [_choice_item(f"read-{number:02d}") for number in range(20)]
    # The seed is fixed: over 30 seeds the planted item was C every time, and about one
    # clean item in 150 came out B (significant with |D| just over 1), never C.
    responses = _simulated(600, seed=1, planted={("read-07", "hr"): 0.8}, items=items)
    rows, attempts = count_rows(responses)
    report = dif_report(rows, attempts)
    assert report.reference in ("en", "hr") and attempts == {"en": 600, "hr": 600}
    found = {item.key: item for item in report.items}
    assert len(found) == 20
    planted = found.pop("read-07")
    assert planted.category == "C"
    # harder for hr: negative when hr is the focal group
    assert (planted.delta < 0) == (planted.focal == "hr")
    clean = list(found.values())
    assert all(item.category != "C" for item in clean)
    assert sum(item.category == "A" for item in clean) >= 0.95 * len(clean)
    assert [item.key for item in report.flagged][:1] == ["read-07"]


def _situation(key: str) -> dict:
    return {"id": key, "type": "sjt", "dimension": "customer_focus", "format": "best",
            "options": [{"id": option, "key": key_value, "text": {"en": option}}
                        for option, key_value in zip("abcd", (1, 2, 3, 5), strict=True)]}


def test_a_planted_difference_in_a_situational_item_is_classified_cc():
    items = [_situation(f"sit-{number:02d}") for number in range(20)]
    responses = _simulated(600, seed=3, planted={("sit-11", "hr"): 0.8}, items=items)
    report = dif_report(*count_rows(responses))
    found = {item.key: item for item in report.items}
    planted = found.pop("sit-11")
    assert (planted.method, planted.category) == ("mantel", "CC")
    assert planted.effect is not None and (planted.effect < 0) == (planted.focal == "hr")
    assert {item.category for item in found.values()} == {"AA"}


def test_the_query_counts_what_the_responses_hold(db, assessment):
    now = datetime(2026, 3, 1, tzinfo=UTC)
    rng = random.Random(5)
    with db() as session:
        for number in range(12):
            invite_and_complete(session.merge(assessment), session=session, now=now, rng=rng,
                                language=("en", "hr")[number % 3 == 0])
        rows, attempts = dif_counts.count_rows(assessment.id, session=session)
        responses = []
        for attempt in session.exec(select(Attempt).where(
                Attempt.assessment_id == assessment.id)):
            for response in engine.responses(attempt, session=session):
                content = revision_content(response.revision_id, session=session)
                if response.score is None:
                    continue
                responses.append(ResponseScore(
                    attempt.id, attempt.language, content["id"], content["dimension"],
                    content["type"], get_type(content["type"]).scale, response.score))
    expected_rows, expected_attempts = count_rows(responses)
    assert attempts == expected_attempts == {"en": 8, "hr": 4}
    assert sorted(rows) == sorted(expected_rows)
    assert {row.type for row in rows} == {"sjt"}  # one numeric item: not enough to match on
