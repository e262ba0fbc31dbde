"""The profile on the attempt page and as PDF: blind ratings, norms, the profile's language."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from hiring.assessment import engine
from hiring.models import Attempt
from tests.factories import assign_everything, make_attempt, make_user

REPLY = "Dear Ana, I am sorry that your refund took two weeks. I have checked it and it is paid."
ENGLISH = ["Scores", "Behavioural dimensions", "Interview guide", "Communication",
           "Integrity signals", "How to read this profile"]
CROATIAN = ["Rezultati", "Dimenzije ponašanja", "Vodič za intervju", "Komunikacija",
            "Signali integriteta", "Kako čitati ovaj profil"]


def complete_attempt(db, assessment, clock, number: int = 1) -> tuple[int, int]:
    """Take the mini assessment to the end; return the attempt's and the written reply's ids."""
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  name=f"Candidate {number}", email=f"c{number}@example.com")
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1)
        engine.save_answer(attempt, 6, {"text": REPLY}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        written = engine.response_at(attempt, 6, session=session)
        return attempt.id, written.id


def log_in_as(client, db, email: str, name: str, role: str = "interviewer") -> None:
    client.post("/logout")
    with db() as session:
        user = make_user(session, role=role, email=email, name=name)
        if role == "interviewer":
            assign_everything(session, user)
    response = client.post("/login", data={"email": email, "password": "correct horse battery"})
    assert response.status_code == 302


def rate(client, attempt_id: int, response_id: int, tone: int, comment: str) -> None:
    response = client.post(f"/attempts/{attempt_id}/responses/{response_id}/rate",
                           data={"score_tone": tone, "score_empathy": 3, "comment": comment})
    assert response.status_code == 302


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_raters_are_blind_until_they_rate_and_see_disagreement_after(client, db, assessment,
                                                                     clock):
    attempt_id, response_id = complete_attempt(db, assessment, clock)
    url = f"/attempts/{attempt_id}"

    log_in_as(client, db, "a@example.com", "Rater Alpha")
    assert "awaiting 1 rating" in page(client, url)
    rate(client, attempt_id, response_id, 1, "Alpha thinks the tone is cold.")
    after = page(client, url)
    assert "Alpha thinks the tone is cold." in after
    # Ratings are stamped with the real time, not the test clock.
    assert re.search(r"You rated this on [A-Z][a-z]{2} \d{1,2}, 20\d\d, \d{1,2}:\d\d\s[AP]M UTC",
                     after)
    assert 'name="score_tone" value="1" required checked' in after

    log_in_as(client, db, "b@example.com", "Rater Beta")
    blind = page(client, url)
    assert "1 rating hidden until you submit your own." in blind
    assert "Alpha thinks the tone is cold." not in blind and "Rater Alpha" not in blind
    assert "You rated this on" not in blind and "required checked" not in blind
    rate(client, attempt_id, response_id, 4, "Beta finds it warm.")
    seen = page(client, url)
    assert "Alpha thinks the tone is cold." in seen and "Beta finds it warm." in seen
    assert "hidden until you submit" not in seen
    assert "raters disagree by 3 points" in seen

    log_in_as(client, db, "hr@example.com", "Head of HR", role="hr")
    hr = page(client, url)
    assert "Alpha thinks the tone is cold." in hr and "Beta finds it warm." in hr
    assert "raters disagree by 3 points" in hr
    assert "Save rating" in hr


def test_percentile_appears_when_the_norm_group_is_large_enough(app, client, auth, db,
                                                                assessment, clock):
    app.config["NORM_MIN_GROUP"] = 3
    auth.login("hr")
    first, _ = complete_attempt(db, assessment, clock, 1)
    assert "norm group too small (n = 1, English)" in page(client, f"/attempts/{first}")
    complete_attempt(db, assessment, clock, 2)
    two = page(client, f"/attempts/{first}")
    assert "norm group too small (n = 2, English)" in two
    assert "percentile " not in two.replace("A percentile ", "")
    complete_attempt(db, assessment, clock, 3)
    three = page(client, f"/attempts/{first}")
    assert re.search(r"percentile \d+ among 3 attempts in English, 2026-03-02 to 2026-03-02",
                     three)
    assert "at least 3 attempts" in three


def test_profile_language_switch_and_its_stylesheet(client, auth, db, assessment, clock):
    attempt_id, _ = complete_attempt(db, assessment, clock)
    auth.login("interviewer")

    english = page(client, f"/attempts/{attempt_id}")
    assert all(f"<h2>{heading}</h2>" in english for heading in ENGLISH)
    assert f'href="/attempts/{attempt_id}?lang=hr"' in english
    assert f'href="/attempts/{attempt_id}/profile.pdf?lang=en"' in english
    croatian = page(client, f"/attempts/{attempt_id}?lang=hr")
    assert all(f"<h2>{heading}</h2>" in croatian for heading in CROATIAN)
    assert not any(f"<h2>{heading}</h2>" in croatian for heading in ENGLISH)
    assert '<section class="profile" lang="hr"' in croatian
    assert f'href="/attempts/{attempt_id}/profile.pdf?lang=hr"' in croatian
    # The rating forms stay as they were, for every profile language.
    assert "Save rating" in croatian and 'name="score_tone"' in croatian
    # The page's CSP forbids inline styles: the profile's stylesheet is a file of its own.
    assert "style=" not in croatian and "<style" not in croatian
    assert 'href="/attempts/profile.css"' in croatian
    stylesheet = client.get("/attempts/profile.css")
    assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
    assert ".profile" in stylesheet.get_data(as_text=True)


def test_unknown_language_falls_back_to_the_candidates(client, auth, db, assessment, clock):
    attempt_id, _ = complete_attempt(db, assessment, clock)
    auth.login("interviewer")

    assert "<h2>How to read this profile</h2>" in page(client, f"/attempts/{attempt_id}?lang=xx")


def test_attempt_page_before_submission_has_no_profile(client, auth, db, assessment, clock):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
    auth.login("interviewer")

    html = page(client, f"/attempts/{attempt.id}")
    assert "No profile yet" in html
    assert "Download PDF profile" not in html and "profile.pdf" not in html


def test_pdf_in_croatian(client, auth, db, assessment, clock, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    attempt_id, _ = complete_attempt(db, assessment, clock)
    auth.login("interviewer")

    response = client.get(f"/attempts/{attempt_id}/profile.pdf?lang=hr")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    target = tmp_path / "profile.pdf"
    target.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"],
                          capture_output=True, text=True, check=True).stdout
    for heading in CROATIAN:
        assert heading in text
    assert "Interview guide" not in text
    with db() as session:
        assert session.get(Attempt, attempt_id).candidate_name in text


def pdf_text(response, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    target = tmp_path / "profile.pdf"
    target.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_an_incomplete_attempt_says_so_on_its_page_and_in_its_pdf(client, auth, db,
                                                                   long_assessment, clock,
                                                                   tmp_path):
    with db() as session:
        attempt, _ = make_attempt(session, long_assessment, now=clock(), started=True)
        for position in (1, 2):  # two situations, both with the best option
            engine.save_answer(attempt, position, {"best": "a"}, session=session,
                               now=clock(), seq=1)
        engine.save_answer(attempt, 21, {"value": "1"}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
    auth.login("interviewer")
    notice = ("Incomplete: 27 of 30 questions unanswered. Scores rest on the answered items "
              "only; no strengths or development areas are claimed from fewer than 23 "
              "answered items.")

    html = page(client, f"/attempts/{attempt.id}")
    flat = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert notice in flat
    assert flat.index(notice) < flat.index("Customer-service judgement")
    assert flat.count("None claimed: the attempt is incomplete") == 2
    assert "based on 2 of 20 items; 18 unanswered" in flat
    assert "based on 1 of 8 items; 7 unanswered" in flat
    assert "based on 0 of 2 items; 2 unanswered" in flat
    assert "development area:" not in flat and "strength:" not in flat

    text = pdf_text(client.get(f"/attempts/{attempt.id}/profile.pdf"), tmp_path)
    assert notice in text
    assert text.index(notice) < text.index("Strengths")
    assert text.count("None claimed: the attempt is incomplete") == 2
    assert "based on 2 of 20 items; 18 unanswered" in text
    assert "the attempt is incomplete: no claim" in text
    assert "development area:" not in text and "worth probing" not in text
    assert "too few items were answered" in text  # and so no interview questions


def test_a_profile_without_answers_has_no_scores(client, auth, db, assessment, clock,
                                                 tmp_path):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True)
        engine.submit(attempt, session=session, now=clock())
    auth.login("interviewer")

    html = page(client, f"/attempts/{attempt.id}")
    flat = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "No answers: nothing was measured." in flat
    assert "based on" not in flat and not re.search(r"95% band \d", flat)
    assert 'class="scorebars"' not in html and "None: nothing was measured" in flat
    text = pdf_text(client.get(f"/attempts/{attempt.id}/profile.pdf"), tmp_path)
    assert "No answers: nothing was measured." in text
    assert "Scores " not in text and "based on" not in text
    assert "nothing was measured. Ask the candidate" in text


def test_the_profile_records_a_time_multiplier_on_its_page_and_in_its_pdf(
        client, auth, db, assessment, clock, tmp_path):
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), time_multiplier=1.5)
        engine.start(attempt, session=session, now=clock())
        engine.save_answer(attempt, 6, {"text": REPLY}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
    usual, _ = complete_attempt(db, assessment, clock, number=2)
    auth.login("interviewer")
    line = "Time 1.5 × the usual time (accommodation)"
    flat = " ".join(re.sub(r"<[^>]+>", " ", page(client, f"/attempts/{attempt.id}")).split())
    assert line in flat
    assert " ".join(pdf_text(client.get(f"/attempts/{attempt.id}/profile.pdf"),
                             tmp_path).split()).count(line) == 1
    croatian = pdf_text(client.get(f"/attempts/{attempt.id}/profile.pdf?lang=hr"), tmp_path)
    assert "Vrijeme 1,5 × uobičajeno vrijeme (prilagodba)" in " ".join(croatian.split())
    flat = " ".join(re.sub(r"<[^>]+>", " ", page(client, f"/attempts/{usual}")).split())
    assert "usual time" not in flat and "accommodation" not in flat
