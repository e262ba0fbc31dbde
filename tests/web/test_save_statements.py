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
def count(app, monkeypatch):
    """`with count() as statements:` lists the SQL statements run inside the block. On
    SQLite, every statement the library ran (its trace callback), the quick writes a save
    runs on a driver connection (hiring.db.quick_write) included; elsewhere the statements
    run through SQLAlchemy and those the quick writes ran."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(" ".join(statement.split()))

        def trace(dbapi_connection, *_args):
            dbapi_connection.set_trace_callback(record_traced)

        def untrace(dbapi_connection, *_args):
            dbapi_connection.set_trace_callback(None)

        def record_traced(statement):
            statements.append(" ".join(statement.split()))

        real = engine.quick_write

        def quick_write(bind, statement, then=None):
            changed = real(bind, statement, then)
            ran = [statement[0]] + ([then[0]] if then is not None and changed else [])
            statements.extend(" ".join(sql.split()) for sql in ran)
            return changed

        db_engine = app.extensions["hiring.engine"]
        if db_engine.dialect.name == "sqlite":
            listeners = [(db_engine.pool, "checkout", trace), (db_engine.pool, "checkin", untrace)]
        else:
            listeners = [(db_engine, "before_cursor_execute", record)]
            monkeypatch.setattr(engine, "quick_write", quick_write)
        for target, name, listener in listeners:
            event.listen(target, name, listener)
        try:
            yield statements
        finally:
            for target, name, listener in listeners:
                event.remove(target, name, listener)
            monkeypatch.setattr(engine, "quick_write", real)

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


def saved_and_moved(app) -> list[list[str]]:
    """The statements of a save that also writes the attempt's place: on PostgreSQL one
    (the save inside a WITH, one round trip), on SQLite two in one transaction."""
    if app.extensions["hiring.engine"].dialect.name == "postgresql":
        return [["WITH", "saved"]]
    return [["UPDATE", "response"], ["UPDATE", "attempt"]]


def the_attempt(session) -> Attempt:
    return session.exec(select(Attempt)).one()


def answer_at(db, position: int) -> Response:
    with db() as session:
        return engine.response_at(the_attempt(session), position, session=session)


def test_the_welcome_page_only_reads(app, client, db, assessment, clock, count):
    """Hundreds of candidates open their invitations at once: the welcome page takes no
    write lock and writes nothing, so that its pages are built side by side."""
    with db() as session:
        _, invited = make_attempt(session, assessment, now=clock())
    client.get(f"/a/{invited}")  # this process's first: its statements compiled
    with db() as session:
        _, invited = make_attempt(session, assessment, now=clock(), email="w@example.com")
    with count() as statements:
        assert client.get(f"/a/{invited}").status_code == 200
    assert statements and not [sql for sql in statements if sql.split()[0].upper() in (
        "UPDATE", "INSERT", "DELETE")]
    assert "BEGIN IMMEDIATE" not in statements
    # the bank's languages and its practice items: one statement
    assert len([sql for sql in statements if " FROM bank " in f"{sql} "]) == 1, statements


def test_a_start_reads_its_assessment_with_the_attempt_and_locks_only_the_attempt(
        app, client, db, assessment, clock, count):
    with db() as session:
        _, invited = make_attempt(session, assessment, now=clock())
    with count() as statements:
        assert client.get(f"/a/{invited}").status_code == 200
        assert client.post(f"/a/{invited}/start").status_code == 302
    selects = [sql for sql in statements if sql.startswith("SELECT")]
    assert not [sql for sql in selects if sql.startswith("SELECT assessment.")], selects
    assert len([sql for sql in selects if "JOIN assessment" in sql]) == 2, selects
    locks = [sql for sql in statements if "FOR UPDATE" in sql]
    if app.extensions["hiring.engine"].dialect.name == "postgresql":
        assert locks and all(sql.endswith("FOR UPDATE OF attempt") for sql in locks), locks
    with db() as session:
        assert session.exec(select(Attempt)).one().state == AttemptState.IN_PROGRESS


def test_the_banks_fields_kept_for_a_page_are_read_again_after_a_change(db, assessment):
    from hiring.assessment.planning import bank_field
    from hiring.models import Bank

    with db() as session:
        bank = session.get(Bank, assessment.bank_id)
        before = list(bank_field(Bank.languages, bank.id, session=session))
        bank.languages = [*before, "xx"]
        assert bank_field(Bank.languages, bank.id, session=session) == before  # kept
        session.flush()  # a change in this session: read again
        assert bank_field(Bank.languages, bank.id, session=session) == [*before, "xx"]
        bank.languages = before
    with db() as session:  # another transaction: read again
        assert bank_field(Bank.languages, assessment.bank_id, session=session) == before


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
    assert [s.split()[:2] for s in written(statements)] == saved_and_moved(app)
    assert client.get(f"/a/{token}").headers["Location"].endswith("/q/2")


def test_an_attempt_new_to_the_process_is_read_in_one_statement(app, client, token, count):
    """Each server process reads an attempt once before its quick saves: one SELECT of the
    attempt with its responses, and on PostgreSQL outside a transaction (one round trip)."""
    saved(client, token)  # the first save records the browser
    db_engine = app.extensions["hiring.engine"]
    engine.forget_open(db_engine, token)  # as a process that has not seen the attempt yet
    autocommit = []

    def note(conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT"):
            autocommit.append(getattr(conn.connection.dbapi_connection, "autocommit", None))

    event.listen(db_engine, "before_cursor_execute", note)
    try:
        with count() as statements:
            saved(client, token, answer="b")
    finally:
        event.remove(db_engine, "before_cursor_execute", note)
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    assert len(reads) == 1 and "JOIN response" in reads[0], statements
    assert [sql for sql in written(statements) if sql.startswith(("UPDATE response SET",
                                                                   "WITH saved"))]
    if db_engine.dialect.name == "postgresql":
        assert autocommit == [True]
    else:
        assert statements[0] == "BEGIN"  # a read transaction: no write lock


def test_a_save_builds_and_compiles_no_sql(app, client, token, count, monkeypatch):
    saved(client, token)  # the first saves record the browser and fill the caches
    saved(client, token, position=2)
    compiled = []
    real = engine._Prepared.of.__func__
    monkeypatch.setattr(engine._Prepared, "of", classmethod(
        lambda cls, statement, dialect: compiled.append(statement) or real(
            cls, statement, dialect)))
    with count() as statements:
        for answer in "bcdb":
            saved(client, token, answer=answer)
        saved(client, token, position=1)
    assert compiled == []  # the save's statements were compiled once, for this dialect
    # back from question 2 to 1: the attempt's place too; then the answer alone
    assert [s.split()[:2] for s in written(statements)] == saved_and_moved(app) + [
        ["UPDATE", "response"]] * 4, statements


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
    assert [s.split()[:2] for s in written(statements)] == saved_and_moved(app)
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
    assert reply.json["seq"] == 3 and [s.split()[:2] for s in written(
        statements)] == saved_and_moved(app)
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
        # no grace period read before the deadline, and no ratings: none can exist yet
        ["SELECT", "response.id,", "response.attempt_id,"],  # the answers to score
        ["UPDATE", "attempt", "SET"],  # closed and scored at once
        ["UPDATE", "response", "SET"],  # the items' scores
        ["SELECT", "webhookendpoint.id,", "webhookendpoint.events"],  # who is told (none)
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


def _write_lock_free(app) -> bool:
    """Tell whether another connection could take SQLite's write lock at once."""
    import sqlite3

    path = app.extensions["hiring.engine"].url.database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_candidates_page_is_built_after_its_writes_are_committed(app, client, db, token):
    """The item page records the browser and the place in the attempt; it is built with
    those committed, without the write lock every save waits for."""
    from flask import before_render_template

    from hiring import db as hiring_db

    seen = []

    def rendering(_sender, template, context, **_extra):
        lock_free = _write_lock_free(app) if app.extensions[
            "hiring.engine"].dialect.name == "sqlite" else None
        seen.append((template.name, hiring_db.request_writes(), lock_free))

    before_render_template.connect(rendering, app)
    try:
        assert client.get(f"/a/{token}/q/3").status_code == 200
    finally:
        before_render_template.disconnect(rendering, app)
    sqlite = app.extensions["hiring.engine"].dialect.name == "sqlite"
    assert seen == [("candidate/item.html", False, True if sqlite else None)]
    with db() as session:  # what the page wrote was stored
        attempt = the_attempt(session)
        assert attempt.current_position == 3 and attempt.user_agents


def test_nothing_is_written_after_the_writes_are_ended(app):
    from hiring import db as hiring_db

    with app.test_request_context("/"):
        app.preprocess_request()
        session = hiring_db.get_session()
        hiring_db.end_writing()
        session.add(Attempt(assessment_id=1, candidate_name="x", candidate_email="x@e.x",
                            token_hash="x", expires_at=engine.utcnow()))
        with pytest.raises(RuntimeError, match="wrote after end_writing"):
            session.flush()
        session.rollback()
