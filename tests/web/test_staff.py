"""Staff pages: login, HR's banks, assessments and invitations, interviewers' ratings."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from pathlib import Path

from sqlmodel import func, select

from hiring.assessment import engine
from hiring.models import Attempt, AttemptState, Item
from tests.factories import make_attempt

DATA = Path(__file__).parent.parent / "data"


def test_login_failure_and_success(client, auth, db):
    auth.login("hr")  # creates the account
    auth.logout()
    bad = client.post("/login", data={"email": "hr@example.com", "password": "wrong password"})
    assert bad.status_code == 400 and "Wrong email or password" in bad.get_data(as_text=True)
    good = client.post("/login", data={"email": " HR@Example.com ",
                                       "password": "correct horse battery"})
    assert good.headers["Location"].endswith("/admin/")


def test_login_never_redirects_off_site(client, auth):
    auth.login("hr")
    auth.logout()
    response = client.post("/login?next=//evil.example/x",
                           data={"email": "hr@example.com", "password": "correct horse battery"})
    assert response.headers["Location"] == "/admin/"


def test_bank_upload_shows_problems_and_imports_nothing(client, auth, db):
    auth.login("hr")
    response = client.post("/admin/banks", data={
        "file": (io.BytesIO((DATA / "broken_bank.yaml").read_bytes()), "broken.yaml")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "3 problems found; nothing was imported" in page
    assert "line 24" in page and "items.1.stem" in page
    with db() as session:
        assert session.exec(select(func.count()).select_from(Item)).one() == 0


def test_bank_upload_of_a_non_yaml_file(client, auth, db):
    auth.login("hr")
    response = client.post("/admin/banks", data={
        "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)


def test_hr_uploads_bank_creates_assessment_and_invites(client, auth, db):
    auth.login("hr")
    response = client.post("/admin/banks", data={
        "file": (io.BytesIO((DATA / "mini_bank.yaml").read_bytes()), "mini.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    bank_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6 items" in bank_page and "sjt-4" in bank_page

    recipe = {"bank_id": 1, "name": "Front desk", "languages": ["en", "hr"], "language": "hr",
              "time_limit_minutes": 20, "grace_seconds": 30, "typing_target_wpm": 35,
              "strength_score": 70, "strength_low": 55, "development_score": 50,
              "min_items": 2, "max_each": 3, "sections-0-titles-en": "Situations",
              "sections-0-type": "sjt", "sections-0-count": 40}
    too_many = client.post("/admin/assessments/new", data=recipe)
    assert too_many.status_code == 400
    assert "The bank has only 4 active items that fit" in too_many.get_data(as_text=True)

    created = client.post("/admin/assessments/new", data=dict(
        recipe, **{"sections-0-count": 3, "sections-1-titles-en": "Math",
                   "sections-1-type": "numeric", "sections-1-count": 1}))
    assert created.status_code == 302
    page = client.post(created.headers["Location"], data={
        "name": "Ivo Ivić", "email": "ivo@example.com", "days": 7}).get_data(as_text=True)
    assert "Invitation created for Ivo Ivić" in page
    link = page.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    assert "/a/" in link
    token = link.rsplit("/", 1)[1]
    assert "Situacija" not in client.get(f"/a/{token}").get_data(as_text=True)  # welcome
    listing = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Ivo Ivić" in listing and token not in listing  # the link is shown only once


def test_invitation_form_errors(client, auth, db, assessment):
    auth.login("hr")
    response = client.post(f"/admin/assessments/{assessment.id}",
                           data={"name": "", "email": "not-an-email", "days": 500})
    assert response.status_code == 400
    with db() as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 0


def submitted_attempt(db, assessment, clock, text="Dear Ana, I am so sorry."):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  name="Đurđa Šimić")
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1)
        engine.save_answer(attempt, 6, {"text": text}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        return attempt.id


def test_interviewer_rates_and_downloads_pdf(client, auth, db, assessment, clock, tmp_path):
    attempt_id = submitted_attempt(db, assessment, clock)
    auth.login("interviewer")
    listing = client.get("/attempts/").get_data(as_text=True)
    assert "Đurđa Šimić" in listing
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "awaiting rating" in page and "score_tone" in page
    with db() as session:
        written = engine.response_at(session.get(Attempt, attempt_id), 6, session=session)
    incomplete = client.post(f"/attempts/{attempt_id}/responses/{written.id}/rate",
                             data={"score_tone": 4})
    assert incomplete.status_code == 400
    rated = client.post(f"/attempts/{attempt_id}/responses/{written.id}/rate",
                        data={"score_tone": 4, "score_empathy": 5, "comment": "Warm."})
    assert rated.status_code == 302
    with db() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt.state == AttemptState.SCORED
        assert attempt.results["scales"]["writing"]["score"] == 87.5
    pdf = client.get(f"/attempts/{attempt_id}/profile.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Đurđa Šimić" in text and "Warm." in text and "Dear Ana" in text


def test_pdf_of_unsubmitted_attempt_is_a_clear_409(client, auth, db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock())
    auth.login("interviewer")
    response = client.get(f"/attempts/{attempt.id}/profile.pdf")
    assert response.status_code == 409 and "once the candidate has submitted" in \
        response.get_data(as_text=True)


def test_empty_states(client, auth):
    auth.login("hr")
    assert "No question banks yet" in client.get("/admin/").get_data(as_text=True)
    assert "No attempts" in client.get("/attempts/").get_data(as_text=True)
    assert "No assessments yet" in client.get("/admin/assessments").get_data(as_text=True)


def test_hr_gives_extra_time_before_and_during_the_attempt(client, auth, db, assessment, clock):
    with db() as session:
        before, token = make_attempt(session, assessment, now=clock())
        during, _ = make_attempt(session, assessment, now=clock(), started=True,
                                 email="d@example.com")
        deadline = during.deadline_at
    auth.login("hr")
    assert client.post(f"/admin/attempts/{before.id}/extra-time",
                       data={"minutes": 15}).status_code == 302
    assert client.post(f"/admin/attempts/{during.id}/extra-time",
                       data={"minutes": 10}).status_code == 302
    assert client.post(f"/admin/attempts/{during.id}/extra-time",
                       data={"minutes": 9999}).status_code == 400
    with db() as session:
        assert session.get(Attempt, during.id).deadline_at == deadline + timedelta(minutes=10)
    auth.logout()
    assert "45 minutes" in client.get(f"/a/{token}").get_data(as_text=True)
    client.post(f"/a/{token}/start")
    with db() as session:
        started = session.get(Attempt, before.id)
        assert started.deadline_at == clock() + timedelta(minutes=45)


def test_a_50_mb_bank_upload_is_refused_and_changes_nothing(client, auth, db):
    auth.login("hr")
    from werkzeug.test import EnvironBuilder

    huge = b"# padding\n" * (5 * 1024 * 1024)
    builder = EnvironBuilder(path="/admin/banks", method="POST",
                             data={"file": (io.BytesIO(huge), "huge.yaml")})
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()  # the encoded upload, spooled to a temporary file
        builder.close()
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    with db() as session:
        assert session.exec(select(func.count()).select_from(Item)).one() == 0


def test_bank_upload_of_an_alias_bomb_is_one_problem(client, auth, db):
    from tests.domain.test_hostile_banks import ALIAS_BOMB

    auth.login("hr")
    response = client.post("/admin/banks", data={
        "file": (io.BytesIO(ALIAS_BOMB.encode()), "bomb.yaml")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "anchors (&amp;a0) are not allowed" in page and "line 1" in page
    with db() as session:
        assert session.exec(select(func.count()).select_from(Item)).one() == 0
