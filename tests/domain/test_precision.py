"""Reliability, SEM, bands, Haberman's criterion and scale scores, computed by hand."""

from __future__ import annotations

import math
import random

import pytest

from hiring.scoring.precision import (
    MIN_ATTEMPTS,
    Moments,
    ScaleModel,
    estimate,
    reliability_at,
    subscore_value,
)
from hiring.scoring.rules import Banded, Rules, classify
from hiring.scoring.scales import ItemResult, attempt_scores, scale_score


def test_icc_of_item_scores_within_candidates_by_hand():
    # Two candidates, two items each: [1, 1] and [0, 0]. Grand mean 0.5, variance 0.25;
    # every within-candidate pair is (0.5)(0.5) or (-0.5)(-0.5): covariance 0.25, r = 1
    # (kept below 1).
    assert Moments.of([[1, 1], [0, 0]]).estimate() == (0.5, 0.99)
    # [1, 0] and [0, 1]: pairs are (0.5)(-0.5): covariance -0.25, r kept at 0.
    assert Moments.of([[1, 0], [0, 1]]).estimate() == (0.5, 0.0)
    # [1, 1, 0], [0, 0, 0]: m = 1/3, var = 1/3 - 1/9 = 2/9. Ordered pairs: 6 per attempt.
    # Attempt 1 deviations 2/3, 2/3, -1/3: pairs sum 2*(4/9 - 2/9 - 2/9) = 0;
    # attempt 2: all -1/3: 6 * 1/9 = 2/3. Covariance (2/3) / 12 = 1/18; r = (1/18)/(2/9).
    sd, icc = Moments.of([[1, 1, 0], [0, 0, 0]]).estimate()
    assert sd == pytest.approx(math.sqrt(2 / 9))
    assert icc == pytest.approx(0.25)


def test_spearman_brown_sem_and_band_by_hand():
    assert reliability_at(0.25, 6) == pytest.approx(6 * 0.25 / (1 + 5 * 0.25))  # 0.6667
    model = ScaleModel("numeracy", item_sd=0.4, icc=0.25, items=6)
    # SEM = 100 * 0.4 * sqrt(0.75 / 6) = 14.142; equals SD_score * sqrt(1 - reliability)
    assert model.sem(6) == pytest.approx(14.1421, abs=1e-3)
    sd_score = 100 * 0.4 * math.sqrt((1 + 5 * 0.25) / 6)
    assert model.sem(6) == pytest.approx(sd_score * math.sqrt(1 - model.reliability(6)))
    assert model.band(50, 6) == (round(50 - 1.96 * 14.1421, 1), round(50 + 1.96 * 14.1421, 1))
    assert model.band(95, 6)[1] == 100.0  # kept within 0-100
    # fewer answered items, wider band
    assert model.sem(3) == pytest.approx(model.sem(6) * math.sqrt(2))


def test_the_composite_band_is_narrower_than_its_subscores():
    prior = ScaleModel.prior("judgement", items=20)
    assert prior.source == "prior"
    assert prior.reliability(20) == pytest.approx(reliability_at(0.08, 20))
    assert prior.sem(20) < prior.sem(4) / 2


def test_estimate_needs_enough_attempts_and_gives_a_bootstrap_interval():
    rng = random.Random(1)
    attempts = []
    for _ in range(400):  # true r: person variance 0.04 over total 0.04 + 0.0625
        level = rng.gauss(0.6, 0.2)
        attempts.append([min(1, max(0, level + rng.gauss(0, 0.25))) for _ in range(6)])
    few = estimate("numeracy", attempts[: MIN_ATTEMPTS - 1], items=6)
    assert few.source == "prior" and few.n_attempts == MIN_ATTEMPTS - 1
    model = estimate("numeracy", attempts, items=6, rng=random.Random(2))
    assert model.source == "data" and model.n_attempts == 400
    assert 0.25 < model.icc < 0.5
    low, high = model.interval
    assert low < model.reliability(6) < high and high - low < 0.2


def test_haberman_by_hand():
    # Subscore S and composite C = S + R over 4 candidates.
    subs = [2.0, 4.0, 6.0, 8.0]
    rest = [5.0, 3.0, 7.0, 5.0]
    comps = [s + r for s, r in zip(subs, rest, strict=True)]
    # var(S) = 5, var(C): C = 7, 7, 13, 13 -> mean 10, var 9; cov(S, C) = (-3*-3 + -1*-3 +
    # 1*3 + 3*3) / 4 = 6. With rho = 0.8: true cov = 6 - 0.2 * 5 = 5;
    # PRMSE_C = 25 / (0.8 * 5 * 9) = 0.6944.
    value = subscore_value(subs, comps, 0.8)
    assert value.prmse_subscore == 0.8
    assert value.prmse_composite == pytest.approx(25 / 36, abs=1e-4)
    assert value.adds_value
    low = subscore_value(subs, comps, 0.6)  # true cov 4; 16 / (0.6*5*9) = 0.5926 < 0.6
    assert low.prmse_composite == pytest.approx(16 / 27, abs=1e-4)
    assert not low.adds_value  # 0.6 beats 0.59 but is below the minimum reliability


def _item(scale, dimension, answered, score, weight=1.0):
    return ItemResult(scale, dimension, weight, answered, score)


def test_missing_is_not_measured_and_is_counted():
    items = [_item("judgement", "composure", True, 1.0),
             _item("judgement", "composure", False, None),
             _item("judgement", "ownership", True, 0.5),
             _item("writing", "communication", True, None),  # waiting for ratings
             _item("numeracy", "numeracy", False, None)]
    scores = attempt_scores(items)
    assert scores.scales["judgement"].as_dict() == {
        "score": 75.0, "n_items": 2, "n_unanswered": 1, "n_pending": 0}
    assert scores.scales["numeracy"].score is None
    assert scores.scales["numeracy"].n_unanswered == 1
    assert scores.scales["writing"].n_pending == 1
    assert scores.subscores["composure"].score == 100.0
    assert list(scores.scales) == ["judgement", "numeracy", "writing"]
    assert scores.n_unanswered == 2 and scores.incomplete and not scores.no_answers
    assert scale_score([_item("judgement", "x", False, None)]).as_dict()["n_items"] == 0


def test_an_attempt_without_answers():
    scores = attempt_scores([_item("judgement", "x", False, None)] * 4)
    assert scores.no_answers and scores.scales["judgement"].score is None


def test_flags_are_symmetric():
    rules = Rules(strength_score=70, development_score=50, min_items=2)
    assert rules.decide(Banded(85, 71, 99, 20)) == "strength"
    assert rules.decide(Banded(85, 69, 99, 20)) == "band"
    assert rules.decide(Banded(30, 10, 49.9, 20)) == "development"
    assert rules.decide(Banded(41, 0, 82, 4)) == "band"  # the "Ownership: 41"
    assert rules.decide(Banded(30, 10, 49, 1)) == "insufficient"
    assert rules.decide(Banded(20, 5, 35, 4, flaggable=False)) == "indication"
    strong, weak = classify({"a": Banded(90, 75, 100, 5), "b": Banded(80, 71, 89, 5),
                             "c": Banded(10, 0, 30, 5), "d": Banded(45, 40, 50, 5)}, rules)
    assert strong == ["a", "b"] and weak == ["c"]
    assert Rules.for_assessment({"strength_low": 55, "development_score": 40}) \
        .development_score == 40


def test_evidence_groups_item_scores_by_scale_and_subscore():
    from hiring.scoring.evidence import group_evidence, precision_from

    contents = {1: {"type": "sjt", "dimension": "composure"},
                2: {"type": "sjt", "dimension": "ownership"},
                3: {"type": "numeric", "dimension": "numeracy"}}
    rows = [(10, 1, 1.0), (10, 2, 0.5), (10, 3, None),  # math unanswered
            (11, 1, 0.25), (11, 2, None), (11, 3, 1.0)]
    evidence = group_evidence(rows, contents)
    assert evidence.scales == {"judgement": [[1.0, 0.5], [0.25]], "numeracy": [[1.0]]}
    assert evidence.subscores == {"composure": [[1.0], [0.25]], "ownership": [[0.5]]}
    assert evidence.sums == [({"composure": 1.0, "ownership": 0.5}, 1.5, True),
                             ({"composure": 0.25}, 0.25, False)]
    assert evidence.items == {"judgement": 2, "numeracy": 1, "composure": 1, "ownership": 1}
    precision = precision_from(evidence)  # far too few attempts: the priors, counted
    assert precision.scale("judgement").source == "prior"
    assert precision.reportable == {"composure": False, "ownership": False}
