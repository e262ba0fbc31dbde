"""The adverse-impact report in a browser, on simulated data with a planted difference."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from hiring.assessment import engine, simulate_decisions
from hiring.db import session_scope
from hiring.models import Assessment, AttemptState, utcnow
from tests.e2e.a11y import expect_accessible
from tests.e2e.test_phone import PHONE, _app, expect_fits, screenshots

pytestmark = pytest.mark.e2e


def simulated(server, *, count: int, impact: float, seed: int) -> int:
    """Add completed simulated attempts to the demo assessment, with genders and hiring
    decisions planted as `hiring simulate --impact` does; return the assessment's id."""
    app = _app(server)
    rng = random.Random(seed)
    with session_scope(app) as session:
        assessment = session.exec(select(Assessment).where(
            Assessment.replaced_by_id == None)).first()  # noqa: E711 - SQL IS NULL
        now = utcnow()
        simulate_decisions.ask_gender(assessment, session=session, now=now)
        for i in range(count):
            attempt, _ = engine.invite(assessment, session=session, name=f"Sim {i}",
                                       email=f"sim{i}@example.com", language="hr",
                                       expires_at=now + timedelta(days=14))
            attempt.simulated = True
            attempt.state = AttemptState.SCORED
            attempt.started_at = attempt.submitted_at = now - timedelta(hours=1)
            session.add(attempt)
            session.flush()
            simulate_decisions.plant(attempt, assessment, session=session, now=now, rng=rng,
                                     impact=impact)
        assessment_id = assessment.id
    app.extensions["hiring.engine"].dispose()
    return assessment_id


def test_the_report_is_accessible_and_flags_a_planted_difference(live_server, new_context):
    assessment_id = simulated(live_server, count=300, impact=0.7, seed=7)
    for viewport in ({}, PHONE):
        page = new_context(**viewport).new_page()
        page.goto(f"{live_server.base_url}/login")
        page.get_by_label("Email").fill("hr@example.com")
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
        page.goto(f"{live_server.base_url}/admin/assessments/{assessment_id}")
        page.get_by_role("link", name="Adverse impact").click()
        page.get_by_label("Stage", exact=True).select_option("hired")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("h2", has_text="Selected: reached “Hired”")).to_be_visible()
        expect(page.locator("tr.flagged")).to_contain_text("below four-fifths")
        expect(page.locator("main")).to_contain_text("a demonstration")
        expect_accessible(page, "adverse impact")
        if viewport:
            expect_fits(page)
        elif shots := screenshots():
            page.screenshot(path=str(shots / "adverse-impact.png"), full_page=True)
