"""Voluntary self-identification: asked after submitting, never before, once, in the
candidate's language; never on a profile, a PDF, a CSV or a ZIP of profiles."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from sqlmodel import select

from hiring.assessment import engine, self_id
from hiring.models import Assessment, Attempt, SelfIdentification
from tests.factories import make_attempt

# Answers whose stored keys and shown texts appear nowhere else in the product's pages.
CHOICES = {"gender": "another", "age_band": "55_plus", "first_language": "bosnian",
           "disability": "yes", "accommodation": "prefer_not"}
SIGNS = ["55_plus", "55 or over", "Another gender", "bosnian", "Bosnian", "prefer_not",
         "Prefer not to say", "self_identification", "self-identification",
         "Self-identification", "first_language", "age_band", "Do you consider yourself"]


@pytest.fixture
def asking(client, auth, db, assessment):
    """The assessment asks every built-in question (HR chose them on its page)."""
    auth.login("hr")
    response = client.post(f"/decisions/assessments/{assessment.id}/self-identification",
                           data={"questions": list(CHOICES)})
    assert response.status_code == 302
    auth.logout()
    return assessment


def take(client, db, assessment, clock, *, language="en", email="ana@example.com",
         reply="Dear Ana, I am sorry for the wait.") -> tuple[int, str]:
    with db() as session:
        attempt, token = make_attempt(session, session.get(Assessment, assessment.id),
                                      now=clock(), email=email, language=language)
        attempt.created_at = clock()
    assert client.post(f"/a/{token}/start").status_code == 302
    for position in range(1, 5):
        client.post(f"/a/{token}/save", json={"position": position, "seq": 1,
                                              "answer": {"best": "a"}})
    client.post(f"/a/{token}/save", json={"position": 6, "seq": 1, "answer": {"text": reply}})
    assert client.post(f"/a/{token}/submit", data={"confirm": "1"}).status_code == 302
    return attempt.id, token


def stored(db, attempt_id):
    with db() as session:
        return {r.question: r.answer for r in session.exec(select(SelfIdentification).where(
            SelfIdentification.attempt_id == attempt_id))}


def test_never_before_submitting(client, db, asking, clock):
    with db() as session:
        _, token = make_attempt(session, session.get(Assessment, asking.id), now=clock())
    welcome = client.get(f"/a/{token}").get_data(as_text=True)
    assert "optional questions" not in welcome and "Gender" not in welcome
    assert client.get(f"/a/{token}/about-you").status_code == 404
    assert client.post(f"/a/{token}/about-you", data={"gender": "woman"}).status_code == 404
    client.post(f"/a/{token}/start")
    item = client.get(f"/a/{token}/q/1").get_data(as_text=True)
    assert "optional questions" not in item
    assert client.get(f"/a/{token}/about-you").status_code == 404
    assert client.get(f"/a/{token}/review").status_code == 200


def test_asked_after_submitting_and_only_once(client, db, asking, clock):
    attempt_id, token = take(client, db, asking, clock)
    done = client.get(f"/a/{token}/done").get_data(as_text=True)
    assert f"/a/{token}/about-you" in done
    form = client.get(f"/a/{token}/about-you").get_data(as_text=True)
    # Each question is a fieldset with its legend and radio buttons, prefer-not included.
    assert form.count("<fieldset") == 5 and form.count("<legend>") == 5
    assert form.count('type="radio"') == 3 + 5 + 5 + 2 + 2 + 5
    assert form.count('value="prefer_not"') == 5
    assert "never shown to the people who decide about you" in form
    response = client.post(f"/a/{token}/about-you", data={**CHOICES, "accommodation": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/done")
    assert stored(db, attempt_id) == {**CHOICES, "accommodation": None}
    # Once: the form is closed, and the thank-you page no longer offers it.
    assert client.get(f"/a/{token}/about-you").headers["Location"].endswith("/done")
    client.post(f"/a/{token}/about-you", data={"gender": "woman"})
    assert stored(db, attempt_id)["gender"] == "another"
    assert "about-you" not in client.get(f"/a/{token}/done").get_data(as_text=True)


def test_skipping_records_every_question_as_not_answered(client, db, asking, clock):
    attempt_id, token = take(client, db, asking, clock)
    response = client.post(f"/a/{token}/about-you", data={"skip": "1", "gender": "man"})
    assert response.status_code == 302
    assert stored(db, attempt_id) == dict.fromkeys(CHOICES)


def test_an_answer_that_is_no_option_is_refused(client, db, asking, clock):
    attempt_id, token = take(client, db, asking, clock)
    response = client.post(f"/a/{token}/about-you", data={"gender": "55_plus"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert stored(db, attempt_id) == {}


def test_in_the_candidates_language(client, db, asking, clock):
    _, token = take(client, db, asking, clock, language="hr")
    assert "neobavezn" in client.get(f"/a/{token}/done").get_data(as_text=True).lower()
    form = client.get(f"/a/{token}/about-you").get_data(as_text=True)
    assert '<html lang="hr"' in form
    assert "Radije ne bih rekao/la" in form and "Prvi jezik" in form
    assert "Prefer not to say" not in form and "First language" not in form


def test_not_asked_when_the_assessment_asks_nothing(client, db, assessment, clock):
    _, token = take(client, db, assessment, clock)
    assert "about-you" not in client.get(f"/a/{token}/done").get_data(as_text=True)
    assert client.get(f"/a/{token}/about-you").headers["Location"].endswith("/done")


def pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    target = tmp_path / "profile.pdf"
    target.write_bytes(data)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"],
                          capture_output=True, text=True, check=True).stdout


def absent(text: str, where: str) -> None:
    found = [sign for sign in SIGNS if sign in text]
    assert found == [], where


def test_never_in_a_profile_pdf_csv_or_zip(client, auth, db, asking, clock, tmp_path):
    ids = []
    for number in range(6):  # enough respondents for the counts to show
        attempt_id, token = take(client, db, asking, clock, email=f"c{number}@example.com")
        client.post(f"/a/{token}/about-you", data=CHOICES)
        ids.append(attempt_id)
    assert stored(db, ids[0]) == CHOICES  # there is something to find
    auth.login("interviewer")
    page = client.get(f"/attempts/{ids[0]}").get_data(as_text=True)
    assert "Candidate" in page or "Ana" in page
    absent(page, "profile page")
    pdf = client.get(f"/attempts/{ids[0]}/profile.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data, tmp_path)
    assert "Ana Horvat" in text
    absent(text, "PDF")
    response = client.get(f"/exports/assessments/{asking.id}.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 7
    absent(response.get_data(as_text=True), "CSV")
    listing = client.get(f"/attempts?assessment={asking.id}").get_data(as_text=True)
    absent(listing, "attempts list")
    compare = client.get("/compare?" + "&".join(f"attempt={i}" for i in ids[:2]))
    absent(compare.get_data(as_text=True), "comparison")
    job_url = client.post("/exports/profiles", data={"attempt": [str(i) for i in ids]}
                          ).headers["Location"]
    status = client.get(job_url + ".json").json
    assert status["state"] == "done"
    with client.get(status["download"]) as download:
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    assert len(archive.namelist()) == 6
    for name in archive.namelist():
        absent(name, "ZIP name")
        absent(pdf_text(archive.read(name), tmp_path), f"ZIP {name}")
    # HR sees them only counted: six answered "55 or over" and five more "25 to 34".
    with db() as session:
        stored_assessment = session.get(Assessment, asking.id)
        for number in range(5):
            attempt, _ = make_attempt(session, stored_assessment, now=clock(), started=True,
                                      email=f"d{number}@example.com")
            engine.submit(attempt, session=session, now=clock())
            self_id.save(attempt, stored_assessment, {"age_band": "25_34"}, session=session,
                         now=clock())
    auth.logout()
    auth.login("hr")
    counts = client.get(f"/decisions/assessments/{asking.id}/self-identification"
                        ).get_data(as_text=True)
    for text, number in (("55 or over", "6"), ("25 to 34", "5")):
        row = re.search(text + r"</th>\s*<td>(\d+)</td>", counts)
        assert row is not None and row.group(1) == number
    with db() as session:
        assert session.get(Attempt, ids[0]).results is not None
