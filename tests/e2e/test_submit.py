"""Submitting in a real browser: unanswered questions are named first; the clock submits."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from hiring.app import create_app
from hiring.assessment import engine
from hiring.cli.runs import DEFAULT_ASSESSMENT
from hiring.db import session_scope
from hiring.models import Assessment, EmailMessage, utcnow
from tests.e2e.test_journey import CANDIDATE, EN, BrowserProblems, answer_item, item_url

pytestmark = pytest.mark.e2e


def _app(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "submit", "TESTING": True},
                      instance_path=str(server.instance_path))


def in_database(server, work):
    """Run work(session) on the server's database and return what it returns."""
    app = _app(server)
    try:
        with session_scope(app) as session:
            return work(session)
    finally:
        app.extensions["hiring.engine"].dispose()


def invite(server) -> str:
    """Invite the demo candidate to the demo assessment, straight in the database."""

    def work(session):
        assessment = session.exec(select(Assessment).where(
            Assessment.key == DEFAULT_ASSESSMENT).order_by(col(Assessment.id).desc())).first()
        return engine.invite(assessment, session=session, name=CANDIDATE,
                             email="dana.demo@example.com",
                             expires_at=utcnow() + timedelta(days=1))[1]

    return f"{server.base_url}/a/{in_database(server, work)}"


def start(page: Page, invitation: str) -> int:
    """Start the assessment; return how many questions it has."""
    page.goto(invitation)
    page.get_by_role("button", name=EN.start).click()
    expect(page).to_have_url(item_url(invitation, 1))
    counter = page.get_by_text(re.compile(r"^Question 1 of (\d+)$"))
    return int(re.search(r"of (\d+)", counter.inner_text())[1])


def test_submitting_with_unanswered_questions_asks_first_and_names_how_many(
        live_server, page):
    invitation = invite(live_server)
    problems = BrowserProblems(page.context)
    total = start(page, invitation)
    page.goto(f"{invitation}/review")
    page.get_by_role("button", name=EN.submit).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Submit with unanswered questions?")
    expect(page.locator("p.warning")).to_have_text(
        f"{total} questions have no answer. Submit anyway?")

    # Back to the first unanswered question, answer it, and try again.
    page.get_by_role("link", name="Go to question 1", exact=True).click()
    expect(page).to_have_url(item_url(invitation, 1))
    answer_item(page, 1)
    page.get_by_role("button", name=EN.next, exact=True).click()
    expect(page).to_have_url(item_url(invitation, 2))
    page.goto(f"{invitation}/review")
    page.get_by_role("button", name=EN.submit).click()
    expect(page.locator("p.warning")).to_have_text(
        f"{total - 1} questions have no answer. Submit anyway?")
    page.get_by_role("link", name="Back to the review", exact=True).click()
    expect(page).to_have_url(f"{invitation}/review")
    page.get_by_role("button", name=EN.submit).click()
    page.get_by_role("button", name="Submit anyway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        EN.thank_you.format(name=CANDIDATE))
    assert problems.found == []


def test_when_the_time_runs_out_the_page_submits_and_says_so(live_server, page):
    invitation = invite(live_server)
    problems = BrowserProblems(page.context)
    start(page, invitation)
    token = invitation.rsplit("/", 1)[1]

    def run_out_soon(session):
        attempt = engine.find_by_token(token, session=session)
        attempt.deadline_at = utcnow() + timedelta(seconds=4)

    in_database(live_server, run_out_soon)
    page.reload()  # the timer now counts down the last seconds
    # The question's page goes to the review, which submits: nothing is asked.
    expect(page.get_by_role("heading", level=1)).to_have_text("Time is up", timeout=20_000)
    expect(page).to_have_url(f"{invitation}/done")
    expect(page.locator("main")).to_contain_text("submitted automatically")

    def ending(session):
        attempt = engine.find_by_token(token, session=session)
        kinds = session.exec(select(EmailMessage.kind).where(
            EmailMessage.attempt_id == attempt.id)).all()
        return attempt.ended_by, list(kinds)

    # The message is written after the commit, by the background worker: wait for it.
    deadline = time.monotonic() + 30
    while (found := in_database(live_server, ending))[1] == [] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert found == ("timer", ["time_up"])
    assert problems.found == []
