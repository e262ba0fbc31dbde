"""Rater blindness in every output built for a staff user: the attempt page, its PDF, the
ZIP of PDFs, the CSV and the comparison. One rule decides (hiring.assessment.ratings.
blind_for): an interviewer sees other raters' ratings of an answer, and everything
computed from them, only once they have rated it; HR sees all."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile

import pytest
from sqlmodel import select

from hiring.assessment.ratings import NOBODY, blind_for
from hiring.models import Attempt, Role, User
from hiring.reports.build import build_profile
from tests.web.test_profile import complete_attempt, log_in_as, page, rate
from tests.web.test_rater_agreement import TONE, rated_attempts

ALPHA_SAYS = "Alpha thinks the tone is cold."


def pdf_to_text(data: bytes, tmp_path, name: str = "profile.pdf") -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    assert data.startswith(b"%PDF")
    target = tmp_path / name
    target.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(target), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def zip_texts(client, attempt_id: int, tmp_path) -> list[str]:
    job_url = client.post("/exports/profiles",
                          data={"attempt": [str(attempt_id)]}).headers["Location"]
    status = client.get(job_url + ".json").json
    assert status["state"] == "done"
    with client.get(status["download"]) as download:
        archive = zipfile.ZipFile(io.BytesIO(download.data))
    return [pdf_to_text(archive.read(name), tmp_path, name) for name in archive.namelist()]


def writing_cells(client, assessment_id: int, attempt_id: int) -> tuple[str, str]:
    response = client.get(f"/exports/assessments/{assessment_id}.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    row = next(r for r in rows if r["attempt_id"] == str(attempt_id))
    return row["writing_score"], row["writing_n_pending"]


def compare_writing_cell(client, attempt_id: int) -> str:
    html = page(client, f"/exports/compare?attempt={attempt_id}")
    return html.split("<td>Writing</td>")[1].split("</tr>")[0]


@pytest.fixture
def rated_by_alpha(client, db, assessment, clock):
    """An attempt whose written reply Rater Alpha has rated, and nobody else."""
    attempt_id, response_id = complete_attempt(db, assessment, clock)
    log_in_as(client, db, "a@example.com", "Rater Alpha")
    rate(client, attempt_id, response_id, 1, ALPHA_SAYS)
    with db() as session:
        score = session.get(Attempt, attempt_id).results["scales"]["writing"]["score"]
    assert score is not None  # Alpha's rating alone scores the writing scale
    return attempt_id, response_id


def test_blind_for_is_none_for_hr_and_the_rater_for_everyone_else(db):
    with db() as session:
        hr = User(id=7, email="h@example.com", name="H", role=Role.HR, password_hash="x")
        rater = User(id=8, email="i@example.com", name="I", role=Role.INTERVIEWER,
                     password_hash="x")
        other = User(id=9, email="o@example.com", name="O", role="auditor", password_hash="x")
        assert blind_for(hr) is None
        assert blind_for(rater) == 8 and blind_for(other) == 9
        assert blind_for(None) == NOBODY  # an unknown user sees no rating
        session.expunge_all()


def test_a_rater_who_has_not_rated_sees_neither_scores_nor_comment_on_the_page(
        client, db, assessment, rated_by_alpha):
    attempt_id, response_id = rated_by_alpha
    url = f"/attempts/{attempt_id}"
    log_in_as(client, db, "b@example.com", "Rater Beta")
    blind = page(client, url)
    assert "1 rating hidden until you submit your own." in blind
    assert ALPHA_SAYS not in blind and "Rater Alpha" not in blind
    assert "/100" not in blind.split('id="answers"')[1].split("</section>")[0]
    with db() as session:
        beta = session.exec(select(User).where(User.email == "b@example.com")).one()
        profile = build_profile(session.get(Attempt, attempt_id), session=session,
                                blind_for=blind_for(beta))
        writing = next(s for s in profile.scales if s.key == "writing")
        assert writing.score is None and writing.n_pending == 1  # not Alpha's score
        assert writing.norm is None or writing.norm.percentile is None
        written = next(e for s in profile.scales for e in s.evidence
                       if e.item_type == "written")
        assert written.score is None
        assert profile.written[0].ratings == [] and profile.written[0].hidden_ratings == 1

    rate(client, attempt_id, response_id, 4, "Beta finds it warm.")
    seen = page(client, url)
    assert ALPHA_SAYS in seen and "Rater Alpha" in seen and "hidden until" not in seen

    log_in_as(client, db, "hr@example.com", "Head of HR", role="hr")
    assert ALPHA_SAYS in page(client, url)


def test_a_rater_who_has_not_rated_sees_neither_scores_nor_comment_in_the_pdf(
        client, db, assessment, rated_by_alpha, tmp_path):
    attempt_id, response_id = rated_by_alpha
    url = f"/attempts/{attempt_id}/profile.pdf"
    log_in_as(client, db, "hr@example.com", "Head of HR", role="hr")
    hr = pdf_to_text(client.get(url).data, tmp_path)  # rendered and cached for HR first
    assert ALPHA_SAYS in hr and "Rater Alpha" in hr

    log_in_as(client, db, "b@example.com", "Rater Beta")
    blind = pdf_to_text(client.get(url).data, tmp_path)
    assert ALPHA_SAYS not in blind and "Rater Alpha" not in blind
    assert "1 rating hidden until you submit your own." in blind

    rate(client, attempt_id, response_id, 4, "Beta finds it warm.")
    seen = pdf_to_text(client.get(url).data, tmp_path)
    assert ALPHA_SAYS in seen and "Beta finds it warm." in seen


def test_the_zip_builds_each_profile_blind_for_who_asked(client, db, assessment,
                                                         rated_by_alpha, tmp_path):
    attempt_id, response_id = rated_by_alpha
    log_in_as(client, db, "b@example.com", "Rater Beta")
    [blind] = zip_texts(client, attempt_id, tmp_path)
    assert ALPHA_SAYS not in blind and "Rater Alpha" not in blind
    assert "1 rating hidden until you submit your own." in blind

    log_in_as(client, db, "hr@example.com", "Head of HR", role="hr")
    [hr] = zip_texts(client, attempt_id, tmp_path)
    assert ALPHA_SAYS in hr and "Rater Alpha" in hr

    log_in_as(client, db, "b@example.com", "Rater Beta")
    rate(client, attempt_id, response_id, 4, "Beta finds it warm.")
    [seen] = zip_texts(client, attempt_id, tmp_path)
    assert ALPHA_SAYS in seen and "Beta finds it warm." in seen


def test_the_csv_and_the_comparison_hold_no_writing_score_for_a_blind_rater(
        client, db, assessment, rated_by_alpha):
    attempt_id, response_id = rated_by_alpha
    log_in_as(client, db, "hr@example.com", "Head of HR", role="hr")
    hr_score, hr_pending = writing_cells(client, assessment.id, attempt_id)
    assert hr_score != "" and hr_pending == "0"
    assert "awaiting rating" not in compare_writing_cell(client, attempt_id)

    log_in_as(client, db, "b@example.com", "Rater Beta")
    assert writing_cells(client, assessment.id, attempt_id) == ("", "1")
    assert "awaiting rating" in compare_writing_cell(client, attempt_id)
    assert hr_score not in compare_writing_cell(client, attempt_id)

    log_in_as(client, db, "a@example.com", "Rater Alpha")  # rated it: sees their own
    assert writing_cells(client, assessment.id, attempt_id) == (hr_score, "0")

    log_in_as(client, db, "b@example.com", "Rater Beta")
    rate(client, attempt_id, response_id, 1, "Beta agrees.")
    assert writing_cells(client, assessment.id, attempt_id)[0] == hr_score
    assert "awaiting rating" not in compare_writing_cell(client, attempt_id)


def test_rater_agreement_rests_only_on_answers_the_viewer_rated(client, db, assessment,
                                                                clock):
    ids = rated_attempts(db, assessment, clock, TONE)  # r2 rated attempts 1, 2 and 4
    log_in_as(client, db, "hr@example.com", "Head of HR", role="hr")
    for attempt_id in (ids[0], ids[1]):
        assert "Tone 0.88 / 0.94." in page(client, f"/attempts/{attempt_id}")

    log_in_as(client, db, "r2@example.com", "Rater 2")
    not_rated = page(client, f"/attempts/{ids[0]}")
    assert "2 ratings hidden until you submit your own." in not_rated
    assert 'class="agreement"' not in not_rated
    # Over the three answers r2 rated there are too few for an ICC: none is shown, not
    # the ICC over answers whose ratings r2 may not see.
    assert 'class="agreement"' not in page(client, f"/attempts/{ids[1]}")
