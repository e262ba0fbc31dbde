"""Blind review per assessment: raters see a candidate code instead of the name and e-mail
until they have rated, and the profile PDF for a panel carries no personal data."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from sqlmodel import select

from hiring.assessment import engine
from hiring.assessment.ratings import candidate_code
from hiring.models import Assessment, Attempt, AuditEvent
from tests.factories import make_attempt
from tests.web.test_blind_ratings import pdf_to_text
from tests.web.test_profile import REPLY, log_in_as, page, rate

NAME, EMAIL = "Iva Kovač", "iva.kovac@example.com"


def submitted(db, assessment, clock, reply: str = REPLY) -> tuple[int, int]:
    with db() as session:
        attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                  name=NAME, email=EMAIL)
        for position in range(1, 5):
            engine.save_answer(attempt, position, {"best": "a"}, session=session, now=clock(),
                               seq=1)
        engine.save_answer(attempt, 6, {"text": reply}, session=session, now=clock(), seq=1)
        engine.submit(attempt, session=session, now=clock())
        return attempt.id, engine.response_at(attempt, 6, session=session).id


def turn_on(client, db, assessment_id: int, on: bool = True) -> None:
    log_in_as(client, db, "hr@example.com", "Hana", role="hr")
    response = client.post(f"/admin/assessments/{assessment_id}/blind-review",
                           data={"enabled": "y"} if on else {})
    assert response.status_code == 302


def test_raters_see_a_code_until_they_have_rated(client, db, assessment, clock):
    attempt_id, response_id = submitted(db, assessment, clock)
    with db() as session:
        code = candidate_code(session.get(Attempt, attempt_id))
    assert re.fullmatch(r"C-[0-9A-F]{4}", code)

    log_in_as(client, db, "a@example.com", "Rater Alpha")
    before = page(client, f"/attempts/{attempt_id}")
    assert NAME in before and EMAIL in before  # blind review is off

    turn_on(client, db, assessment.id)
    with db() as session:
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "blind_review_setting")).one()
        assert event.detail == {"on": True}
    hr_view = page(client, f"/attempts/{attempt_id}")
    assert NAME in hr_view and EMAIL in hr_view  # HR always sees who it is

    log_in_as(client, db, "a@example.com", "Rater Alpha")
    for url in (f"/attempts/{attempt_id}", "/attempts/"):
        blind = page(client, url)
        assert code in blind and NAME not in blind and EMAIL not in blind, url
    rate(client, attempt_id, response_id, 4, "Clear and kind.")
    after = page(client, f"/attempts/{attempt_id}")
    assert NAME in after and EMAIL in after
    assert NAME in page(client, "/attempts/")

    # Another rater is still blind to the name, as to Alpha's rating.
    log_in_as(client, db, "b@example.com", "Rater Beta")
    other = page(client, f"/attempts/{attempt_id}")
    assert code in other and NAME not in other and EMAIL not in other

    # Off again: names for everyone.
    turn_on(client, db, assessment.id, on=False)
    log_in_as(client, db, "b@example.com", "Rater Beta")
    assert NAME in page(client, f"/attempts/{attempt_id}")


def test_the_raters_pdf_profile_is_coded_too(client, db, assessment, clock, tmp_path):
    attempt_id, _response_id = submitted(db, assessment, clock)
    turn_on(client, db, assessment.id)
    log_in_as(client, db, "a@example.com", "Rater Alpha")
    response = client.get(f"/attempts/{attempt_id}/profile.pdf")
    assert response.status_code == 200
    text = pdf_to_text(response.data, tmp_path)
    assert "C-" in text and NAME not in text and EMAIL not in text


def test_the_panel_pdf_has_no_personal_data(client, db, assessment, clock, tmp_path):
    signed = f"{REPLY} Kind regards, {NAME} ({EMAIL})"
    attempt_id, _response_id = submitted(db, assessment, clock, reply=signed)
    with db() as session:
        code = candidate_code(session.get(Attempt, attempt_id))
    log_in_as(client, db, "hr@example.com", "Hana", role="hr")
    full = pdf_to_text(client.get(f"/attempts/{attempt_id}/profile.pdf").data, tmp_path,
                       "full.pdf")
    assert NAME in full and EMAIL in full  # the ordinary profile, for HR
    response = client.get(f"/attempts/{attempt_id}/panel.pdf")
    assert response.status_code == 200
    assert code in response.headers["Content-Disposition"]
    text = pdf_to_text(response.data, tmp_path, "panel.pdf")
    assert code in text
    for personal in (NAME, EMAIL, "Iva", "Kovač", "iva.kovac", f"#{attempt_id}"):
        assert personal not in text, personal
    assert "Kind regards, […] […] ([…])" in text  # the signature is blanked
    with db() as session:
        exported = session.exec(select(AuditEvent).where(
            AuditEvent.action == "exported")).all()
        assert {"format": "panel pdf"} in [e.detail for e in exported]


def test_the_setting_is_hr_only_and_bad_input_changes_nothing(client, db, assessment, clock):
    attempt_id, _ = submitted(db, assessment, clock)
    log_in_as(client, db, "a@example.com", "Rater Alpha")
    assert client.post(f"/admin/assessments/{assessment.id}/blind-review",
                       data={"enabled": "y"}).status_code == 403
    log_in_as(client, db, "hr@example.com", "Hana", role="hr")
    assert client.post("/admin/assessments/9999/blind-review",
                       data={"enabled": "y"}).status_code == 404
    assert client.get("/attempts/9999/panel.pdf").status_code == 404
    with db() as session:
        assert not (session.get(Assessment, assessment.id).settings or {}).get("blind_review")
        unsubmitted, _ = make_attempt(session, assessment, now=clock(), started=True)
        unsubmitted_id = unsubmitted.id
    assert client.get(f"/attempts/{unsubmitted_id}/panel.pdf").status_code == 409
    assert attempt_id


def test_comparison_csv_and_zip_are_coded_for_a_rater_who_has_not_rated(
        client, db, assessment, clock, tmp_path):
    attempt_id, response_id = submitted(db, assessment, clock)
    with db() as session:
        code = candidate_code(session.get(Attempt, attempt_id))
    turn_on(client, db, assessment.id)
    log_in_as(client, db, "a@example.com", "Rater Alpha")

    def outputs() -> tuple[str, str, list[str], list[str]]:
        compared = page(client, f"/exports/compare?attempt={attempt_id}")
        csv_text = client.get(f"/exports/assessments/{assessment.id}.csv").get_data(
            as_text=True)
        job_url = client.post("/exports/profiles",
                              data={"attempt": [str(attempt_id)]}).headers["Location"]
        status = client.get(job_url + ".json").json
        with client.get(status["download"]) as download:
            archive = zipfile.ZipFile(io.BytesIO(download.data))
        names = archive.namelist()
        texts = [pdf_to_text(archive.read(n), tmp_path, n) for n in names]
        return compared, csv_text, names, texts

    compared, csv_text, names, texts = outputs()
    row = next(r for r in csv.DictReader(io.StringIO(csv_text))
               if r["attempt_id"] == str(attempt_id))
    assert row["candidate_name"] == code and row["candidate_email"] == ""
    assert code in compared and NAME not in compared
    assert names == [f"{attempt_id:05d}-{code.lower()}.pdf"]
    assert NAME not in texts[0] and EMAIL not in texts[0]

    rate(client, attempt_id, response_id, 3, "Fine.")
    compared, csv_text, names, texts = outputs()
    row = next(r for r in csv.DictReader(io.StringIO(csv_text))
               if r["attempt_id"] == str(attempt_id))
    assert row["candidate_name"] == NAME and row["candidate_email"] == EMAIL
    assert NAME in compared and NAME in texts[0]
