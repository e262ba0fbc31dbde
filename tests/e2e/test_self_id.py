"""The voluntary questions after submitting, in a browser: accessible, on a phone too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from hiring.assessment import engine, self_id
from hiring.db import session_scope
from hiring.models import Assessment, SelfIdentification, utcnow
from tests.e2e.a11y import expect_accessible
from tests.e2e.test_phone import PHONE, _app, expect_big_targets, expect_fits, screenshots

pytestmark = pytest.mark.e2e


def submitted_attempt(server, *, language: str, email: str) -> tuple[int, str]:
    """Ask every question on the demo assessment and submit an attempt of it."""
    app = _app(server)
    with session_scope(app) as session:
        assessment = session.exec(select(Assessment).where(
            Assessment.replaced_by_id == None)).first()  # noqa: E711 - SQL IS NULL
        self_id.set_questions(assessment, list(self_id.QUESTIONS), session=session,
                              actor="test", now=utcnow())
        attempt, token = engine.invite(assessment, session=session, name="Iva Kovač",
                                       email=email, language=language,
                                       expires_at=utcnow().replace(year=2099))
        engine.start(attempt, session=session, now=utcnow())
        engine.submit(attempt, session=session, now=utcnow())
        attempt_id = attempt.id
    app.extensions["hiring.engine"].dispose()
    return attempt_id, token


def answers(server, attempt_id: int) -> dict:
    app = _app(server)
    with session_scope(app) as session:
        found = {r.question: r.answer for r in session.exec(select(SelfIdentification).where(
            SelfIdentification.attempt_id == attempt_id))}
    app.extensions["hiring.engine"].dispose()
    return found


@pytest.mark.parametrize(("language", "options"), [
    ("en", {"Gender": "Woman", "Age": "35 to 44"}),
    ("hr", {"Rod": "Žena", "Dob": "35 do 44"})])
def test_the_form_is_accessible_and_fits_a_phone(live_server, new_context, language, options):
    attempt_id, token = submitted_attempt(live_server, language=language,
                                          email=f"self-id-{language}@example.com")
    for viewport in ({}, PHONE):
        page = new_context(**viewport).new_page()
        page.goto(f"{live_server.base_url}/a/{token}/done")
        expect_accessible(page, f"thank-you page ({language})")
        page.locator(f"a[href$='/a/{token}/about-you']").click()
        expect(page.locator("fieldset legend")).to_have_count(5)
        expect_accessible(page, f"self-identification ({language})")
        if viewport:
            expect_fits(page)
            expect_big_targets(page)
            if (shots := screenshots()) and language == "hr":
                page.screenshot(path=str(shots / "self-id-phone.png"), full_page=True)
    for legend, option in options.items():
        group = page.locator("fieldset", has=page.locator("legend", has_text=legend)).first
        group.get_by_label(option, exact=True).check()
    page.locator("button[type=submit]:not([name])").click()
    expect(page.locator("[role=status]")).to_be_visible()
    expect_fits(page)
    assert answers(live_server, attempt_id) == {
        "gender": "woman", "age_band": "35_44", "first_language": None, "disability": None,
        "accommodation": None}


def test_the_staff_pages_are_accessible(live_server, new_context):
    attempt_id, _token = submitted_attempt(live_server, language="en",
                                           email="self-id-staff@example.com")
    app = _app(live_server)
    with session_scope(app) as session:
        assessment_id = session.exec(select(Assessment.id).where(
            Assessment.replaced_by_id == None)).first()  # noqa: E711 - SQL IS NULL
    app.extensions["hiring.engine"].dispose()
    for viewport in ({}, PHONE):
        page = new_context(**viewport).new_page()
        page.goto(f"{live_server.base_url}/login")
        page.get_by_label("Email").fill("hr@example.com")
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
        page.goto(f"{live_server.base_url}/decisions/attempts/{attempt_id}")
        page.get_by_label("Stage", exact=True).select_option("interviewed")
        page.get_by_label("Note").fill("Second round booked")
        page.get_by_role("button", name="Record").click()
        expect(page.locator("table.list")).to_contain_text("Second round booked")
        expect_accessible(page, "decision")
        for path in (f"/decisions/assessments/{assessment_id}/stages",
                     f"/decisions/assessments/{assessment_id}/self-identification",
                     f"/admin/assessments/{assessment_id}?decision=interviewed"):
            page.goto(live_server.base_url + path)
            expect_accessible(page, path)
            if (shots := screenshots()) and not viewport and path.endswith("stages"):
                page.screenshot(path=str(shots / "decision-stages.png"), full_page=True)
            if viewport:
                expect_fits(page)
