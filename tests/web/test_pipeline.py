"""The pipeline of an assessment: stages, filters, search, paging, and the row actions."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from hiring.assessment import engine, pipeline, ratings
from hiring.models import Attempt, AttemptState, EmailMessage
from tests.factories import make_attempt, make_user


def invite(session, assessment, clock, **overrides):
    """Invite at the test clock's time (the table's default is the real time)."""
    attempt, token = make_attempt(session, assessment, now=clock(), **overrides)
    attempt.created_at = clock()
    session.flush()  # before the engine's lock re-reads the row
    return attempt, token


def submitted(session, assessment, clock, *, email: str, text: str, rate: bool = False):
    attempt, _ = invite(session, assessment, clock, started=True, email=email,
                        name=email.split("@")[0].title())
    for position in range(1, 5):
        engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                           seq=1)
    engine.save_answer(attempt, 6, {"text": text}, session=session, now=clock(), seq=1)
    engine.submit(attempt, session=session, now=clock())
    if rate:
        rater = make_user(session, role="interviewer")
        ratings.rate(engine.response_at(attempt, 6, session=session), session=session,
                     rater_id=rater.id, scores={"tone": 4, "empathy": 4})
    return attempt


@pytest.fixture
def world(db, assessment, clock):
    """One attempt in each stage, made at different moments."""
    with db() as session:
        ana, ana_token = invite(session, assessment, clock, name="Ana Horvat",
                                email="ana@example.com")
        invite(session, assessment, clock, name="Late Lena", email="lena@example.org",
               expires_at=clock() + timedelta(hours=1))
        cancelled, _ = invite(session, assessment, clock, name="Cancelled Cid",
                              email="cid@example.com")
        engine.revoke(cancelled, session=session, now=clock())
        waiting = submitted(session, assessment, clock, email="waiting@example.com",
                            text="Dear customer, I am sorry.")
        rated = submitted(session, assessment, clock, email="rated@example.com",
                          text="Dear customer, I will fix it.", rate=True)
        blank = submitted(session, assessment, clock, email="blank@example.com", text="")
        clock.advance(hours=2)
        bruno, _ = invite(session, assessment, clock, started=True, name="Bruno Babić",
                          email="bruno@example.com")
        engine.give_extra_time(bruno, 600, session=session, now=clock())
    clock.advance(hours=1)  # Lena's invitation has expired, though no cron job ran yet
    with db() as session:  # Ana's invitation was e-mailed last
        session.get(Attempt, ana.id).invited_at = clock()
    return {"ana": ana.id, "ana_token": ana_token, "bruno": bruno.id, "waiting": waiting.id,
            "rated": rated.id, "blank": blank.id, "cancelled": cancelled.id}


def test_stages_counts_search_and_order(db, assessment, clock, world):
    with db() as session:
        view = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        assert view.counts == {"invited": 1, "started": 1, "submitted": 1, "rated": 2,
                               "no_answers": 0, "expired": 2}
        stages = {row.attempt.candidate_email: row.stage for row in view.rows}
        assert stages["waiting@example.com"] == "submitted"
        assert stages["rated@example.com"] == stages["blank@example.com"] == "rated"
        assert stages["lena@example.org"] == stages["cid@example.com"] == "expired"
        # latest activity first: Ana was e-mailed last, Bruno started before that
        assert [row.attempt.id for row in view.rows[:2]] == [world["ana"], world["bruno"]]
        oldest = pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                               oldest_first=True)
        assert oldest.rows[-1].attempt.id == world["ana"]

        for text in ("BRUNO", "babić", "Bruno@Example"):
            found = pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                                  search=text)
            assert [r.attempt.id for r in found.rows] == [world["bruno"]], text
        found = pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                              search="ANA")
        assert [r.attempt.id for r in found.rows] == [world["ana"]]
        assert sum(found.counts.values()) == 1 and found.counts["invited"] == 1
        found = pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                              search="example.org")
        assert [r.attempt.candidate_email for r in found.rows] == ["lena@example.org"]
        assert pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                             search="100%").rows == []  # % is a character, not a wildcard

        only = pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                             stage="rated")
        assert {r.attempt.id for r in only.rows} == {world["rated"], world["blank"]}
        assert only.total == 2


def test_an_attempt_submitted_without_answers_is_no_answers_never_rated(
        client, auth, db, assessment, clock, world):
    with db() as session:
        empty, _ = invite(session, assessment, clock, started=True, name="Empty Ema",
                          email="ema@example.com")
        engine.submit(empty, session=session, now=clock())
        assert empty.state == AttemptState.SCORED and empty.overall_score is None
        view = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        assert view.counts["no_answers"] == 1 and view.counts["rated"] == 2
        assert {r.attempt.id: r.stage for r in view.rows}[empty.id] == "no_answers"
    auth.login("hr")
    html = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    row = html[html.index("Empty Ema"):].split("</tr>")[0]
    assert '<span class="stage stage-no_answers">no answers</span>' in row
    assert "rated" not in row and "Judgement" not in row and "Overall" not in row
    assert re.search(r"No answers <strong>1</strong>", html)
    # Where attempts are listed for interviewers it says the same, with no score.
    listing = client.get("/attempts/").get_data(as_text=True)
    entry = listing[listing.index("Empty Ema"):].split("</tr>")[0]
    assert "No answers" in entry


def scored_before_scales(db, assessment, clock) -> int:
    """An attempt without answers as the dimension scorer left it: "rated", overall 0."""
    with db() as session:
        old, _ = invite(session, assessment, clock, started=True, name="Old Olga",
                        email="olga@example.com")
        engine.submit(old, session=session, now=clock())
        old.results = {"customer_focus": {"score": 0.0, "low": 0.0, "high": 49.0,
                                          "n_items": 1, "n_pending": 0}}
        old.overall_score = 0.0
        return old.id


def test_an_attempt_scored_before_scales_is_scored_again_on_the_pipeline(
        client, auth, db, assessment, clock):
    scored_before_scales(db, assessment, clock)
    auth.login("hr")
    html = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    row = html[html.index("Old Olga"):].split("</tr>")[0]
    assert "stage-no_answers" in row and "Judgement" not in row


def test_rescoring_on_a_page_survives_a_write_by_another_connection_meanwhile(
        app, client, auth, db, assessment, clock):
    """The page reads, finds an attempt to score again, and writes. On SQLite a read
    transaction cannot become a write one once another connection has written since it
    began: the page starts writing anew (hiring.db.start_writing) instead of failing with
    "database is locked"."""
    old_id = scored_before_scales(db, assessment, clock)
    auth.login("hr")
    db_engine = app.extensions["hiring.engine"]
    written = []

    def write_elsewhere(_conn, _cursor, statement, *_args):
        # once the page has found the attempt, another connection writes and commits
        if not written and "FROM attempt" in statement and "results" in statement:
            written.append(True)
            with db() as other:
                other.get(Attempt, old_id).candidate_name = "Old Olga Elsewhere"

    event.listen(db_engine, "after_cursor_execute", write_elsewhere)
    try:
        reply = client.get(f"/admin/assessments/{assessment.id}")
    finally:
        event.remove(db_engine, "after_cursor_execute", write_elsewhere)
    assert written and reply.status_code == 200
    with db() as session:
        rescored = session.get(Attempt, old_id)
        assert "scales" in rescored.results  # scored again, and stored
        assert rescored.candidate_name == "Old Olga Elsewhere"  # the other write stands


def test_simulated_and_incomplete_attempts_are_marked(client, auth, db, assessment, clock):
    with db() as session:
        attempt = submitted(session, assessment, clock, email="sim@example.com", text="")
        attempt.simulated = True
    auth.login("hr")
    html = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    row = html[html.index("sim@example.com"):].split("</tr>")[0]
    assert "simulated" in row and "incomplete: 2 of 6 unanswered" in row
    assert "Judgement 88" in row
    listing = client.get("/attempts/").get_data(as_text=True)
    assert "simulated" in listing[listing.index("sim@example.com"):].split("</tr>")[0]


def test_last_activity_is_the_latest_save(db, assessment, clock, world):
    with db() as session:
        bruno = session.get(Attempt, world["bruno"])  # 600 extra minutes from the start
        clock.advance(hours=5)
        engine.save_answer(bruno, 1, {"best": "b"}, session=session, now=clock(), seq=1)
    with db() as session:
        view = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        assert view.rows[0].attempt.id == world["bruno"]
        assert view.rows[0].last_activity == clock()


def test_the_page_shows_the_stages_as_filters_with_counts(client, auth, assessment, world):
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    for label, count in (("All", 7), ("Invited", 1), ("Started", 1), ("Awaiting rating", 1),
                         ("Rated", 2), ("No answers", 0), ("Expired or cancelled", 2)):
        assert re.search(rf"{label} <strong>{count}</strong>", page), label
    widths = [int(w) for w in re.findall(r'class="seg seg-\w+ w-(\d+)"', page)]
    assert sum(widths) == 100 and all(w % 5 == 0 for w in widths)
    assert 'style="' not in page  # the CSP forbids inline styles
    assert "css/pipeline.css" in page
    started = client.get(f"/admin/assessments/{assessment.id}?stage=started")
    text = started.get_data(as_text=True)
    assert "Bruno Babić" in text and "Ana Horvat" not in text
    assert 'aria-current="page"><span class="swatch seg-started">' in text
    searched = client.get(f"/admin/assessments/{assessment.id}?q=HORVAT").get_data(
        as_text=True)
    assert "ana@example.com" in searched and "bruno@example.com" not in searched
    nothing = client.get(f"/admin/assessments/{assessment.id}?q=zzz").get_data(as_text=True)
    assert "No invitations match “zzz”." in nothing
    # an attempt under way gets no resend (its link must keep working)
    row = re.search(r"bruno@example.com.*?</tr>", text, re.S).group(0)
    assert "Resend" not in row and "Continues with the link they have." in row
    assert "Cancel…" in row


def test_empty_pipeline_and_paging(client, auth, db, assessment, clock):
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert "No invitations yet." in page
    assert re.search(r'<input checked id="send_email" name="send_email" type="checkbox"', page)
    with db() as session:
        for n in range(55):
            make_attempt(session, assessment, now=clock(), email=f"c{n:02d}@example.com")
            clock.advance(minutes=1)
    first = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert first.count("@example.com</small>") == 50 and "Page 1 of 2" in first
    assert "c54@example.com" in first and "c04@example.com" not in first
    second = client.get(f"/admin/assessments/{assessment.id}?page=2").get_data(as_text=True)
    assert second.count("@example.com</small>") == 5 and "c00@example.com" in second
    assert "Page 2 of 2" in client.get(
        f"/admin/assessments/{assessment.id}?page=99").get_data(as_text=True)


def test_the_dashboard_counts_each_assessment(client, auth, assessment, world):
    auth.login("hr")
    page = client.get("/admin/").get_data(as_text=True)
    assert f'href="/admin/assessments/{assessment.id}?stage=expired">2</a>' in page
    assert f'href="/admin/assessments/{assessment.id}?stage=submitted">1</a>' in page


# ---- the single invitation ----------------------------------------------------------


def test_a_single_invitation_is_e_mailed_unless_unticked(app, client, auth, db, assessment):
    auth.login("hr")
    page = client.post(f"/admin/assessments/{assessment.id}", data={
        "name": "Ivo Ivić", "email": "ivo@example.com", "days": 7, "language": "hr",
        "send_email": "y"}).get_data(as_text=True)
    assert "Invitation created for Ivo Ivić. 1 e-mail in the outbox." in page
    link = page.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    client.post(f"/admin/assessments/{assessment.id}", data={
        "name": "Eva", "email": "eva@example.com", "days": 7, "language": "en"})
    with db() as session:
        messages = session.exec(select(EmailMessage)).all()
        assert [(m.to_address, m.language, m.state) for m in messages] == [
            ("ivo@example.com", "hr", "outbox")]
        ivo = session.exec(select(Attempt).where(Attempt.candidate_email == "ivo@example.com")
                           ).one()
        assert ivo.language == "hr" and ivo.invited_at is not None
        eva = session.exec(select(Attempt).where(Attempt.candidate_email == "eva@example.com")
                           ).one()
        assert eva.invited_at is None
    outbox = app.instance_path + "/outbox/" + messages[0].outbox_file
    assert link in Path(outbox).read_text(encoding="utf-8").replace("=\n", "")


def test_an_invitation_is_valid_for_the_configured_days_by_default(app, client, auth,
                                                                    assessment):
    app.config["INVITATION_DAYS"] = 21
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]* name="days"[^>]* value="21"', page)


@pytest.mark.parametrize("minutes", ["", "ten", "1.5"])
def test_extra_time_must_be_a_whole_number_of_minutes(client, auth, db, world, minutes):
    auth.login("hr")
    response = client.post(f"/admin/attempts/{world['ana']}/extra-time",
                           data={"minutes": minutes})
    assert response.status_code == 400
    assert "whole number of minutes" in response.get_data(as_text=True)
    with db() as session:
        assert session.get(Attempt, world["ana"]).extra_minutes == 0


def test_an_unknown_language_is_refused(client, auth, db, assessment):
    auth.login("hr")
    response = client.post(f"/admin/assessments/{assessment.id}", data={
        "name": "Ivo", "email": "ivo@example.com", "days": 7, "language": "xx"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(
        as_text=True)
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 0


# ---- row actions --------------------------------------------------------------------


def test_resend_gives_a_new_link_and_the_old_one_stops_working(client, auth, db, world,
                                                              assessment):
    auth.login("hr")
    response = client.post(f"/admin/attempts/{world['ana']}/resend")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The previous link no longer works" in page
    assert "1 e-mail in the outbox" in page
    link = page.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    auth.logout()
    assert client.get(f"/a/{world['ana_token']}").status_code == 404
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    auth.login("hr")
    refused = client.post(f"/admin/attempts/{world['bruno']}/resend")
    assert refused.status_code == 409
    assert "continue with the link they have" in refused.get_data(as_text=True)


def test_cancel_asks_first_then_cancels(client, auth, db, world):
    auth.login("hr")
    url = f"/admin/attempts/{world['ana']}/revoke"
    confirm = client.get(url).get_data(as_text=True)
    assert "the link stops working" in confirm.lower() and 'name="confirm"' in confirm
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    with db() as session:
        assert session.get(Attempt, world["ana"]).state == AttemptState.INVITED
    running = client.get(f"/admin/attempts/{world['bruno']}/revoke").get_data(as_text=True)
    assert "submitted now with what was saved" in running
    assert client.post(url, data={"confirm": "1"}).status_code == 302
    with db() as session:
        ana = session.get(Attempt, world["ana"])
        assert ana.state == AttemptState.EXPIRED and ana.revoked_at is not None
    assert client.get(url).status_code == 409  # closed: nothing left to cancel
    auth.logout()
    assert client.get(f"/a/{world['ana_token']}").status_code == 404


def test_extend_by_days_or_to_a_date(client, auth, db, world, clock):
    auth.login("hr")
    with db() as session:
        before = session.get(Attempt, world["ana"]).expires_at
    url = f"/admin/attempts/{world['ana']}/extend"
    assert "New expiry date" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"days": "5"}).status_code == 302
    with db() as session:
        assert session.get(Attempt, world["ana"]).expires_at == before + timedelta(days=5)
    assert client.post(url, data={"until": "2026-06-30"}).status_code == 302
    with db() as session:
        assert session.get(Attempt, world["ana"]).expires_at.isoformat() == \
            "2026-06-30T23:59:00+00:00"
    for data, message in (({"until": "30.6.2026"}, "YYYY-MM-DD"),
                          ({"days": "-3"}, "from 1 to 90"), ({}, "Give a new expiry date"),
                          ({"until": "2020-01-01"}, "must be in the future")):
        response = client.post(url, data=data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    with db() as session:
        assert session.get(Attempt, world["ana"]).expires_at.date().isoformat() == "2026-06-30"
    typed = client.post(url, data={"until": "30.6.2026", "days": "4"}).get_data(as_text=True)
    assert 'value="30.6.2026"' in typed and 'value="4"' in typed  # kept for correcting
    started = client.post(f"/admin/attempts/{world['bruno']}/extend", data={"days": "3"})
    assert started.status_code == 400 and "not been started" in started.get_data(as_text=True)


def test_an_expired_unused_invitation_reopens_when_extended(client, auth, db, assessment,
                                                            clock):
    with db() as session:
        attempt, token = make_attempt(session, assessment, now=clock(),
                                      expires_at=clock() + timedelta(days=1))
    clock.advance(days=2)
    assert client.get(f"/a/{token}").status_code == 302  # to "this invitation has expired"
    auth.login("hr")
    page = client.get(f"/admin/assessments/{attempt.assessment_id}").get_data(as_text=True)
    assert f'/admin/attempts/{attempt.id}/extend' in page
    assert f'/admin/attempts/{attempt.id}/resend' not in page
    assert client.post(f"/admin/attempts/{attempt.id}/extend",
                       data={"days": "3"}).status_code == 302
    with db() as session:
        reopened = session.get(Attempt, attempt.id)
        assert reopened.state == AttemptState.INVITED
        assert reopened.expires_at == clock() + timedelta(days=3)
    auth.logout()
    assert client.get(f"/a/{token}").status_code == 200


# ---- accommodations: a time multiplier ------------------------------------------------


def test_an_invitation_with_a_time_multiplier(client, auth, db, assessment):
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert "Time multiplier (an accommodation)" in page
    page = client.post(f"/admin/assessments/{assessment.id}", data={
        "name": "Ivo Ivić", "email": "ivo@example.com", "days": 7, "language": "hr",
        "time_multiplier": "1,5"}).get_data(as_text=True)
    assert "Invitation created for Ivo Ivić" in page and "1.5 × time" in page
    client.post(f"/admin/assessments/{assessment.id}", data={
        "name": "Eva", "email": "eva@example.com", "days": 7, "language": "en"})
    with db() as session:
        multipliers = {a.candidate_email: a.time_multiplier
                       for a in session.exec(select(Attempt))}
    assert multipliers == {"ivo@example.com": 1.5, "eva@example.com": 1.0}


@pytest.mark.parametrize("multiplier", ["0.5", "10", "abc"])
def test_an_invitation_with_a_wrong_time_multiplier_is_refused(client, auth, db, assessment,
                                                               multiplier):
    auth.login("hr")
    response = client.post(f"/admin/assessments/{assessment.id}", data={
        "name": "Ivo", "email": "ivo@example.com", "days": 7, "language": "en",
        "time_multiplier": multiplier})
    assert response.status_code == 400
    assert "The time multiplier must be a number from 1 to 3" in response.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 0


def test_hr_changes_the_time_multiplier_until_the_attempt_starts(client, auth, db, world):
    auth.login("hr")
    response = client.post(f"/admin/attempts/{world['ana']}/time-multiplier",
                           data={"multiplier": "2"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Ana Horvat now has 2 × the usual time." in page and "2 × time" in page
    for wrong in ("0.5", "10", "abc", ""):
        response = client.post(f"/admin/attempts/{world['ana']}/time-multiplier",
                               data={"multiplier": wrong})
        assert response.status_code == 400
        assert "from 1 to 3" in response.get_data(as_text=True)
    # Bruno has started: his multiplier stays as it was
    page = client.post(f"/admin/attempts/{world['bruno']}/time-multiplier",
                       data={"multiplier": "1.5"}, follow_redirects=True).get_data(as_text=True)
    assert "can be changed only before the start" in page
    with db() as session:
        assert session.get(Attempt, world["ana"]).time_multiplier == 2.0
        assert session.get(Attempt, world["bruno"]).time_multiplier == 1.0


def test_a_page_reads_no_response(db, assessment, clock, world):
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with db() as session:
        event.listen(session.get_bind(), "before_cursor_execute", record)
        try:
            pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", record)
    assert seen and not any("response" in statement for statement in seen)


def test_last_activity_is_kept_as_moments_happen(db, assessment, clock):
    with db() as session:
        attempt, _ = invite(session, assessment, clock)
        assert attempt.last_activity_at == clock()
        clock.advance(hours=1)
        attempt.invited_at = clock()
        assert attempt.last_activity_at == clock()
        attempt.reminded_at = clock() - timedelta(days=1)  # earlier: not the latest
        assert attempt.last_activity_at == clock()


def test_the_counts_read_from_the_index_follow_every_scoring(db, assessment, clock, world):
    with db() as session:
        before = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        # the same counts as the one query that a search makes (it matches everyone)
        every = pipeline.page(session=session, assessment_id=assessment.id, now=clock(),
                              search="@")
        assert before.counts == every.counts
        empty, _ = invite(session, assessment, clock, started=True, name="Empty Ema",
                          email="ema@example.com")
        engine.submit(empty, session=session, now=clock())
        after = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        assert after.counts["no_answers"] == before.counts["no_answers"] + 1
        assert after.counts["rated"] == before.counts["rated"]
        assert after.counts == pipeline.page(session=session, assessment_id=assessment.id,
                                             now=clock(), search="@").counts


def _plans(session, record) -> list[str]:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of every attempt query run in
    record(), with the seq scans turned off on PostgreSQL (its tables here are tiny)."""
    seen = []

    def keep(_conn, _cursor, statement, parameters, *_args):
        if "FROM attempt" in statement and not statement.startswith("EXPLAIN"):
            seen.append((statement, parameters))

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", keep)
    try:
        record()
    finally:
        event.remove(bind, "before_cursor_execute", keep)
    connection = session.connection().connection.driver_connection
    plans = []
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        connection.execute("SET LOCAL enable_seqscan = off")
    for statement, parameters in seen:
        rows = connection.execute(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ")
                                  + statement, parameters).fetchall()
        plans.append(statement + "\n" + "\n".join(str(row[-1] if not postgres else row[0])
                                                 for row in rows))
    return plans


def test_the_counts_of_attempts_without_answers_read_their_partial_index(db, assessment,
                                                                          clock, world):
    """No attempt row is read to count the attempts without answers, in a first view as
    in any other (ix_attempt_no_answers)."""
    with db() as session:
        plans = _plans(session, lambda: pipeline.page(
            session=session, assessment_id=assessment.id, now=clock()))
        counting = [p for p in plans if "n_unanswered" in p and "count(" in p.lower()]
        assert counting and all("ix_attempt_no_answers" in p for p in counting), plans
        before = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        empty, _ = invite(session, assessment, clock, started=True, name="Empty Ema",
                          email="ema@example.com")
        engine.submit(empty, session=session, now=clock())
        after = pipeline.page(session=session, assessment_id=assessment.id, now=clock())
        assert after.counts["no_answers"] == before.counts["no_answers"] + 1


def test_the_search_for_attempts_scored_before_scales_reads_its_partial_index(
        db, assessment, clock, world):
    from hiring.scoring import attempts as scoring

    with db() as session:
        scoring._CHECKED.pop(session.get_bind(), None)
        plans = _plans(session, lambda: scoring.rescore_outdated(
            session=session, assessment_id=assessment.id))
        searching = [p for p in plans if "scales" in p]
        assert searching and all("ix_attempt_without_scales" in p for p in searching), plans
