"""`hiring invitations remind`: reminders with a new link, once, safe from cron."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from hiring.assessment import engine
from hiring.cli import main
from hiring.mail import invitations
from hiring.mail.sending import MailSettings
from hiring.models import Attempt, EmailMessage
from tests.factories import make_attempt
from tests.smtp import closed_port, smtp_server


def run(runner, *args):
    return runner.invoke(main, ["invitations", "remind", *args], catch_exceptions=False)


@pytest.fixture
def invited(app, db, assessment, clock):
    """Three e-mailed invitations (expiring in 2, 2 and 10 days) and one by hand (2 days)."""
    app.config["MAIL_BASE_URL"] = "https://hiring.example.com/"
    mail = MailSettings.from_config(app.config, app.instance_path)
    tokens = {}
    with db() as session:
        for email, days, e_mailed in (("a@example.com", 2, True), ("b@example.com", 2, True),
                                      ("late@example.com", 10, True),
                                      ("hand@example.com", 2, False)):
            attempt, token = make_attempt(session, assessment, now=clock(), email=email,
                                          expires_at=clock() + timedelta(days=days))
            if e_mailed:
                invitations.send("invitation", attempt, session=session, settings=mail,
                                 now=clock(), link=f"https://x/a/{token}")
            tokens[email] = (attempt.id, token)
    clock.advance(hours=1)
    return tokens


def reminders(db) -> list[EmailMessage]:
    with db() as session:
        return list(session.exec(select(EmailMessage).where(EmailMessage.kind == "reminder")
                                 .order_by(EmailMessage.id)))


def test_remind_once_with_a_new_link(app, runner, db, clock, invited):
    dry = run(runner, "--dry-run")
    assert dry.exit_code == 0
    assert dry.output.startswith("would remind 2 invitations expiring within 3 days")
    assert "a@example.com" not in dry.output  # numbers only, no personal data
    assert reminders(db) == []

    result = run(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == \
        "reminded 2 invitations expiring within 3 days: 2 in the outbox"
    sent = reminders(db)
    assert sorted(m.to_address for m in sent) == ["a@example.com", "b@example.com"]
    body = (app.instance_path + "/outbox/" + sent[0].outbox_file)
    with open(body, encoding="utf-8") as source:
        text = source.read().replace("=\n", "")
    assert "https://hiring.example.com/a/" in text
    with db() as session:
        attempt_id, old_token = invited[sent[0].to_address]
        assert engine.find_by_token(old_token, session=session) is None
        assert session.get(Attempt, attempt_id).reminded_at == clock()

    clock.advance(hours=12)  # cron, twice a day
    again = run(runner)
    assert again.output.strip() == "reminded 0 invitations expiring within 3 days"
    assert len(reminders(db)) == 2

    clock.advance(days=7)  # "late" expires within 3 days now; a and b have expired
    later = run(runner, "--days", "3")
    assert later.output.startswith("reminded 1 invitation expiring")
    assert [m.to_address for m in reminders(db)][-1] == "late@example.com"


def test_remind_needs_the_base_url_for_links(app, runner, db, invited):
    app.config["MAIL_BASE_URL"] = None
    result = runner.invoke(main, ["invitations", "remind"])
    assert result.exit_code == 1 and "MAIL_BASE_URL" in result.output
    assert reminders(db) == []


def test_remind_through_smtp_and_report_failures(app, runner, db, invited):
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_STARTTLS=False)
    with smtp_server() as mailbox:
        mailbox.refuse.add("b@example.com")
        app.config["MAIL_SMTP_PORT"] = mailbox.port
        result = runner.invoke(main, ["invitations", "remind"])
    assert result.exit_code == 1
    assert "reminded 2 invitations expiring within 3 days: 1 sent, 1 failed" in result.output
    assert "error: 1 reminder failed: the Outbox page says why" in result.output
    assert [m.recipients for m in mailbox.messages] == [["a@example.com"]]
    assert {m.to_address: m.state for m in reminders(db)} == {"a@example.com": "sent",
                                                             "b@example.com": "failed"}
    # the failed one counts as reminded: a broken address is not retried every run
    app.config["MAIL_SMTP_PORT"] = closed_port()
    assert run(runner).output.strip() == "reminded 0 invitations expiring within 3 days"


def test_reminders_that_meet_a_down_mail_server_are_sent_by_a_job_once_it_is_back(
        app, runner, db, clock, invited):
    from hiring import jobs
    from hiring.models import Job

    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_STARTTLS=False,
                      MAIL_SMTP_PORT=closed_port())
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert ("reminded 2 invitations expiring within 3 days: 2 to be tried again (the mail "
            "server did not answer)") in result.output
    assert {m.state for m in reminders(db)} == {"queued"}
    with db() as session:
        job = session.exec(select(Job)).one()
        assert (job.kind, job.state, job.run_after) == ("mail", "queued",
                                                        clock() + timedelta(minutes=1))
    with smtp_server() as mailbox:
        app.config["MAIL_SMTP_PORT"] = mailbox.port
        clock.advance(minutes=1)
        assert jobs.run_due(app) == 1
    assert sorted(m.recipients[0] for m in mailbox.messages) == ["a@example.com",
                                                                 "b@example.com"]
    assert {m.state for m in reminders(db)} == {"sent"}
