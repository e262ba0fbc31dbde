"""The technical report page and PDF: HR only, the sections with their figures, aggregates
only (no candidate, no self-identification of a group under the suppression limit)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from datetime import timedelta

import pytest

from hiring.assessment import decisions, self_id
from hiring.assessment.simulate import invite_and_complete
from hiring.models import Assessment, Attempt, Outcome, SelfIdentification
from hiring.scoring.evidence import precision_for
from hiring.scoring.reliability import reliability_rows
from tests.domain.test_reports import pdf_objects

URL = "/admin/assessments/{}/technical-report"


def pdf_text(document: bytes, tmp_path) -> str:
    """Return the PDF's text with runs of whitespace (where the PDF wraps lines) as one space."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: ./dev test installs it")
    path = tmp_path / "technical.pdf"
    path.write_bytes(document)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    return " ".join(text.split())


@pytest.fixture
def with_data(db, assessment, clock):
    """24 completed attempts with an outcome each, gender asked (3 said "another": a group
    under the minimum cell), and a hiring decision each. Returns the candidates' e-mails."""
    with db() as session:
        self_id.set_questions(session.get(Assessment, assessment.id), ["gender"],
                              session=session, actor="hr", now=clock())
    rng = random.Random(5)
    plan = ["woman"] * 11 + ["man"] * 10 + ["another"] * 3
    emails = []
    with db() as session:
        for number, group in enumerate(plan):
            attempt = invite_and_complete(session.get(Assessment, assessment.id),
                                          session=session, now=clock() - timedelta(hours=1),
                                          rng=rng)
            attempt.simulated = False
            emails.append(attempt.candidate_email)
            session.add(Outcome(attempt_id=attempt.id, name="quality_90d",
                                value=float(number % 4), imported_at=clock(),
                                imported_by="hr@example.com"))
            session.add(SelfIdentification(attempt_id=attempt.id, question="gender",
                                           answer=group, recorded_at=clock()))
            session.flush()
            decisions.record(session.get(Attempt, attempt.id),
                             "hired" if number % 2 else "rejected", session=session,
                             actor="hr", now=clock())
    return emails


def test_the_report_page_has_every_section_with_its_figures(client, auth, db, assessment,
                                                             with_data):
    auth.login("hr")
    overview = client.get(f"/admin/assessments/{assessment.id}").get_data(as_text=True)
    assert URL.format(assessment.id) in overview
    response = client.get(URL.format(assessment.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in ("1. Content and its sources", "2. How the keys were set",
                    "3. Reliability and standard error of measurement",
                    "4. Norms and their groups", "5. Item statistics",
                    "6. Differences between language versions", "7. Adverse impact",
                    "8. Criterion validity"):
        assert heading in page
    with db() as session:
        rows = reliability_rows(precision_for(session.get(Assessment, assessment.id),
                                              session=session))
    judgement = next(row for row in rows if row.name == "judgement")
    assert f"{judgement.reliability:.2f}" in page and f"{judgement.sem:.1f}" in page
    assert "Based on 24 completed attempts." in page
    assert "hiring 0.1.0" in page or "hiring " in page
    assert "mini_bank.yaml" in page
    assert "quality_90d" in page and "Too few to conclude" in page
    assert "Selected: reached “Hired”" in page
    assert f"/admin/assessments/{assessment.id}/adverse-impact" in page
    assert "fewer than 5: suppressed" in page  # the 3 who said "another gender"
    # No total of the selected, from which the hidden group's would follow by subtraction.
    adverse = page[page.index('<section id="adverse">'):page.index('<section id="validity">')]
    assert not re.search(r"\b12\b", adverse)  # 12 of the 24 reached "hired"
    assert re.search(r">\s*11\s*<", adverse) and re.search(r">\s*5\s*<", adverse)
    assert not any(email in page for email in with_data)
    assert not any(email.split("@")[0] in page for email in with_data)


def test_an_assessment_without_data_says_so(client, auth, assessment):
    auth.login("hr")
    page = client.get(URL.format(assessment.id)).get_data(as_text=True)
    assert "Too few to conclude: item statistics need 20 completed attempts (now 0)." in page
    assert "No job outcomes have been imported" in page
    assert "No hiring decision has been recorded" in page
    assert "Based on 0 completed attempts." in page


def test_the_pdf_is_built_when_asked(client, auth, assessment, with_data, tmp_path):
    auth.login("hr")
    response = client.get(URL.format(assessment.id) + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "technical-report-" in response.headers["Content-Disposition"]
    document = response.get_data()
    objects = pdf_objects(document)  # tagged (PDF/UA-1), in the reader's language
    assert b"/StructTreeRoot" in objects and re.search(rb"/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(en\)", objects) and re.search(rb"/S\s*/Table\b", objects)
    text = pdf_text(document, tmp_path)
    assert "Technical report: Test assessment" in text
    assert "8. Criterion validity" in text and "quality_90d" in text
    assert "Based on 24 completed attempts." in text
    assert "fewer than 5: suppressed" in text
    assert "@" not in text  # no candidate's (nor anyone's) e-mail


def test_rebuild_builds_it_again(client, auth, assessment):
    auth.login("hr")
    response = client.post(URL.format(assessment.id))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        URL.format(assessment.id))
    page = client.get(URL.format(assessment.id)).get_data(as_text=True)
    assert "The report was built again from the data as of now." in page


@pytest.mark.parametrize("suffix", ["", ".pdf"])
def test_only_hr_reads_it(client, auth, assessment, suffix):
    url = URL.format(assessment.id) + suffix
    assert client.get(url).status_code == 302  # to the login page
    auth.login("interviewer")
    assert client.get(url).status_code == 403
    assert client.post(URL.format(assessment.id)).status_code == 403
    auth.logout()
    auth.login("hr")
    assert client.get(URL.format(assessment.id + 999) + suffix).status_code == 404


def test_in_croatian_the_page_and_the_pdf_are_translated(client, auth, assessment, with_data,
                                                         tmp_path):
    auth.login("hr")
    headers = {"Accept-Language": "hr"}
    page = client.get(URL.format(assessment.id), headers=headers).get_data(as_text=True)
    assert "Tehničko izvješće" in page and "8. Kriterijska valjanost" in page
    assert "Temelji se na 24 završena pokušaja." in page
    document = client.get(URL.format(assessment.id) + ".pdf", headers=headers).get_data()
    assert re.search(rb"/Lang\s*\(hr\)", pdf_objects(document))
    text = pdf_text(document, tmp_path)
    assert "Tehničko izvješće: Test assessment" in text
    assert "7. Nepovoljan učinak" in text and "manje od 5: skriveno" in text
