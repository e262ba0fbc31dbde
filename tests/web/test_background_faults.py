"""Background work when what it needs is down: Redis, the mail server. Nothing is lost,
no page answers 500, and the work is done once a worker can."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from hiring import jobs
from hiring.models import EmailMessage, Job
from tests.smtp import closed_port, smtp_server
from tests.web.test_exports import completed


@pytest.fixture
def redis_down(app):
    """REDIS_URL points at a port nothing listens on; jobs are not run inline."""
    app.config.update(JOBS_INLINE=False, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
                      PERIODIC_WORK={})
    return app


def invite(client, assessment_id: int):
    return client.post(f"/admin/assessments/{assessment_id}", data={
        "name": "Ivo Ivić", "email": "ivo@example.com", "days": 7, "language": "en",
        "send_email": "y"})


def test_with_redis_down_an_invitation_is_created_its_link_shown_its_e_mail_sent_later(
        redis_down, client, auth, db, assessment):
    with smtp_server() as mailbox:
        redis_down.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=mailbox.port,
                                 MAIL_SMTP_STARTTLS=False)
        auth.login("hr")
        page = invite(client, assessment.id)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert 'id="invite-link"' in text and "1 e-mail being sent" in text
        with db() as session:
            message = session.exec(select(EmailMessage)).one()
            job = session.exec(select(Job)).one()
            assert (message.state, job.kind, job.state) == ("queued", "mail", "queued")
        # The server's worker thread takes what Redis never got once it waited a while.
        assert jobs.run_due(redis_down, queued_before=None) == 1
    assert [m.recipients for m in mailbox.messages] == [["ivo@example.com"]]
    with db() as session:
        assert session.get(EmailMessage, message.id).state == "sent"
        assert session.get(Job, job.id).state == "done"


def test_with_redis_down_an_export_waits_in_the_database_and_a_worker_builds_it(
        redis_down, client, auth, db, assessment, clock):
    ids = completed(db, assessment, clock, 2)
    auth.login("interviewer")
    response = client.post("/exports/profiles", data={"attempt": list(map(str, ids))})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    status = client.get(job_url + ".json").json
    assert status["state"] == "queued"
    assert status["message"] == "Waiting for a worker to start it…"
    assert "Waiting for a worker to start it…" in client.get(job_url).get_data(as_text=True)
    from hiring.worker import Worker

    thread_worker = Worker(redis_down, grace_seconds=60, periodic=False)
    assert thread_worker.run_once() == 0  # RQ workers get the first minute
    clock.advance(seconds=61)
    assert thread_worker.run_once() == 1
    status = client.get(job_url + ".json").json
    assert (status["state"], status["done"], status["total"]) == ("done", 2, 2)


def test_with_the_mail_server_down_then_up_the_invitation_goes_out_on_the_retry(
        app, client, auth, db, assessment, clock):
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=closed_port(),
                      MAIL_SMTP_STARTTLS=False)
    auth.login("hr")
    page = invite(client, assessment.id)
    assert page.status_code == 200 and 'id="invite-link"' in page.get_data(as_text=True)
    with db() as session:
        message = session.exec(select(EmailMessage)).one()
        job = session.exec(select(Job)).one()
        assert (message.state, message.tries) == ("queued", 1)
        assert (job.state, job.run_after) == ("queued", clock() + timedelta(minutes=1))
    with smtp_server() as mailbox:
        app.config["MAIL_SMTP_PORT"] = mailbox.port
        assert jobs.run_due(app) == 0  # its minute has not passed
        clock.advance(minutes=1)
        assert jobs.run_due(app) == 1
    assert [m.recipients for m in mailbox.messages] == [["ivo@example.com"]]
    with db() as session:
        sent = session.get(EmailMessage, message.id)
        assert (sent.state, sent.error, sent.tries) == ("sent", None, 1)
        done = session.get(Job, job.id)
        assert (done.state, done.attempts, done.error) == ("done", 1, None)


def test_e_mails_of_a_sending_job_whose_workers_keep_dying_fail_instead_of_waiting(
        app, client, auth, db, assessment, clock):
    app.config.update(JOBS_INLINE=False, MAIL_SMTP_HOST="127.0.0.1",
                      MAIL_SMTP_PORT=closed_port(), MAIL_SMTP_STARTTLS=False)
    auth.login("hr")
    assert invite(client, assessment.id).status_code == 200
    with db() as session:
        message = session.exec(select(EmailMessage)).one()
        job = session.exec(select(Job)).one()
    spool = Path(app.instance_path) / "mail-spool" / f"{message.id}.eml"
    assert spool.is_file()
    for _ in range(3):  # claimed, then its worker is killed each time
        assert jobs.claim(app, "doomed") == job.id
        clock.advance(minutes=2)
    assert jobs.run_due(app) == 1
    with db() as session:
        failed = session.get(Job, job.id)
        assert failed.state == "failed" and "stopped 3 times" in failed.error
        lost = session.get(EmailMessage, message.id)
        assert lost.state == "failed" and lost.error.startswith("Sending stopped: The work")
    assert not spool.exists()
    page = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert "invitation: failed" in page and "Sending stopped" in page
