"""E-mail to candidates: wording and its checks, composing, the outbox, SMTP, reminders."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlmodel import select

from hiring import privacy
from hiring.assessment import engine
from hiring.mail import invitations, sending, templates
from hiring.mail.sending import MailSettings, MessageState
from hiring.models import Attempt, AttemptState, EmailMessage, EmailTemplate
from tests.factories import make_attempt
from tests.smtp import closed_port, smtp_server

LINK = "https://hiring.example.com/a/"


def link_for(token: str) -> str:
    return LINK + token


@pytest.fixture
def mail(tmp_path) -> MailSettings:
    return MailSettings(instance_path=tmp_path / "instance", sender="hiring@example.com",
                        organisation="Primjer d.o.o.")


def parse(path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


# ---- wording ------------------------------------------------------------------------


def test_every_shipped_wording_is_valid_in_english_and_croatian():
    assert templates.default_languages() == ["en", "hr"]
    for kind in templates.KINDS:
        for language in ("en", "hr"):
            shipped = templates.default(kind, language)
            assert shipped.subject and shipped.body.endswith("\n")
            assert templates.problems(kind, shipped.subject, shipped.body) == {}


@pytest.mark.parametrize(("kind", "subject", "body", "field", "message"), [
    ("invitation", "Hi {name}", "Open {link} before {dedline}", "body",
     "Unknown placeholder {dedline}"),
    ("invitation", "Hi {firstname}", "Open {link}", "subject", "Unknown placeholder {firstname}"),
    ("invitation", "Hi", "Open {name.__class__} {link}", "body",
     "Unknown placeholder {name.__class__}"),
    ("invitation", "Hi", "Open {link:>30}", "body", "Unknown placeholder {link:>30}"),
    ("invitation", "Hi", "Please take the assessment.", "body", "must contain {link}"),
    ("reminder", "Reminder", "Do not forget, {name}.", "body", "must contain {link}"),
    ("confirmation", "", "Thank you.", "subject", "The subject is required."),
    ("confirmation", "Thanks", "  ", "body", "The message is required."),
])
def test_problems_are_reported_by_field(kind, subject, body, field, message):
    found = templates.problems(kind, subject, body)
    assert any(message in problem for problem in found[field]), found


def test_a_confirmation_needs_no_link_and_literal_braces_are_text():
    assert templates.problems("confirmation", "Thanks, {name}", "Received {assessment}.") == {}
    assert templates.render("a { b } {name} {{x}}", {"name": "Ana"}) == "a { b } Ana {{x}}"


def test_an_invalid_wording_is_not_saved(db, clock):
    with db() as session:
        with pytest.raises(templates.TemplateInvalid) as caught:
            templates.save("invitation", "en", "Hi {nme}", "No link here", session=session,
                           author="hr@example.com", now=clock())
        assert set(caught.value.problems) == {"subject", "body"}
        assert session.exec(select(EmailTemplate)).all() == []


def test_wording_falls_back_to_the_shipped_text_then_to_english(db, clock):
    with db() as session:
        assert templates.wording("invitation", "hr", session=session).subject.startswith(
            "Poziv na procjenu")
        german = templates.wording("invitation", "de", session=session)
        assert german.language == "en" and german.subject.startswith("Your invitation")
        templates.save("invitation", "en", "Come, {name}", "Here: {link}\n", session=session,
                       author="hr@example.com", now=clock())
        assert templates.wording("invitation", "de", session=session).subject == "Come, {name}"
        # Croatian candidates still get Croatian: language comes before customisation.
        assert not templates.wording("invitation", "hr", session=session).customised
        assert templates.restore_default("invitation", "en", session=session)
        assert not templates.wording("invitation", "en", session=session).customised
        assert not templates.restore_default("invitation", "en", session=session)


def test_deadlines_are_written_for_the_language_and_time_zone():
    moment = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
    assert re.fullmatch(r"March 16, 2026, 9:00\sAM UTC", templates.format_deadline(moment, "en"))
    assert templates.format_deadline(moment, "hr", "Europe/Zagreb") == \
        "16. ožujka 2026., 10:00 CET"
    assert templates.format_deadline(moment, "hr", "Europe/Zagrebb").endswith("09:00 UTC")


# ---- composing and the outbox -------------------------------------------------------


def test_an_invitation_in_the_outbox_is_a_well_formed_message(db, assessment, clock, mail):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), name="Đurđa\nŠimić",
                                  email="durda@example.com", language="hr",
                                  expires_at=clock() + timedelta(days=14))
        attempt.extra_minutes = 15
        session.merge(assessment).titles = {"en": "Front desk", "hr": "Korisnička služba"}
        record = invitations.send("invitation", attempt, session=session, settings=mail,
                                  now=clock(), link=link_for("abc123"))
        assert record.state == MessageState.OUTBOX and record.error is None
        assert attempt.invited_at == clock()
    path = mail.outbox_dir / record.outbox_file
    assert re.fullmatch(r"20260302-090000-\d{6}-invitation\.eml", record.outbox_file)
    assert path.stat().st_mode & 0o777 == 0o600
    raw = path.read_bytes()
    assert "Korisnička".encode() not in raw  # non-ASCII headers are encoded (RFC 2047)
    assert re.search(rb"^Subject: Poziv na procjenu: =\?utf-8\?", raw, re.MULTILINE)
    message = parse(path)
    assert message["Subject"] == "Poziv na procjenu: Korisnička služba"
    assert message["To"].addresses[0].display_name == "Đurđa Šimić"  # one line
    assert message["To"].addresses[0].addr_spec == "durda@example.com"
    assert str(message["From"]) == "\"Primjer d.o.o.\" <hiring@example.com>"
    assert message["Date"].datetime == clock()
    assert re.fullmatch(r"<.+@example\.com>", message["Message-ID"])
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "https://hiring.example.com/a/abc123" in body
    assert "16. ožujka 2026." in body and "45 min" in body  # 30 + 15 minutes
    assert "{" not in body
    with db() as session:  # the body (and its link) is not in the database
        stored = session.get(EmailMessage, record.id)
        assert "abc123" not in repr(stored.model_dump())


def test_an_address_the_mail_format_cannot_carry_is_recorded_as_failed(db, assessment,
                                                                       clock, mail):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), email="not an address")
        record = invitations.send("invitation", attempt, session=session, settings=mail,
                                  now=clock(), link=link_for("t"))
        assert record.state == MessageState.FAILED and "not an address" in record.error
    assert not mail.outbox_dir.exists() or not any(mail.outbox_dir.iterdir())


# ---- SMTP ---------------------------------------------------------------------------


def smtp_settings(mail: MailSettings, port: int) -> MailSettings:
    return MailSettings(instance_path=mail.instance_path, sender=mail.sender,
                        organisation=mail.organisation, smtp_host="127.0.0.1",
                        smtp_port=port, smtp_starttls=False, smtp_timeout=5)


def test_messages_arrive_over_smtp_and_refusals_are_recorded(app, db, assessment, clock, mail):
    with smtp_server() as mailbox:
        mailbox.refuse.add("nobody@example.com")
        smtp = smtp_settings(mail, mailbox.port)
        with db() as session:
            good, _ = make_attempt(session, assessment, now=clock(), email="ana@example.com")
            bad, _ = make_attempt(session, assessment, now=clock(), email="nobody@example.com")
            records = [invitations.send("invitation", attempt, session=session,
                                        settings=smtp, now=clock(), link=link_for(str(i)))
                       for i, attempt in enumerate((good, bad))]
            assert [r.state for r in records] == ["queued", "queued"]
            assert all(sending.spool_path(smtp, r.id).is_file() for r in records)
        outcome = sending.send_spooled([r.id for r in records], settings=smtp,
                                       scope=db, clock=clock)
    assert outcome == {"sent": 1, "failed": 1}
    assert len(mailbox.messages) == 1
    arrived = mailbox.messages[0]
    assert arrived.sender == "hiring@example.com" and arrived.recipients == ["ana@example.com"]
    assert LINK + "0" in BytesParser(policy=policy.default).parsebytes(
        arrived.data).get_content()
    with db() as session:
        sent, refused = (session.get(EmailMessage, r.id) for r in records)
        assert (sent.state, sent.sent_at, sent.error) == ("sent", clock(), None)
        assert refused.state == "failed" and "550 no such user" in refused.error
    assert not any(smtp.spool_dir.iterdir())  # no link stays on disk


def test_an_unreachable_server_is_tried_again_on_a_schedule_then_fails(db, assessment, clock,
                                                                       mail):
    smtp = smtp_settings(mail, closed_port())
    with db() as session:
        ids = []
        for n in range(3):
            attempt, _ = make_attempt(session, assessment, now=clock(),
                                      email=f"c{n}@example.com")
            ids.append(invitations.send("invitation", attempt, session=session,
                                        settings=smtp, now=clock(), link="x").id)
    start = clock()
    for tries, delay in enumerate(sending.RETRY_DELAYS, start=1):
        assert sending.send_spooled(ids, settings=smtp, scope=db, clock=clock) == {
            "retrying": 3}
        with db() as session:
            for message_id in ids:
                record = session.get(EmailMessage, message_id)
                assert (record.state, record.tries) == ("queued", tries)
                assert "Could not reach the mail server 127.0.0.1" in record.error
                assert record.next_try_at == clock() + delay
            assert sending.next_try(ids, session=session) == clock() + delay
        assert all(sending.spool_path(smtp, i).is_file() for i in ids)  # kept for the retry
        assert sending.send_spooled(ids, settings=smtp, scope=db, clock=clock) == {
            "waiting": 3}
        clock.advance(seconds=delay.total_seconds())
    assert clock() - start == timedelta(hours=2, minutes=36)
    assert sending.send_spooled(ids, settings=smtp, scope=db, clock=clock) == {"failed": 3}
    with db() as session:
        for message_id in ids:
            record = session.get(EmailMessage, message_id)
            assert record.state == "failed" and record.tries == 5
            assert "refused" in record.error.lower() and "gave up after 5 tries" in record.error
        assert sending.next_try(ids, session=session) is None
    assert not any(smtp.spool_dir.iterdir())


def test_a_server_that_comes_back_gets_the_waiting_messages(db, assessment, clock, mail):
    smtp = smtp_settings(mail, closed_port())
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), email="ana@example.com")
        record = invitations.send("invitation", attempt, session=session, settings=smtp,
                                  now=clock(), link=link_for("7"))
    assert sending.send_spooled([record.id], settings=smtp, scope=db, clock=clock) == {
        "retrying": 1}
    clock.advance(minutes=1)
    with smtp_server() as mailbox:
        up = smtp_settings(mail, mailbox.port)
        assert sending.send_spooled([record.id], settings=up, scope=db, clock=clock) == {
            "sent": 1}
    assert [m.recipients for m in mailbox.messages] == [["ana@example.com"]]
    with db() as session:
        sent = session.get(EmailMessage, record.id)
        assert (sent.state, sent.error, sent.next_try_at, sent.tries) == ("sent", None, None, 1)


def test_only_an_answer_of_4xx_or_no_answer_is_tried_again():
    import smtplib

    assert sending.temporary(ConnectionRefusedError())
    assert sending.temporary(smtplib.SMTPServerDisconnected("gone"))
    assert sending.temporary(smtplib.SMTPResponseException(421, b"busy"))
    assert not sending.temporary(smtplib.SMTPResponseException(554, b"no"))
    assert sending.temporary(smtplib.SMTPRecipientsRefused({"a@x": (450, b"later")}))
    assert not sending.temporary(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no")}))


def test_a_message_erased_before_sending_is_skipped(db, assessment, clock, mail):
    smtp = smtp_settings(mail, closed_port())
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        record = invitations.send("invitation", attempt, session=session, settings=smtp,
                                  now=clock(), link="x")
    with db() as session:
        session.delete(session.get(EmailMessage, record.id))
    assert sending.send_spooled([record.id], settings=smtp, scope=db, clock=clock) == {
        "skipped": 1}
    assert not sending.spool_path(smtp, record.id).exists()


# ---- invitation actions -------------------------------------------------------------


def test_a_resend_gives_a_new_link_and_the_old_one_stops_working(db, assessment, clock, mail):
    with db() as session:
        attempt, old = make_attempt(session, assessment, now=clock())
        clock.advance(hours=2)
        record, link = invitations.resend(attempt, session=session, settings=mail,
                                          now=clock(), link_for=link_for)
        assert engine.find_by_token(old, session=session) is None
        new = link.removeprefix(LINK)
        assert engine.find_by_token(new, session=session).id == attempt.id
        assert attempt.invited_at == clock() and record.kind == "invitation"
        assert link in parse(mail.outbox_dir / record.outbox_file).get_content()


def test_no_resend_for_an_attempt_under_way_or_an_expired_invitation(db, assessment, clock,
                                                                     mail):
    with db() as session:
        running, token = make_attempt(session, assessment, now=clock(), started=True)
        with pytest.raises(invitations.InvitationError, match="continue with the link"):
            invitations.resend(running, session=session, settings=mail, now=clock(),
                               link_for=link_for)
        assert engine.find_by_token(token, session=session) is not None
        late, _ = make_attempt(session, assessment, now=clock(), email="l@example.com",
                               expires_at=clock() + timedelta(hours=1))
        clock.advance(hours=2)
        with pytest.raises(invitations.InvitationError, match="extend it first"):
            invitations.resend(late, session=session, settings=mail, now=clock(),
                               link_for=link_for)
        assert session.exec(select(EmailMessage)).all() == []


def test_extend_moves_the_expiry_and_reopens_an_expired_unused_invitation(db, assessment,
                                                                          clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(),
                                      expires_at=clock() + timedelta(days=1))
        clock.advance(days=2)
        engine.finalize_expired(session=session, now=clock())
        assert attempt.state == AttemptState.EXPIRED
        invitations.extend(attempt, until=clock() + timedelta(days=5), session=session,
                           now=clock())
        assert attempt.state == AttemptState.INVITED
        assert engine.find_by_token(token, session=session).id == attempt.id
        with pytest.raises(invitations.InvitationError, match="in the future"):
            invitations.extend(attempt, until=clock() - timedelta(hours=1), session=session,
                               now=clock())
        started, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  email="s@example.com")
        with pytest.raises(invitations.InvitationError, match="not been started"):
            invitations.extend(started, until=clock() + timedelta(days=5), session=session,
                               now=clock())
        invitations.cancel(attempt, session=session, now=clock())
        assert not invitations.can_extend(attempt)
        with pytest.raises(invitations.InvitationError, match="cancelled"):
            invitations.extend(attempt, until=clock() + timedelta(days=5), session=session,
                               now=clock())


def test_cancel_expires_an_invitation_and_submits_an_attempt_under_way(db, assessment, clock):
    with db() as session:
        unused, token = make_attempt(session, assessment, now=clock())
        running, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  email="r@example.com")
        for attempt in (unused, running):
            invitations.cancel(attempt, session=session, now=clock())
            assert attempt.revoked_at == clock() and invitations.is_cancelled(attempt)
        assert unused.state == AttemptState.EXPIRED
        assert running.state in (AttemptState.SUBMITTED, AttemptState.SCORED)
        assert engine.find_by_token(token, session=session) is None
        with pytest.raises(invitations.InvitationError, match="already closed"):
            invitations.cancel(running, session=session, now=clock())


# ---- reminders ----------------------------------------------------------------------


def invite_by_mail(session, assessment, clock, mail, *, email: str, days: float):
    attempt, token = make_attempt(session, assessment, now=clock(), email=email,
                                  expires_at=clock() + timedelta(days=days))
    invitations.send("invitation", attempt, session=session, settings=mail, now=clock(),
                     link=link_for(token))
    return attempt, token


def test_reminders_go_once_to_e_mailed_invitations_that_expire_soon(db, assessment, clock,
                                                                   mail):
    with db() as session:
        soon, soon_token = invite_by_mail(session, assessment, clock, mail,
                                          email="soon@example.com", days=2)
        invite_by_mail(session, assessment, clock, mail, email="later@example.com", days=10)
        invite_by_mail(session, assessment, clock, mail, email="gone@example.com", days=0.5)
        started, _ = invite_by_mail(session, assessment, clock, mail,
                                    email="started@example.com", days=2)
        engine.start(started, session=session, now=clock())
        make_attempt(session, assessment, now=clock(), email="by-hand@example.com",
                     expires_at=clock() + timedelta(days=2))  # never e-mailed
        cancelled, _ = invite_by_mail(session, assessment, clock, mail,
                                      email="cancelled@example.com", days=2)
        invitations.cancel(cancelled, session=session, now=clock())
    clock.advance(days=1)  # "gone" has expired now
    with db() as session:
        due = invitations.due_for_reminder(session=session, now=clock(), days=3)
        assert [a.candidate_email for a in due] == ["soon@example.com"]
        record = invitations.remind(due[0], session=session, settings=mail, now=clock(),
                                    link_for=link_for)
        assert record.kind == "reminder" and due[0].reminded_at == clock()
        assert engine.find_by_token(soon_token, session=session) is None
        body = parse(mail.outbox_dir / record.outbox_file).get_content()
        assert "replaces the one in our earlier message" in body
    clock.advance(hours=12)
    with db() as session:  # a second run the same day finds nothing more
        assert invitations.due_for_reminder(session=session, now=clock(), days=3) == []
        attempt = session.get(Attempt, soon.id)
        clock.advance(minutes=1)
        invitations.resend(attempt, session=session, settings=mail, now=clock(),
                           link_for=link_for)
    with db() as session:  # a resend starts the count again
        due = invitations.due_for_reminder(session=session, now=clock(), days=3)
        assert [a.id for a in due] == [soon.id]


def test_the_confirmation_goes_once_and_only_after_a_submit(db, assessment, clock, mail):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        assert invitations.confirm_submission(attempt, session=session, settings=mail,
                                              now=clock()) is None
        engine.submit(attempt, session=session, now=clock())
        record = invitations.confirm_submission(attempt, session=session, settings=mail,
                                                now=clock())
        assert record.kind == "confirmation" and record.subject.startswith("We have received")
        body = parse(mail.outbox_dir / record.outbox_file).get_content()
        assert "Test assessment" in body and "score" not in body.lower()
        assert invitations.confirm_submission(attempt, session=session, settings=mail,
                                              now=clock()) is None


# ---- candidate data -----------------------------------------------------------------


def test_erasing_a_candidate_deletes_their_messages_and_outbox_files(db, assessment, clock,
                                                                    mail, app):
    exports = mail.instance_path / "exports"
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        other, _ = make_attempt(session, assessment, now=clock(), email="o@example.com")
        mine = invitations.send("invitation", attempt, session=session, settings=mail,
                                now=clock(), link="x")
        theirs = invitations.send("invitation", other, session=session, settings=mail,
                                  now=clock(), link="y")
        exported = privacy.export_attempt(attempt, session=session)
        assert [(m["kind"], m["state"], m["to_address"]) for m in exported["messages"]] == [
            ("invitation", "outbox", "ana@example.com")]
        assert "outbox_file" not in exported["messages"][0]
    with db() as session:
        erasure = privacy.erase([attempt.id], session=session, exports_dir=exports,
                                actor="cli", now=clock())
        assert erasure.messages == 1
        assert erasure.files == [mail.outbox_dir / mine.outbox_file]
    assert privacy.remove_files(erasure.files) == 1
    assert not (mail.outbox_dir / mine.outbox_file).exists()
    assert (mail.outbox_dir / theirs.outbox_file).exists()
    with db() as session:
        assert [m.id for m in session.exec(select(EmailMessage))] == [theirs.id]


def test_purging_old_candidates_removes_their_messages_too(db, assessment, clock, mail):
    exports = mail.instance_path / "exports"
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
        attempt.created_at = clock()
        record = invitations.send("invitation", attempt, session=session, settings=mail,
                                  now=clock(), link="x")
    clock.advance(days=400)
    with db() as session:
        erasure = privacy.purge(session=session, cutoff=clock() - timedelta(days=365),
                                exports_dir=exports, now=clock())
        assert erasure.messages == 1
    assert privacy.remove_files(erasure.files) == 1
    assert not (mail.outbox_dir / record.outbox_file).exists()
    with db() as session:
        assert session.exec(select(EmailMessage)).all() == []
