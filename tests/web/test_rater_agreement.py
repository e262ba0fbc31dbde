"""Rater agreement on item health, in its CSV and in the profile."""

from __future__ import annotations

import csv
import io

from hiring.assessment import engine
from hiring.assessment.ratings import rate
from hiring.models import Attempt
from tests.factories import make_attempt, make_user

# Tone as in tests/domain/test_agreement.py (ICC(1,1) = 29/33 = 0.88, ICC(1,2) = 29/31 =
# 0.94); empathy is 3 from everyone, so its ICC is undefined and shown nowhere.
TONE = [(1, 2), (2, 2), (3, 4), (4, 5), (5, 5)]


def rated_attempts(db, assessment, clock, tones, simulated: bool = False) -> list[int]:
    ids = []
    with db() as session:
        raters = [make_user(session, email=f"r{n}@example.com", name=f"Rater {n}")
                  for n in range(3)]
        for number, pair in enumerate(tones):
            attempt, _ = make_attempt(session, assessment, now=clock(), started=True,
                                      email=f"c{number}{simulated}@example.com")
            attempt.simulated = simulated
            engine.save_answer(attempt, 6, {"text": "Dear Ana, sorry."}, session=session,
                               now=clock(), seq=1)
            engine.submit(attempt, session=session, now=clock())
            written = engine.response_at(attempt, 6, session=session)
            for index, tone in enumerate(pair):
                rater = raters[(number + index) % 3]  # raters differ between responses
                rate(written, session=session, rater_id=rater.id,
                     scores={"tone": tone, "empathy": 3})
            ids.append(attempt.id)
    return ids


def test_item_health_shows_the_iccs_of_written_criteria_and_exports_them(
        client, auth, db, assessment, clock):
    rated_attempts(db, assessment, clock, TONE[:4])
    auth.login("hr")
    page = client.get(f"/admin/assessments/{assessment.id}/items").get_data(as_text=True)
    section = page.split('id="rater-agreement"')[1]
    assert "not enough ratings" in section and "0.88" not in section

    rated_attempts(db, assessment, clock, TONE[4:])
    rated_attempts(db, assessment, clock, [(1, 5), (5, 1)], simulated=True)  # left out
    page = client.get(f"/admin/assessments/{assessment.id}/items").get_data(as_text=True)
    section = page.split('id="rater-agreement"')[1]
    assert "ICC(1,1)" in section and "Shrout &amp; Fleiss, 1979" in section
    tone_row = section.split("<td>wr-1</td><td>Tone</td>")[1].split("</tr>")[0]
    assert ['0.88', '0.94', '2.0', '5', '3'] == [
        cell.split("<")[0] for cell in tone_row.split('<td class="num">')[1:]]

    download = client.get(f"/admin/assessments/{assessment.id}/rater-agreement.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True))))
    tone = [r for r in rows if r["criterion"] == "tone"]
    assert [(r["item"], r["icc_1_1"], r["icc_1_k"], r["responses"], r["raters"])
            for r in tone] == [("wr-1", "0.879", "0.935", "5", "3"),
                               ("(all written items)", "0.879", "0.935", "5", "3")]
    empathy = [r for r in rows if r["criterion"] == "empathy"][0]
    assert (empathy["icc_1_1"], empathy["enough"]) == ("", "yes")


def test_the_profile_shows_the_criterions_icc_for_the_assessment_where_known(
        client, auth, db, assessment, clock):
    attempt_id = rated_attempts(db, assessment, clock, TONE)[0]
    auth.login("hr")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    line = page.split('<p class="agreement">')[1].split("</p>")[0]
    assert "ICC(1,1) for one rater" in line and "Tone 0.88 / 0.94." in line
    assert "Empathy" not in line  # everyone gave 3: no ICC to show
    assert "5 responses rated by two or more raters; 3 raters in all." in line
    croatian = client.get(f"/attempts/{attempt_id}?lang=hr").get_data(as_text=True)
    line = croatian.split('<p class="agreement">')[1].split("</p>")[0]
    assert "Slaganje ocjenjivača na ovoj procjeni" in line and "Tone HR 0,88" in line
    with db() as session:
        assert session.get(Attempt, attempt_id).results["scales"]["writing"]["score"] is not None


def test_no_icc_line_below_the_minimum(client, auth, db, assessment, clock):
    attempt_id = rated_attempts(db, assessment, clock, TONE[:3])[0]
    auth.login("hr")
    page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'class="agreement"' not in page and "raters disagree" not in page
