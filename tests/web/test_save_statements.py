"""What a save and a submit cost the database, and that the quick save keeps every rule.

A save of an attempt whose details this process holds is one conditional UPDATE (SQLite
adds its BEGIN IMMEDIATE); whatever it cannot store is answered the slow way, as before."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import select

from hiring import jobs
from hiring.assessment import engine
from hiring.models import Attempt, AttemptEnd, AttemptState, EmailMessage, Job, Response
from tests.factories import make_attempt


@pytest.fixture
def token(db, assessment, clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)
    return token


@pytest.fixture
def count(app):
    """`with count() as statements:` lists the SQL statements run inside the block."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(" ".join(statement.split()))

        db_engine = app.extensions["hiring.engine"]
        event.listen(db_engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db_engine, "before_cursor_execute", record)

    return counting


_bases: dict[tuple[str, int], int] = {}  # the revision each question is at, per token


@pytest.fixture(autouse=True)
def _fresh_bases():
    yield


def save(client, token, position=1, answer="a", **revision):
    """Save an answer, on the revision last stored unless told another base or seq."""
    revision = revision or {"base": _bases.get((token, position), 0)}
    return client.post(f"/a/{token}/save", json={
        "position": position, "answer": {"best": answer}, **revision})


def saved(client, token, position=1, answer="a"):
    """Save on the revision last stored and check that it was accepted."""
    reply = save(client, token, position, answer)
    assert reply.status_code == 200 and reply.json["accepted"], reply.json
    _bases[(token, position)] = reply.json["seq"]
    return reply


def written(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


def the_attempt(session) -> Attempt:
    return session.exec(select(Attempt)).one()


def answer_at(db, position: int) -> Response:
    with db() as session:
        return engine.response_at(the_attempt(session), position, session=session)


def test_a_save_is_one_update(app, client, token, count):
    saved(client, token)  # the first save records the browser and fills the caches
    saved(client, token, answer="b")
    with count() as statements:
        reply = saved(client, token, answer="c")
    assert reply.json["seq"] == 3
    assert len(written(statements)) == 1, statements
    assert written(statements)[0].startswith("UPDATE response SET")
    assert len(statements) <= 2, statements  # SQLite: BEGIN IMMEDIATE, then the UPDATE
    with count() as statements:
        saved(client, token, position=2)  # another question: the attempt's place too
    assert [s.split()[:2] for s in written(statements)] == [["UPDATE", "response"],
                                                           ["UPDATE", "attempt"]]
    assert client.get(f"/a/{token}").headers["Location"].endswith("/q/2")


def test_quick_saves_keep_the_pipelines_last_activity_within_a_minute(
        app, client, db, token, clock, count):
    saved(client, token)  # the first save records the browser and fills the caches
    saved(client, token, answer="b")  # the first quick one writes the attempt's place
    first = clock()
    clock.advance(seconds=30)
    with count() as statements:
        saved(client, token, answer="c")  # the same question within the minute: one UPDATE
    assert len(written(statements)) == 1, statements
    with db() as session:
        assert the_attempt(session).last_activity_at.replace(tzinfo=None) == \
            first.replace(tzinfo=None)
    clock.advance(seconds=31)
    with count() as statements:
        saved(client, token, answer="d")  # more than a minute since it was written
    assert [s.split()[:2] for s in written(statements)] == [["UPDATE", "response"],
                                                           ["UPDATE", "attempt"]]
    with db() as session:
        assert the_attempt(session).last_activity_at.replace(tzinfo=None) == \
            clock().replace(tzinfo=None)
    clock.advance(seconds=5)
    saved(client, token, position=2)  # another question: written at once
    with db() as session:
        attempt = the_attempt(session)
        assert attempt.last_activity_at.replace(tzinfo=None) == clock().replace(tzinfo=None)
        assert attempt.current_position == 2


def test_a_quick_save_stores_what_the_slow_one_did(app, client, db, token):
    saved(client, token)
    reply = saved(client, token, position=4, answer="b")
    assert reply.json["seq"] == 1 and reply.json["saved_at"].startswith("2026-03-02T09:00")
    first, fourth = answer_at(db, 1), answer_at(db, 4)
    assert first.answer == {"best": "a"} and first.client_seq == 1
    assert fourth.answer == {"best": "b"} and fourth.client_seq == 1
    assert fourth.saved_at.isoformat() == reply.json["saved_at"]


def test_time_spent_only_grows(app, client, db, token):
    saved(client, token)
    for spent, answer in ((5000, "b"), (3000, "c")):
        reply = client.post(f"/a/{token}/save", json={
            "position": 1, "answer": {"best": answer}, "time_spent_ms": spent,
            "base": _bases[(token, 1)]})
        _bases[(token, 1)] = reply.json["seq"]
    assert answer_at(db, 1).time_spent_ms == 5000


def test_a_stale_base_gets_the_stored_answer_and_a_repeat_is_accepted(client, token, count):
    saved(client, token)
    saved(client, token, answer="b")
    with count() as statements:
        conflict = save(client, token, answer="c", base=1)
    assert conflict.json["conflict"] is True and conflict.json["accepted"] is False
    assert conflict.json["answer"]["best"] == "b" and conflict.json["seq"] == 2
    assert written(statements)[0].startswith("UPDATE response SET")  # tried, matched none
    repeat = save(client, token, answer="b", base=1)  # its reply was lost: the same answer
    assert repeat.json["accepted"] is True and repeat.json["seq"] == 2
    assert "conflict" not in repeat.json
    older = save(client, token, answer="a", seq=1)  # a page from before revisions
    assert older.json["accepted"] is False


def test_a_save_after_a_submit_elsewhere_is_refused(app, client, db, token, clock):
    saved(client, token)  # this process now holds the attempt as under way
    with db() as session:
        attempt = the_attempt(session)
        engine.submit(attempt, session=session, now=clock())
    late = save(client, token, answer="b")
    assert late.status_code == 409 and late.json["closed"] is True
    assert "already been submitted" in late.json["error"]
    with db() as session:
        assert the_attempt(session).state in (AttemptState.SUBMITTED, AttemptState.SCORED)


def test_the_grace_period_holds_to_the_microsecond(app, client, db, token, clock):
    saved(client, token)
    clock.advance(minutes=31)  # the deadline and its 60 seconds of grace, exactly
    assert saved(client, token, answer="b").json["seq"] == 2
    clock.advance(microseconds=1)
    late = save(client, token, answer="c")
    assert late.status_code == 409 and "Time is up" in late.json["error"]
    with db() as session:
        attempt = the_attempt(session)
    assert attempt.state == AttemptState.SCORED and attempt.ended_by == AttemptEnd.DEADLINE


def test_extra_time_given_during_the_attempt_counts(app, client, db, token, clock, count):
    saved(client, token)
    saved(client, token, answer="b")
    with db() as session:
        attempt = the_attempt(session)
        engine.give_extra_time(attempt, 10, session=session, now=clock())
    clock.advance(minutes=40)  # past the first deadline, within the new one
    with count() as statements:
        reply = saved(client, token, answer="c")
    # the answer, and the last activity (written more than a minute ago)
    assert reply.json["seq"] == 3 and [s.split()[:2] for s in written(statements)] == [
        ["UPDATE", "response"], ["UPDATE", "attempt"]]
    clock.advance(minutes=2)
    assert save(client, token, answer="d").status_code == 409


def test_a_revoked_link_saves_nothing(app, client, db, token, clock):
    saved(client, token)
    with db() as session:
        attempt = the_attempt(session)
        engine.revoke(attempt, session=session, now=clock())
    assert save(client, token, answer="b").status_code == 404
    assert answer_at(db, 1).answer == {"best": "a"}


def test_a_bad_answer_or_question_is_said_the_slow_way(client, db, token):
    saved(client, token)
    unknown = save(client, token, position=99)
    assert unknown.status_code == 422 and unknown.json["ok"] is False
    bad = client.post(f"/a/{token}/save", json={"position": 5, "base": 0,
                                                "answer": {"value": "twelve"}})
    assert bad.status_code == 422


def test_a_new_browser_is_recorded_before_its_quick_saves(app, db, token):
    first = app.test_client()
    saved(first, token)
    other = app.test_client()
    other.environ_base["HTTP_USER_AGENT"] = "Another browser"
    saved(other, token, answer="b")
    with db() as session:
        assert "Another browser" in the_attempt(session).user_agents


def test_a_submit_scores_from_cached_revisions_and_writes_its_mail_in_a_job(
        app, client, db, token, count, monkeypatch):
    saved(client, token)
    app.config["JOBS_INLINE"] = False  # the jobs wait in the table, as for a worker
    tasks = []
    monkeypatch.setattr(jobs, "start_task", lambda _app, kind, **params: tasks.append(kind))
    with count() as statements:
        reply = client.post(f"/a/{token}/submit", data={"confirm": "1"})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/done")
    assert not [s for s in statements if "itemrevision" in s]  # content from the cache
    assert not [s for s in statements if "emailmessage" in s or "emailtemplate" in s]
    assert [s.split()[:3] for s in written(statements)] == [
        ["SELECT", "attempt.id,", "attempt.assessment_id,"],  # the token
        ["SELECT", "assessment.grace_seconds", "FROM"],  # overdue?
        ["SELECT", "response.id,", "response.attempt_id,"],  # the answers to score
        ["SELECT", "rating.id,", "rating.response_id,"],
        ["UPDATE", "attempt", "SET"],  # closed and scored at once
        ["UPDATE", "response", "SET"],  # the items' scores
        ["SELECT", "webhookendpoint.id,", "webhookendpoint.url,"],  # who is told (none)
        ["INSERT", "INTO", "job"],  # the confirmation, written after
    ], statements
    with db() as session:
        attempt = the_attempt(session)
        assert attempt.state == AttemptState.SCORED and attempt.results
        [job] = session.exec(select(Job)).all()
        assert session.exec(select(EmailMessage)).all() == []
    assert jobs.run(app, job.id)
    with db() as session:
        [message] = session.exec(select(EmailMessage)).all()
        assert (message.kind, message.attempt_id) == ("confirmation", attempt.id)
    assert tasks == [jobs.WRITING_INDICATORS]
