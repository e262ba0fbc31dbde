"""`hiring calibration add`: a calibration answer from a response or a sample text."""

from __future__ import annotations

from sqlmodel import select

from hiring.assessment import engine
from hiring.cli import main
from hiring.models import CalibrationAnswer
from tests.factories import make_attempt


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_add_from_a_response_anonymises_it(runner, db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  name="Petra Kos", email="petra@example.com")
        engine.save_answer(attempt, 6, {"text": "Dear Ana, sorry.\nPetra Kos"},
                           session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        response_id = engine.response_at(attempt, 6, session=session).id
    result = run(runner, "calibration", "add", "--item", "wr-1", "--from-response",
                 str(response_id), "--ratings", "tone=3, empathy=2", "--note", "Generic.")
    assert result.exit_code == 0, result.output
    assert "Dear Ana, sorry.\n[name]" in result.output and "Petra" not in result.output
    with db() as session:
        answer = session.exec(select(CalibrationAnswer)).one()
        assert (answer.agreed, answer.origin, answer.explanation) == (
            {"tone": 3, "empathy": 2}, "response", "Generic.")


def test_add_a_sample_and_the_problems_it_refuses(runner, db, bank):
    ok = run(runner, "calibration", "add", "--item", "wr-1", "--text", "Poštovana Ana, žao mi je.",
             "--language", "hr", "--ratings", "tone=4,empathy=4", "--note", "Toplo.")
    assert ok.exit_code == 0, ok.output
    missing = run(runner, "calibration", "add", "--item", "wr-1", "--text", "Hi.",
                  "--ratings", "tone=4", "--note", "x")
    assert missing.exit_code == 1 and "Rate every criterion" in missing.output
    both = run(runner, "calibration", "add", "--item", "wr-1", "--text", "Hi.",
               "--from-response", "1", "--ratings", "tone=4,empathy=4", "--note", "x")
    assert both.exit_code == 1 and "either --from-response or --text" in both.output
    unknown = run(runner, "calibration", "add", "--item", "wr-9", "--text", "Hi.",
                  "--ratings", "tone=4,empathy=4", "--note", "x")
    assert unknown.exit_code == 1 and "no item 'wr-9'" in unknown.output
    with db() as session:
        assert len(session.exec(select(CalibrationAnswer)).all()) == 1
