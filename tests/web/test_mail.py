"""HR's e-mail pages (outbox, wording) and the e-mails the other pages send."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlmodel import select

from hiring import jobs
from hiring.assessment import engine
from hiring.mail import invitations
from hiring.models import Attempt, AttemptState, EmailMessage, EmailTemplate, Job
from tests.factories import make_attempt
from tests.smtp import closed_port, smtp_server

CSV = ("name,email,language\n"
       "Ana Horvat,ana@example.com,hr\n"
       "Ivo Ivić,ivo@example.com,\n"
       "Eva Kovač,eva@example.com,en\n")


def messages(db) -> list[EmailMessage]:
    with db() as session:
        return list(session.exec(select(EmailMessage).order_by(EmailMessage.id)))


def invite(client, assessment_id: int, email: str = "ivo@example.com", **extra):
    data = {"name": "Ivo <b>Ivić</b>", "email": email, "days": 7, "language": "en",
            "send_email": "y", **extra}
    return client.post(f"/admin/assessments/{assessment_id}", data=data)


@pytest.fixture
def smtp(app):
    """A local SMTP server the app sends through."""
    with smtp_server() as mailbox:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=mailbox.port,
                          MAIL_SMTP_STARTTLS=False, MAIL_FROM="jobs@example.com")
        yield mailbox


# ---- the outbox ---------------------------------------------------------------------


def test_the_outbox_lists_messages_and_opens_one_as_text(client, auth, db, assessment):
    auth.login("hr")
    page = invite(client, assessment.id).get_data(as_text=True)
    link = page.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    invite(client, assessment.id, email="eva@example.com")
    outbox = client.get("/admin/mail/outbox").get_data(as_text=True)
    assert outbox.index("eva@example.com") < outbox.index("ivo@example.com")  # newest first
    assert "Your invitation: Test assessment" in outbox and "outbox" in outbox
    assert "<b>Ivić</b>" not in outbox  # escaped
    searched = client.get("/admin/mail/outbox?q=EVA@").get_data(as_text=True)
    assert "eva@example.com" in searched and "ivo@example.com" not in searched
    first = messages(db)[0]
    opened = client.get(f"/admin/mail/outbox/message?id={first.id}").get_data(as_text=True)
    assert link in opened and "Dear Ivo &lt;b&gt;Ivić&lt;/b&gt;," in opened
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert f"<dt>{header}</dt>" in opened
    assert client.get("/admin/mail/outbox/message?id=999").status_code == 404
    auth.logout()
    auth.login("interviewer")
    assert client.get("/admin/mail/outbox").status_code == 403
    assert client.get(f"/admin/mail/outbox/message?id={first.id}").status_code == 403


def test_an_empty_outbox_says_so(client, auth):
    auth.login("hr")
    page = client.get("/admin/mail/outbox").get_data(as_text=True)
    assert "No e-mails yet." in page and "No mail server is set up" in page


def test_bulk_invitations_put_one_e_mail_per_row_in_the_outbox(app, client, auth, db,
                                                                assessment):
    auth.login("hr")
    preview = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                          data={"csv_text": CSV})
    page = preview.get_data(as_text=True)
    assert "All 3 rows are fine." in page
    assert '<input type="checkbox" name="send_email" value="1" checked>' in page
    assert messages(db) == []
    created = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                          data={"csv_text": CSV, "confirm": "1", "send_email": "1"})
    assert "Created 3 invitations; 3 e-mails in the outbox." in created.get_data(as_text=True)
    sent = messages(db)
    assert [(m.to_address, m.language, m.state) for m in sent] == [
        ("ana@example.com", "hr", "outbox"), ("ivo@example.com", "en", "outbox"),
        ("eva@example.com", "en", "outbox")]
    path = f"{app.instance_path}/outbox/{sent[0].outbox_file}"
    with open(path, "rb") as source:
        message = BytesParser(policy=policy.default).parse(source)
    assert message["To"].addresses[0].addr_spec == "ana@example.com"
    token = re.search(r"/a/([\w-]+)", message.get_content())[1]
    with db() as session:
        assert engine.find_by_token(token, session=session).candidate_email == \
            "ana@example.com"


# ---- sending through an SMTP server -------------------------------------------------


def test_invitations_go_through_the_smtp_server_in_a_background_job(client, auth, db,
                                                                    assessment, smtp):
    auth.login("hr")
    page = invite(client, assessment.id, email="solo@example.com").get_data(as_text=True)
    assert "1 e-mail being sent" in page
    client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                data={"csv_text": CSV, "confirm": "1", "send_email": "1"})
    assert sorted(m.recipients[0] for m in smtp.messages) == [
        "ana@example.com", "eva@example.com", "ivo@example.com", "solo@example.com"]
    assert all(m.sender == "jobs@example.com" for m in smtp.messages)
    assert {m.state for m in messages(db)} == {"sent"}
    with db() as session:
        jobs = list(session.exec(select(Job)))
        assert [(j.kind, j.total, j.state) for j in jobs] == [("mail", 1, "done"),
                                                               ("mail", 3, "done")]
        assert "message_ids" in jobs[1].params and "attempt_ids" not in jobs[1].params
    assert all(m.outbox_file is None for m in messages(db))
    body = BytesParser(policy=policy.default).parsebytes(smtp.messages[0].data).get_content()
    assert "/a/" in body


def test_a_send_that_keeps_failing_shows_on_the_pipeline_and_can_be_resent(app, client, auth,
                                                                        db, assessment,
                                                                        clock):
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=closed_port(),
                      MAIL_SMTP_STARTTLS=False)
    auth.login("hr")
    invite(client, assessment.id)
    waiting = messages(db)[0]
    assert (waiting.state, waiting.tries) == ("queued", 1)
    assert "Could not reach the mail server" in waiting.error
    assert waiting.next_try_at == clock() + timedelta(minutes=1)
    outbox = client.get("/admin/mail/outbox").get_data(as_text=True)
    assert "Not sent yet (1 try): Could not reach the mail server" in outbox
    assert "Next try at Mar 2, 2026, 9:01\u202fAM UTC." in outbox
    for minutes in (1, 5, 30, 120):  # the retry schedule, all meeting the closed port
        assert jobs.run_due(app) == 0  # not due yet
        clock.advance(minutes=minutes)
        assert jobs.run_due(app) == 1
    failed = messages(db)[0]
    assert failed.state == "failed" and "Could not reach the mail server" in failed.error
    assert "(gave up after 5 tries)" in failed.error and failed.tries == 5
    with db() as session:
        assert [(j.state, j.attempts) for j in session.exec(select(Job))] == [("done", 1)]
    pipeline = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert "invitation: failed" in pipeline and "Could not reach the mail server" in pipeline
    assert "Could not reach the mail server" in client.get("/admin/mail/outbox").get_data(
        as_text=True)
    with smtp_server() as mailbox:
        app.config["MAIL_SMTP_PORT"] = mailbox.port
        resent = client.post(f"/admin/attempts/{failed.attempt_id}/resend")
        assert resent.status_code == 200
    assert [m.recipients for m in mailbox.messages] == [["ivo@example.com"]]
    assert [m.state for m in messages(db)] == ["failed", "sent"]


# ---- the confirmation after a submit ------------------------------------------------


def test_a_submit_sends_the_confirmation_in_the_candidates_language(client, db, assessment,
                                                                   clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock(), started=True,
                                language="hr")
    assert client.post(f"/a/{token}/submit", data={"confirm": "1"}).status_code == 302
    client.post(f"/a/{token}/submit", data={"confirm": "1"})  # twice: one confirmation
    sent = messages(db)
    assert [(m.kind, m.language, m.state) for m in sent] == [("confirmation", "hr", "outbox")]
    # No Croatian name was given: the bank's Croatian title stands in for it.
    assert sent[0].subject == "Primili smo Vaše odgovore: Mala banka"


def body_of(received) -> str:
    return BytesParser(policy=policy.default).parsebytes(received.data).get_content()


def test_the_clock_closing_an_attempt_on_the_next_request_sends_the_time_up_e_mail_once(
        client, db, assessment, clock, smtp):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True,
                                      language="hr")
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=clock(), seq=1)
    clock.advance(minutes=31, seconds=1)  # past the deadline and its grace period
    late = client.post(f"/a/{token}/save", json={"position": 2, "seq": 1,
                                                 "answer": {"best": "a"}})
    assert late.status_code == 409  # the request that finds the attempt overdue closes it
    assert client.get(f"/a/{token}/q/2").headers["Location"].endswith("/done")
    client.get(f"/a/{token}/done")
    client.post(f"/a/{token}/submit", data={"confirm": "1"})
    [received] = smtp.messages
    assert received.recipients == ["ana@example.com"]
    header = BytesParser(policy=policy.default).parsebytes(received.data)["Subject"]
    assert header == "Vrijeme je isteklo: primili smo Vaše odgovore: Mala banka"
    body = body_of(received)
    assert "(30 min) isteklo je" in body and "predani automatski" in body
    assert [(m.kind, m.language, m.state) for m in messages(db)] == [("time_up", "hr", "sent")]
    with db() as session:
        assert session.get(Attempt, attempt.id).ended_by == "deadline"


def test_the_pages_timer_submitting_sends_the_time_up_e_mail(client, db, assessment, clock):
    with db() as session:
        _, token = make_attempt(session, assessment, now=clock(), started=True)
    clock.advance(minutes=30)
    client.post(f"/a/{token}/submit", data={"timeup": "1"})
    client.post(f"/a/{token}/submit", data={"timeup": "1"})
    [sent] = messages(db)
    assert (sent.kind, sent.language, sent.state) == ("time_up", "en", "outbox")
    assert sent.subject == "Time is up: we have received your answers: Test assessment"


def test_a_failing_confirmation_never_fails_the_submit(client, db, assessment, clock,
                                                       monkeypatch):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(), started=True)

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(invitations, "confirm_submission", broken)
    response = client.post(f"/a/{token}/submit", data={"confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")
    with db() as session:
        assert session.get(Attempt, attempt.id).state in (AttemptState.SUBMITTED,
                                                          AttemptState.SCORED)
    [failed] = messages(db)
    assert (failed.kind, failed.state, failed.error) == ("confirmation", "failed",
                                                         "OSError: disk full")


# ---- the wording --------------------------------------------------------------------


def test_the_wording_editor_checks_previews_saves_and_restores(client, auth, db, assessment):
    auth.login("hr")
    page = client.get("/admin/mail/templates").get_data(as_text=True)
    assert 'value="Your invitation: {assessment}"' in page
    assert "Ana Horvat" in page  # the preview's sample name
    assert 'data-samples="{&#34;' in page  # for the live preview, escaped
    url = "/admin/mail/templates?kind=invitation&language=en"

    bad = client.post(url, data={"subject": "Hello {nam}", "body": "Come soon."})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Unknown placeholder {nam}" in text and "must contain {link}" in text
    assert "Come soon." in text  # what HR typed stays in the box
    preview = client.post(url, data={"subject": "Hi {name}", "body": "Go: {link}",
                                     "action": "preview"})
    assert preview.status_code == 200 and "Hi Ana Horvat" in preview.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(EmailTemplate)).all() == []

    saved = client.post(url, data={"subject": "Hi {name}", "body": "Go: {link}\r\nBye",
                                   "action": "save"})
    assert saved.status_code == 302
    with db() as session:
        [row] = session.exec(select(EmailTemplate)).all()
        assert (row.kind, row.language, row.subject, row.body, row.updated_by) == (
            "invitation", "en", "Hi {name}", "Go: {link}\nBye\n", "hr@example.com")
    invite(client, assessment.id, name="Eva")
    assert messages(db)[-1].subject == "Hi Eva"

    restore = "/admin/mail/templates/restore"
    unconfirmed = client.post(restore, data={"kind": "invitation", "language": "en"})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert client.post(restore, data={"kind": "invitation", "language": "en",
                                      "confirm": "1"}).status_code == 302
    with db() as session:
        assert session.exec(select(EmailTemplate)).all() == []
    assert client.get("/admin/mail/templates?kind=nope").status_code == 404
    assert client.get("/admin/mail/templates?language=xx").status_code == 404


def test_the_croatian_wording_is_edited_on_its_own(client, auth, db):
    auth.login("hr")
    page = client.get("/admin/mail/templates?kind=reminder&language=hr").get_data(
        as_text=True)
    assert "Podsjetnik: {assessment}" in page and "ožujka" in page  # sample deadline, hr
    assert client.post("/admin/mail/templates?kind=reminder&language=hr", data={
        "subject": "Podsjetnik", "body": "Poveznica: {link}"}).status_code == 302
    with db() as session:
        row = session.exec(select(EmailTemplate)).one()
        assert (row.kind, row.language) == ("reminder", "hr")


def test_bulk_page_keeps_the_pasted_text_for_correcting(client, auth, db, assessment):
    auth.login("hr")
    bad = CSV + "Bez Maila,not-an-email,\n"
    response = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                           data={"csv_text": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "not-an-email is not a valid email address" in page
    assert "Bez Maila,not-an-email," in page.split('id="csv-text"')[1]
    empty = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                        data={"csv_text": "  "})
    assert empty.status_code == 400 and "Choose a CSV file or paste its rows." in \
        empty.get_data(as_text=True)
    upload = client.post(f"/admin/assessments/{assessment.id}/invitations/bulk",
                         data={"file": (io.BytesIO(CSV.encode()), "x.csv"), "csv_text": ""},
                         content_type="multipart/form-data")
    assert "All 3 rows are fine." in upload.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(Attempt)).all() == []
