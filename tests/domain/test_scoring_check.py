"""Simulated candidates with known levels: does scoring recover them, and does the check
notice keys that are wrong?"""

from __future__ import annotations

import random
import statistics
from pathlib import Path

import pytest

from hiring.banks.loader import BankFile, load_path, parse_text
from hiring.items.types import get_type
from hiring.items.types.simulated import difficulty
from hiring.scoring import check, check_tables
from hiring.scoring.check import CheckReport, scoring_check
from hiring.scoring.scales import SCALES
from hiring.scoring.simulation import SKILLS, TrueProfile, answer_item, expectation
from hiring.scoring.sitting import permuted_keys
from tests.factories import SITUATION_DIMENSIONS, situations_bank_text

SHIPPED = Path(__file__).parent.parent.parent / "question_banks" / "csr_core.yaml"
BEHAVIOURAL = {"customer_focus", "listening_problem_solving", "composure", "communication",
               "ownership"}


@pytest.fixture(scope="module")
def bank() -> BankFile:
    # The cue audit has its own tests; these are about scoring, whatever the surface of
    # the shipped situations.
    return load_path(SHIPPED, cue_audit=False)


@pytest.fixture(scope="module")
def report(bank: BankFile) -> CheckReport:
    return scoring_check(bank, candidates=400, seed=1)


@pytest.fixture(scope="module")
def small() -> BankFile:
    """Twenty situations over four dimensions; the assessment draws twelve."""
    return parse_text(situations_bank_text(), "situations")


def test_the_default_assessment_reports_every_scale_and_subscore(report: CheckReport):
    assert [c.name for c in report.real.scales] == list(SCALES)
    assert {c.name for c in report.real.subscores} == BEHAVIOURAL
    assert report.real.scale("judgement").items == 20
    for c in report.real.scales + report.real.subscores:
        assert c.correlation > 0.6, c.name
        assert 0 < c.band_width < 100, c.name
    assert report.real.scale("judgement").correlation > 0.85


def test_bands_estimated_from_the_simulation_cover_the_true_score(report: CheckReport):
    estimated = [c for c in report.real.scales + report.real.subscores
                 if c.model.source == "data"]
    # Every scale of two or more items per attempt; typing and writing have one.
    assert {c.name for c in estimated} == BEHAVIOURAL | {"judgement", "numeracy", "reading"}
    for c in estimated:
        assert 0.9 <= c.coverage <= 0.99, (c.name, c.coverage)
        # attempts with two or more scored items (a multiple choice left blank is not)
        assert c.model.n_attempts > 380


def test_flags_agree_with_the_true_quarters_well_above_chance(report: CheckReport):
    # A flag at random is right a quarter of the time (the true top or bottom 25%). Recall
    # is low by design: a flag needs the whole band past a threshold.
    for c in [report.real.scale("judgement"), *report.real.subscores]:
        assert c.strength.precision >= 0.5 and c.development.precision >= 0.5, c.name
        assert c.strength.recall > 0.1 and c.development.recall > 0.1, c.name
    # A score of one item is never flagged (the rules ask for two).
    assert report.real.scale("typing").strength.precision is None


def test_haberman_is_judged_for_every_subscore(report: CheckReport):
    for c in report.real.subscores:
        assert c.value is not None and c.value.n_attempts == 400
        assert c.value.prmse_subscore == pytest.approx(c.model.reliability(), abs=1e-3)
    assert all(c.value is None for c in report.real.scales)


def test_permuting_the_situational_keys_is_detected(small: BankFile):
    report = scoring_check(small, recipe_id="check", candidates=150, seed=5)
    real, permuted = report.real.scale("judgement"), report.permuted.scale("judgement")
    assert real.item_rest > 0.3 and real.model.reliability() > 0.6
    assert abs(permuted.item_rest) < 0.15
    assert permuted.model.reliability() < real.model.reliability() / 2
    assert report.detected is True
    assert check_tables.verdict(report).startswith("key perturbation detected: item-rest r ")
    # Math has no situational keys: the same answers score the same.
    assert report.permuted.scale("numeracy") == report.real.scale("numeracy")


def test_the_real_keys_are_not_taken_for_a_perturbation(small: BankFile, monkeypatch):
    monkeypatch.setattr(check, "permuted_keys",
                        lambda items, rng: {item["id"]: item for item in items})
    report = scoring_check(small, recipe_id="check", candidates=150, seed=5)
    assert report.detected is False
    assert "NOT detected" in check_tables.verdict(report)


def test_without_the_perturbation_there_is_no_verdict(small: BankFile):
    report = scoring_check(small, recipe_id="check", candidates=60, seed=2, permute=False)
    assert report.permuted is None and report.detected is None
    assert check_tables.verdict(report) is None


def test_permuted_keys_change_every_situation_and_nothing_else(small: BankFile):
    permuted = permuted_keys(small.items, random.Random(0))
    for item in small.items:
        changed = permuted[item["id"]]
        if item["type"] != "sjt":
            assert changed is item
            continue
        keys = [o["key"] for o in item["options"]]
        assert [o["key"] for o in changed["options"]] != keys
        assert sorted(o["key"] for o in changed["options"]) == sorted(keys)
        assert [o["text"] for o in changed["options"]] == [o["text"] for o in item["options"]]


def test_more_situations_per_dimension_make_better_subscores(bank: BankFile):
    """Was: the correlation for 2 and 8 items per dimension (correlation_by_length, whose
    table the command no longer prints: reliability now follows from ICC(1))."""
    runs = {k: scoring_check(bank, candidates=300, seed=2, items_per_dimension=k,
                             permute=False).real for k in (2, 8)}
    for dimension in BEHAVIOURAL:
        few = next(c for c in runs[2].subscores if c.name == dimension)
        many = next(c for c in runs[8].subscores if c.name == dimension)
        assert (few.items, many.items) == (2, 8)
        assert few.correlation < many.correlation, dimension
        assert few.model.reliability() < many.model.reliability(), dimension


def test_report_lines_have_a_row_per_scale_and_subscore(report: CheckReport):
    lines = check_tables.lines(report)
    for name in SCALES:  # the judgement composite is beside the permuted keys' too
        expected = 2 if name == "judgement" else 1
        assert sum(line.startswith(name + " ") for line in lines) == expected, name
    for name in BEHAVIOURAL:
        # once among the real keys' figures, once beside the permuted keys'
        assert sum(line.startswith("  " + name + " ") for line in lines) == 2, name
    assert any(line.startswith("key perturbation detected: ") for line in lines)
    assert "csr_core version 3, items " in lines[0]
    table = check_tables.markdown(report)
    assert table[2].startswith("| scale / subscore | items | r | rel |")
    assert any(line.startswith("| ↳ composure |") for line in table)


def test_unknown_assessment_and_too_few_candidates_are_refused(bank: BankFile):
    with pytest.raises(KeyError, match="no assessment 'nope'"):
        scoring_check(bank, recipe_id="nope")
    with pytest.raises(ValueError, match="at least 50"):
        scoring_check(bank, candidates=49)


@pytest.mark.parametrize("correlation", [0.3, 0.6, 0.8])
def test_true_levels_correlate_as_asked(correlation: float):
    rng = random.Random(3)
    profiles = [TrueProfile.draw(SITUATION_DIMENSIONS, rng, correlation) for _ in range(4000)]

    def r(first, second) -> float:
        return statistics.correlation([first(p) for p in profiles], [second(p) for p in profiles])

    behavioural = r(lambda p: p.behavioural["composure"], lambda p: p.behavioural["ownership"])
    assert behavioural == pytest.approx(correlation, abs=0.04)
    # The skills share the weaker general factor: 0.3 between them whatever is asked.
    assert r(lambda p: p.skills["numeracy"], lambda p: p.skills["typing"]) == pytest.approx(
        0.3, abs=0.04)
    assert set(profiles[0].skills) == set(SKILLS)


def test_expected_scores_match_what_the_scorer_gives_on_average(bank: BankFile):
    rng = random.Random(6)
    settings = {"typing_target_wpm": 35, "language": "en"}
    chosen = {}
    for item in bank.items:  # one of each type, and both sjt formats, multiple choice too
        kind = (item["type"], item.get("format"), item.get("multiple"))
        chosen.setdefault(kind, item)
    for item in chosen.values():
        item_type = get_type(item["type"])
        params = item_type.draw_params(item, rng, settings)
        for theta in (-1.0, 0.0, 1.5):
            profile = TrueProfile.flat(bank.header["dimensions"], theta)
            scores = [item_type.score(item, params, *answer_item(item, params, profile, rng))
                      for _ in range(1500)]
            margin = 4 * statistics.pstdev(scores) / len(scores) ** 0.5 + 0.005
            assert statistics.fmean(scores) == pytest.approx(
                expectation(item, params)(theta), abs=margin), (item["id"], theta)


def test_stronger_candidates_score_higher_on_every_item_type(bank: BankFile):
    rng = random.Random(4)
    settings = {"typing_target_wpm": 35, "language": "en"}
    means = {}
    for theta in (-1.5, 1.5):
        profile = TrueProfile.flat(bank.header["dimensions"], theta)
        scores: dict[str, list[float]] = {}
        for _ in range(40):
            for item in bank.items:
                item_type = get_type(item["type"])
                params = item_type.draw_params(item, rng, settings)
                answer, ratings = answer_item(item, params, profile, rng)
                scores.setdefault(item["type"], []).append(
                    item_type.score(item, params, item_type.parse_answer(item, answer), ratings))
        means[theta] = {kind: statistics.fmean(values) for kind, values in scores.items()}
    for kind, low in means[-1.5].items():
        assert low < means[1.5][kind], kind


def test_item_difficulty_is_stable_and_in_range():
    assert difficulty("num-proration") == difficulty("num-proration")
    values = [difficulty(f"item-{i}") for i in range(200)]
    assert all(-1 <= value <= 1 for value in values)
    assert min(values) < -0.8 and max(values) > 0.8
