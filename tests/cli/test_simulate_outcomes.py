"""`hiring simulate --validity`: job outcomes planted to correlate with the judgement score."""

from __future__ import annotations

from sqlmodel import select

from hiring.cli import main
from hiring.models import Attempt, Outcome
from hiring.scoring.validity import validity_report


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_simulate_adds_outcomes_with_a_planted_validity(runner, db):
    assert run(runner, "init").exit_code == 0
    result = run(runner, "simulate", "--candidates", "6", "--seed", "2", "--validity", "0.3",
                 "--outcome", "supervisor_rating")
    assert result.exit_code == 0, result.output
    assert "added outcome 'supervisor_rating' to 6 attempts, planted validity 0.3" in \
        result.output
    with db() as session:
        outcomes = session.exec(select(Outcome)).all()
        attempts = session.exec(select(Attempt).where(Attempt.simulated)).all()
        assert sorted(o.attempt_id for o in outcomes) == sorted(a.id for a in attempts)
        assert {o.name for o in outcomes} == {"supervisor_rating"}
        assert len({o.value for o in outcomes}) == 6
        report = validity_report(attempts[0].assessment_id, session=session)
    cell = report.cell("judgement", "supervisor_rating")
    assert cell.n == 6 and report.n_simulated == 6
    assert cell.verdict == "too few to conclude"


def test_simulate_refuses_a_validity_outside_minus_one_to_one(runner, db):
    result = runner.invoke(main, ["simulate", "--candidates", "1", "--validity", "1.5"])
    assert result.exit_code == 2 and "1.5" in result.output
