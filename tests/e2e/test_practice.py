"""Practice in a real browser: every practice item answered and explained, then Start."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import yaml
from playwright.sync_api import Page, expect
from sqlmodel import select

from hiring.assessment import engine
from hiring.models import AttemptState, Response, utcnow
from tests.e2e.test_journey import BANK, EN, BrowserProblems, item_url
from tests.e2e.test_submit import in_database, invite

pytestmark = pytest.mark.e2e


def attempt_facts(server, invitation: str) -> dict:
    """Return the attempt's state, start, deadline and number of responses."""
    token = invitation.rsplit("/", 1)[1]

    def work(session):
        attempt = engine.find_by_token(token, session=session)
        count = len(session.exec(select(Response).where(
            Response.attempt_id == attempt.id)).all())
        return {"state": attempt.state, "started_at": attempt.started_at,
                "deadline_at": attempt.deadline_at, "responses": count}

    return in_database(server, work)


def check(page: Page, expected: str) -> None:
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator(".practice-feedback")).to_contain_text(expected)


def test_a_candidate_practises_every_kind_then_starts_the_clock(live_server, page):
    invitation = invite(live_server)
    problems = BrowserProblems(page.context)
    page.goto(invitation)
    page.get_by_role("link", name="Try the practice questions").click()
    expect(page).to_have_url(f"{invitation}/practice/1")
    expect(page.get_by_text("Practice — not scored.")).to_be_visible()
    expect(page.locator("#timer")).to_have_count(0)

    # A situation with the best/worst table of the scored items.
    page.get_by_role("radio", name=re.compile(r"^Most effective: Put him through")).check()
    page.get_by_role("radio", name=re.compile(r"^Least effective: Tell him")).check()
    check(page, "The most effective response here was: Use his name")
    page.get_by_role("link", name="Next practice question").click()

    # A calculation: the correct answer and how it is computed.
    page.get_by_label("Your answer").fill("18")
    check(page, "The correct answer is 18.00 EUR.")
    expect(page.locator(".practice-feedback")).to_contain_text("20.00 × 10 / 100")
    page.get_by_role("link", name="Next practice question").click()

    # Reading a note.
    page.get_by_role("radio", name="Tuesday after 14:00").check()
    check(page, "(correct: Tuesday after 14:00)")
    page.get_by_role("link", name="Next practice question").click()

    # The typing box: its own clock runs from the first key and stops at the end.
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    passage = next(item["passage"]["en"] for item in bank["practice"]
                   if item["type"] == "typing").strip()
    box = page.locator("#typing")
    box.press_sequentially(passage[:10])
    expect(page.locator("#typing-clock")).to_contain_text("s left")
    box.press_sequentially(passage[10:])
    expect(box).to_have_attribute("readonly", "")
    check(page, "accuracy 100%")

    facts = attempt_facts(live_server, invitation)
    assert facts == {"state": AttemptState.INVITED, "started_at": None,
                     "deadline_at": None, "responses": 0}

    page.get_by_role("link", name="Back to the start").click()
    expect(page).to_have_url(invitation)
    before = utcnow()
    page.get_by_role("button", name=EN.start).click()
    expect(page).to_have_url(item_url(invitation, 1))
    facts = attempt_facts(live_server, invitation)
    assert facts["state"] == AttemptState.IN_PROGRESS
    assert facts["started_at"] >= before - timedelta(seconds=1)
    assert facts["responses"] > 0
    assert problems.found == []


def test_the_practice_can_be_skipped(live_server, page):
    invitation = invite(live_server)
    page.goto(f"{invitation}/practice/1")
    page.get_by_role("link", name="Skip the practice").click()
    expect(page).to_have_url(invitation)
    page.get_by_role("button", name=EN.start).click()
    expect(page).to_have_url(item_url(invitation, 1))
