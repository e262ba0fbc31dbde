"""HR turns the feedback report on and releases it; the candidate opens the link from the
outbox on a phone, in Croatian, and downloads the PDF."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from hiring.assessment import engine
from hiring.cli.runs import DEFAULT_ASSESSMENT
from hiring.models import Assessment, utcnow
from tests.e2e.a11y import FAILING, axe_violations, describe
from tests.e2e.test_bulk_outbox import log_in
from tests.e2e.test_journey import BrowserProblems
from tests.e2e.test_submit import in_database

pytestmark = pytest.mark.e2e

NAME, EMAIL = "Nika Feedback", "nika.feedback@example.com"


def submitted_attempt(server) -> str:
    """A Croatian candidate who started and submitted the demo assessment; return the
    assessment's pipeline path."""

    def work(session):
        assessment = session.exec(select(Assessment).where(
            Assessment.key == DEFAULT_ASSESSMENT).order_by(col(Assessment.id).desc())).first()
        attempt, _ = engine.invite(assessment, session=session, name=NAME, email=EMAIL,
                                   expires_at=utcnow() + timedelta(days=1), language="hr")
        engine.start(attempt, session=session, now=utcnow())
        engine.save_answer(attempt, 1, {"best": "a"}, session=session, now=utcnow(), seq=1)
        engine.submit(attempt, session=session, now=utcnow())
        return f"/admin/assessments/{assessment.id}"

    return in_database(server, work)


def test_hr_releases_and_the_candidate_reads_and_downloads_it(live_server, new_context):
    pipeline = submitted_attempt(live_server)
    staff = new_context()
    problems = BrowserProblems(staff)
    page = staff.new_page()
    log_in(page, live_server.base_url)
    page.goto(live_server.base_url + pipeline)
    page.get_by_role("link", name="Candidate feedback").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Candidate feedback")
    expect(page.get_by_text("Candidate feedback is off.")).to_be_visible()
    page.get_by_label("Offer candidates of this assessment a feedback report").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Candidate feedback is on: release it")).to_be_visible()
    page.get_by_label(f"Release to {NAME}").check()
    page.get_by_role("button", name="Release to the ticked candidates").click()
    expect(page.get_by_text("Feedback released: 1 e-mail in the outbox.")).to_be_visible()
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING]
    assert failing == [], describe(failing, "HR's feedback page")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Candidate feedback: {NAME}")
    expect(page.get_by_role("button", name="Re-send with a new link")).to_be_visible()
    failing = [v for v in axe_violations(page) if v["impact"] in FAILING]
    assert failing == [], describe(failing, "HR's feedback page of an attempt")

    page.goto(f"{live_server.base_url}/admin/mail/outbox")
    entry = page.locator("table.outbox tbody tr", has_text=EMAIL).filter(has_text="feedback")
    expect(entry).to_have_count(1)
    entry.get_by_role("link").click()
    body = page.locator("pre.message-body").inner_text()
    found = re.search(re.escape(live_server.base_url) + r"/f/[\w-]+", body)
    assert found, body
    assert problems.found == []

    phone = new_context(viewport={"width": 375, "height": 740})
    candidate = phone.new_page()
    candidate.goto(found[0])
    expect(candidate.get_by_role("heading", level=1)).to_contain_text(
        "Vaša povratna informacija")
    expect(candidate.locator("html")).to_have_attribute("lang", "hr")
    assert candidate.evaluate("document.documentElement.scrollWidth") <= 375
    failing = [v for v in axe_violations(candidate) if v["impact"] in FAILING]
    assert failing == [], describe(failing, "the feedback page at 375 px")
    if os.environ.get("HIRING_SCREENSHOTS"):
        shots = Path(os.environ["HIRING_SCREENSHOTS"])
        shots.mkdir(parents=True, exist_ok=True)
        candidate.screenshot(path=str(shots / "feedback-phone.png"), full_page=True)
    with candidate.expect_download() as download:
        candidate.get_by_role("link", name="Preuzmite izvješće (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    wrong = phone.new_page()
    response = wrong.goto(f"{live_server.base_url}/f/not-a-real-feedback-token")
    assert response.status == 404
    expect(wrong.get_by_role("heading", level=1)).to_be_visible()
    failing = [v for v in axe_violations(wrong) if v["impact"] in FAILING]
    assert failing == [], describe(failing, "a wrong feedback link at 375 px")
