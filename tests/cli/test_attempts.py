"""`hiring attempts finalize-expired`: the clock's submits, and the candidates' e-mails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlmodel import select

from hiring.assessment import engine
from hiring.cli import main
from hiring.models import Attempt, EmailMessage
from tests.factories import make_attempt
from tests.smtp import closed_port, smtp_server


def run(runner, *args):
    return runner.invoke(main, ["attempts", *args], catch_exceptions=False)


def messages(db) -> list[EmailMessage]:
    with db() as session:
        return list(session.exec(select(EmailMessage).order_by(EmailMessage.id)))


@pytest.fixture
def overdue(db, assessment) -> dict[str, tuple[int, str]]:
    """Two attempts past their deadline (in Croatian and in English) and one under way."""
    long_ago = datetime.now(UTC) - timedelta(days=2)
    attempts = {}
    with db() as session:
        for email, language, started_at in (("hr@example.com", "hr", long_ago),
                                            ("en@example.com", "en", long_ago),
                                            ("now@example.com", "en", datetime.now(UTC))):
            attempt, token = make_attempt(session, assessment, now=started_at, started=True,
                                          email=email, language=language)
            engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=started_at,
                               seq=1)
            attempts[email] = (attempt.id, token)
    return attempts


def test_finalize_expired_e_mails_that_time_ran_out_once(app, runner, client, db, overdue):
    with smtp_server() as mailbox:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=mailbox.port,
                          MAIL_SMTP_STARTTLS=False, MAIL_FROM="jobs@example.com")
        result = run(runner, "finalize-expired")
        assert result.exit_code == 0, result.output
        assert "submitted 2 overdue attempts" in result.output
        assert "2 confirmation e-mails: 2 sent" in result.output
        again = run(runner, "finalize-expired")
        assert "submitted 0 overdue attempts" in again.output
        assert "confirmation" not in again.output
        # The candidate who opens the link afterwards is told, and gets no second e-mail.
        _, token = overdue["hr@example.com"]
        assert client.get(f"/a/{token}").headers["Location"].endswith("/done")
        assert "<h1>Vrijeme je isteklo</h1>" in client.get(f"/a/{token}/done").get_data(
            as_text=True)
    received = {m.recipients[0]: BytesParser(policy=policy.default).parsebytes(m.data)
                for m in mailbox.messages}
    assert sorted(received) == ["en@example.com", "hr@example.com"]
    assert received["hr@example.com"]["Subject"] == \
        "Vrijeme je isteklo: primili smo Vaše odgovore: Mala banka"
    assert "ran out, so your" in received["en@example.com"].get_content()
    assert sorted((m.to_address, m.kind, m.language, m.state) for m in messages(db)) == [
        ("en@example.com", "time_up", "en", "sent"), ("hr@example.com", "time_up", "hr", "sent")]
    with db() as session:
        assert {session.get(Attempt, attempt_id).ended_by
                for attempt_id, _ in overdue.values()} == {"deadline", None}


def test_finalize_expired_puts_the_e_mails_in_the_outbox_without_a_mail_server(
        runner, db, overdue):
    result = run(runner, "finalize-expired")
    assert result.exit_code == 0, result.output
    assert "2 confirmation e-mails: 2 in the outbox" in result.output
    assert {m.state for m in messages(db)} == {"outbox"}


def test_finalize_expired_e_mails_meeting_a_down_mail_server_are_sent_once_it_is_back(
        app, runner, db, clock, overdue):
    from hiring import jobs
    from hiring.models import Job

    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=closed_port(),
                      MAIL_SMTP_STARTTLS=False)
    result = run(runner, "finalize-expired")
    assert result.exit_code == 0, result.output
    assert "submitted 2 overdue attempts" in result.output  # the submits stand
    assert ("2 confirmation e-mails: 2 to be tried again (the mail server did not answer)"
            in result.output)
    assert {m.state for m in messages(db)} == {"queued"}
    with db() as session:
        assert sorted(session.get(Attempt, attempt_id).state
                      for attempt_id, _ in overdue.values()) == [
            "in_progress", "scored", "scored"]
        job = session.exec(select(Job)).one()
        assert (job.kind, job.state) == ("mail", "queued")
    with smtp_server() as mailbox:
        app.config["MAIL_SMTP_PORT"] = mailbox.port
        clock.advance(minutes=1)
        assert jobs.run_due(app) == 1
    assert sorted(m.recipients[0] for m in mailbox.messages) == ["en@example.com",
                                                                 "hr@example.com"]
    assert {m.state for m in messages(db)} == {"sent"}
