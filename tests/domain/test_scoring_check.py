"""Simulated candidates with known levels: does scoring recover them?"""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest

from hiring.banks.loader import BankFile, load_path
from hiring.scoring.check import CheckReport, correlation_by_length, scoring_check
from hiring.scoring.model import TrueProfile, difficulty, simulate_attempt

SHIPPED = Path(__file__).parent.parent.parent / "question_banks" / "csr_core.yaml"
# The dimensions the default assessment draws items for (sales_retention is not one).
CSR_DIMENSIONS = {"customer_focus", "listening_problem_solving", "composure",
                  "communication", "ownership", "numeracy"}


@pytest.fixture(scope="module")
def bank() -> BankFile:
    return load_path(SHIPPED)


@pytest.fixture(scope="module")
def report(bank: BankFile) -> CheckReport:
    return scoring_check(bank, candidates=400, seed=1)


def test_default_assessment_recovers_every_dimension(report: CheckReport):
    correlations = report.correlations()
    assert set(correlations) == CSR_DIMENSIONS
    weak = {dimension: round(r, 2) for dimension, r in correlations.items() if r < 0.7}
    assert not weak, f"correlation below 0.7: {weak}"
    assert all(0 < check.band_width < 100 for check in report.dimensions)


def test_flags_agree_with_true_levels_well_above_chance(report: CheckReport):
    # Chance: a dimension flagged at random is among the true top two of six dimensions
    # (or the bottom two) with probability 2/6 = 0.33.
    assert report.chance_precision == pytest.approx(2 / 6)
    assert report.overall.strength_precision >= 0.5
    assert report.overall.development_precision >= 0.5
    # The rules ask the whole band to clear a threshold, on both sides: fewer flags, and
    # the ones given are right more often than before (recall fell from about 0.6).
    assert report.overall.strength_recall > 0.2
    assert report.overall.development_recall > 0.2


def test_more_items_per_dimension_recover_levels_better(bank: BankFile):
    curve = correlation_by_length(bank, candidates=300, seed=2, lengths=(2, 8))
    for dimension in CSR_DIMENSIONS:
        assert curve.correlations[2][dimension] < curve.correlations[8][dimension], dimension
    assert set(curve.items_for(0.8)) == CSR_DIMENSIONS


def test_report_lines_have_a_row_per_dimension(report: CheckReport):
    lines = report.lines()
    for dimension in CSR_DIMENSIONS:
        assert sum(line.startswith(dimension) for line in lines) == 1
    assert any(line.startswith("all dimensions") for line in lines)


def test_unknown_assessment_is_refused(bank: BankFile):
    with pytest.raises(KeyError, match="no assessment 'nope'"):
        scoring_check(bank, recipe_id="nope")


def test_true_levels_correlate_moderately():
    rng = random.Random(3)
    profiles = [TrueProfile.draw(("a", "b"), rng) for _ in range(3000)]
    r = statistics.correlation([p.levels["a"] for p in profiles],
                               [p.levels["b"] for p in profiles])
    assert 0.2 < r < 0.4


def test_stronger_candidates_score_higher_on_every_item_type(bank: BankFile):
    rng = random.Random(4)
    settings = {"typing_target_wpm": 35, "language": "en"}
    means = {}
    for theta in (-1.5, 1.5):
        profile = TrueProfile(dict.fromkeys(bank.header["dimensions"], theta))
        scores: dict[str, list[float]] = {}
        for _ in range(40):
            for item_id, score in simulate_attempt(bank.items, profile, rng, settings).items():
                scores.setdefault(item_id, []).append(score)
        kinds = {item["id"]: item["type"] for item in bank.items}
        means[theta] = {kind: statistics.fmean(s for item_id, values in scores.items()
                                               if kinds[item_id] == kind for s in values)
                        for kind in set(kinds.values())}
    for kind, low in means[-1.5].items():
        assert low < means[1.5][kind], kind


def test_item_difficulty_is_stable_and_in_range():
    assert difficulty("num-proration") == difficulty("num-proration")
    values = [difficulty(f"item-{i}") for i in range(200)]
    assert all(-1 <= value <= 1 for value in values)
    assert min(values) < -0.8 and max(values) > 0.8
