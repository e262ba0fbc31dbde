"""`hiring simulate --impact`: self-identification and decisions with a planted difference."""

from __future__ import annotations

import random

import pytest
from sqlmodel import select

from hiring.assessment import decisions, self_id, simulate_decisions
from hiring.cli import main
from hiring.models import Attempt, DecisionChange, SelfIdentification


@pytest.mark.parametrize("impact", [0.7, 1.0])
def test_the_planted_ratio_of_selection_rates_is_what_was_asked(impact):
    rng = random.Random(7)
    drawn = [simulate_decisions.draw(rng, impact) for _ in range(40_000)]
    rates = {group: sum(hired for g, hired in drawn if g == group)
             / sum(1 for g, _ in drawn if g == group)
             for group in (simulate_decisions.GROUP_A, simulate_decisions.GROUP_B)}
    assert rates["woman"] == pytest.approx(simulate_decisions.BASE_RATE, abs=0.015)
    assert rates["man"] / rates["woman"] == pytest.approx(impact, abs=0.03)
    with pytest.raises(ValueError):
        simulate_decisions.draw(rng, 2.5)


def test_simulate_with_impact_adds_groups_and_decisions(runner, db):
    assert runner.invoke(main, ["init"], catch_exceptions=False).exit_code == 0
    result = runner.invoke(main, ["simulate", "--candidates", "4", "--seed", "2",
                                 "--impact", "0.7"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with db() as session:
        attempts = session.exec(select(Attempt).where(Attempt.simulated)).all()
        assert len(attempts) == 4
        groups = dict(session.exec(select(SelfIdentification.attempt_id,
                                          SelfIdentification.answer)).all())
        assert sorted(groups) == sorted(a.id for a in attempts)
        assert set(groups.values()) <= {"woman", "man"}
        assert {a.decision for a in attempts} <= {"hired", "rejected"}
        for attempt in attempts:
            moves = [c.to_key for c in decisions.history(attempt.id, session=session)]
            assert moves == (["shortlisted", "hired"] if attempt.decision == "hired"
                             else ["rejected"])
        assessment_id = attempts[0].assessment_id
        counted = self_id.counts(assessment_id, session=session, min_cell=1)
        assert counted.questions[0].question == "gender" and counted.simulated == 4
        assert session.exec(select(DecisionChange)).all()


def test_simulate_refuses_an_impossible_ratio(runner):
    result = runner.invoke(main, ["simulate", "--candidates", "1", "--impact", "3"])
    assert result.exit_code == 2 and "--impact" in result.output
