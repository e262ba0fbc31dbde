"""`hiring writing compute`: writing indicators for attempts closed before they existed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hiring.assessment import engine
from hiring.cli import main
from hiring.models import Attempt
from hiring.scoring import writing_store
from tests.factories import make_attempt

REPLY = "Dear Ana, I am sorry that your refund took two weeks. I have checked it and it is paid."


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def attempt_with_reply(db, assessment, *, email: str, submit: bool = True,
                       when: datetime | None = None) -> int:
    when = when or datetime.now(UTC)
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=when, started=True, email=email)
        engine.save_answer(attempt, 6, {"text": REPLY}, session=session, now=when, seq=1)
        if submit:
            engine.submit(attempt, session=session, now=when)
        return attempt.id


def indicators(db, attempt_id: int) -> dict | None:
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        return engine.response_at(attempt, 6, session=session).indicators


def test_compute_all_missing_fills_closed_attempts_once(runner, db, assessment):
    first = attempt_with_reply(db, assessment, email="a@example.com")
    second = attempt_with_reply(db, assessment, email="b@example.com")
    open_one = attempt_with_reply(db, assessment, email="c@example.com", submit=False)

    result = run(runner, "writing", "compute", "--all-missing")
    assert result.exit_code == 0, result.output
    assert "writing indicators stored for 2 answers" in result.output
    assert writing_store.is_current(indicators(db, first), REPLY)
    assert writing_store.is_current(indicators(db, second), REPLY)
    assert indicators(db, open_one) is None
    again = run(runner, "writing", "compute", "--all-missing")
    assert "writing indicators stored for 0 answers" in again.output


def test_compute_one_attempt_computes_it_again(runner, db, assessment):
    attempt_id = attempt_with_reply(db, assessment, email="a@example.com")
    for _ in range(2):
        result = run(runner, "writing", "compute", "--attempt", str(attempt_id))
        assert "writing indicators stored for 1 answer" in result.output
    assert writing_store.is_current(indicators(db, attempt_id), REPLY)


def test_compute_refuses_what_it_cannot_do(runner, db, assessment):
    open_one = attempt_with_reply(db, assessment, email="c@example.com", submit=False)
    neither = run(runner, "writing", "compute")
    assert neither.exit_code == 1 and "either --attempt ID or --all-missing" in neither.output
    both = run(runner, "writing", "compute", "--attempt", "1", "--all-missing")
    assert both.exit_code == 1
    assert "no attempt 999" in run(runner, "writing", "compute", "--attempt", "999").output
    unsubmitted = run(runner, "writing", "compute", "--attempt", str(open_one))
    assert unsubmitted.exit_code == 1 and "in_progress" in unsubmitted.output
    assert indicators(db, open_one) is None


def test_finalize_expired_computes_the_indicators_of_what_it_submits(runner, db, assessment):
    overdue = attempt_with_reply(db, assessment, email="a@example.com", submit=False,
                                 when=datetime.now(UTC) - timedelta(days=2))
    result = run(runner, "attempts", "finalize-expired")
    assert "submitted 1 overdue attempts" in result.output
    assert "writing indicators stored for 1 answer" in result.output
    assert writing_store.is_current(indicators(db, overdue), REPLY)
