"""Mail, jobs and files follow a request's single commit (hiring.db.after_commit)."""

from __future__ import annotations

import pytest
from flask import abort, g
from sqlalchemy import event
from sqlmodel import Session, func, select

from hiring import jobs
from hiring.db import after_commit, get_session
from hiring.models import Attempt, AttemptState, EmailMessage, Job, User
from hiring.web.access import public
from tests.factories import make_attempt
from tests.smtp import smtp_server


def invite(client, assessment_id: int):
    return client.post(f"/admin/assessments/{assessment_id}", data={
        "name": "Ivo Ivić", "email": "ivo@example.com", "days": 7, "language": "en",
        "send_email": "y"})


def count(db, model) -> int:
    with db() as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def smtp(app):
    with smtp_server() as mailbox:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=mailbox.port,
                          MAIL_SMTP_STARTTLS=False, MAIL_FROM="jobs@example.com")
        yield mailbox


def test_the_invitation_is_sent_only_once_it_is_committed(app, client, auth, db, assessment,
                                                         smtp, monkeypatch):
    seen = []
    start = jobs.start

    def watching(app_, job_id):
        with db() as session:  # another connection: sees only what was committed
            job = session.get(Job, job_id)
            seen.append((job.kind, session.exec(select(func.count()).select_from(
                EmailMessage)).one(), session.exec(select(Attempt.candidate_email)).all()))
        start(app_, job_id)

    monkeypatch.setattr(jobs, "start", watching)
    auth.login("hr")
    assert invite(client, assessment.id).status_code == 200
    assert seen == [("mail", 1, ["ivo@example.com"])]
    assert [m.recipients for m in smtp.messages] == [["ivo@example.com"]]


def test_a_request_whose_commit_fails_sends_nothing(app, client, auth, db, assessment, smtp,
                                                    monkeypatch):
    started = []
    monkeypatch.setattr(jobs, "start", lambda app_, job_id: started.append(job_id))
    auth.login("hr")

    def refuse(session):
        if session is g.get("db_session"):
            raise RuntimeError("the database went away")

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError, match="went away"):
            invite(client, assessment.id)
    finally:
        event.remove(Session, "before_commit", refuse)
    assert started == [] and smtp.messages == []
    assert (count(db, Attempt), count(db, EmailMessage), count(db, Job)) == (0, 0, 0)
    # The next request starts clean: nothing of the failed one is left to run.
    assert client.get("/admin/").status_code == 200
    assert started == []


def test_a_refused_request_drops_its_callbacks_and_a_good_one_runs_them_in_order(app, client,
                                                                                db):
    ran = []

    @app.route("/test/refused")
    @public
    def refused():
        get_session().add(User(email="refused@example.com", name="X", role="hr", password_hash="x"))
        after_commit(lambda: ran.append("refused"))
        abort(409, "No.")

    @app.route("/test/fine", methods=["POST"])
    @public
    def fine():
        after_commit(lambda: ran.append("first"))
        after_commit(lambda: 1 / 0)  # logged; the others still run
        after_commit(lambda: ran.append("second"))
        return "ok"

    assert client.get("/test/refused").status_code == 409
    assert ran == [] and count(db, User) == 0
    assert client.post("/test/fine").status_code == 200
    assert ran == ["first", "second"]


def test_a_request_that_commits_twice_is_caught_in_tests(app, client, db):
    @app.route("/test/twice", methods=["POST"])
    @public
    def twice():
        session = get_session()
        session.add(User(email="one@example.com", name="X", role="hr", password_hash="x"))
        session.commit()
        session.add(User(email="two@example.com", name="X", role="hr", password_hash="x"))
        return "ok"

    with pytest.raises(AssertionError, match="committed 2 times"):
        client.post("/test/twice")
    assert count(db, User) == 2  # the check is no rollback: it tells the tests


def test_revoking_an_attempt_under_way_commits_once_then_computes_its_indicators(
        app, client, auth, db, assessment, clock, monkeypatch):
    with db() as session:
        attempt, _token = make_attempt(session, assessment, now=clock(), started=True)
    computed = []

    def after(app_, attempts):
        with db() as session:
            stored = [session.get(Attempt, a.id) for a in attempts]
            computed.append([(a.state, a.revoked_at is not None) for a in stored])

    monkeypatch.setattr(jobs, "compute_writing_indicators", after)
    auth.login("hr")
    response = client.post(f"/admin/attempts/{attempt.id}/revoke", data={"confirm": "y"})
    assert response.status_code == 302  # and one commit: the teardown checks it in tests
    assert computed == [[(AttemptState.SCORED, True)]]  # read after the commit


def test_outside_a_request_there_is_no_commit_to_wait_for(app):
    with app.app_context(), pytest.raises(RuntimeError, match="outside a request"):
        after_commit(lambda: None)
