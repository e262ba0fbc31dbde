"""On a phone (375 x 740, touch): nothing wider than the screen, controls big enough to tap.

A candidate takes the whole demo assessment by tapping, and what was tapped is what the
database holds; the staff pages a recruiter opens on the way fit the screen too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from hiring.app import create_app
from hiring.assessment import engine
from hiring.assessment.recipes import create_assessment
from hiring.db import session_scope
from hiring.models import Assessment, Bank, Response, utcnow
from hiring.reports.chart import NARROW_FONT, NARROW_WIDTH
from tests.e2e.test_journey import (
    CANDIDATE,
    EN,
    NUMBER,
    REPLY,
    BrowserProblems,
    counter,
    item_url,
    open_invitation,
    type_passage,
)

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 740}, "has_touch": True, "is_mobile": True}
WIDTH = 375
MIN_TARGET = 44  # px, each side of anything a candidate taps
HR_LOGIN = ("hr@example.com", "demo-password")
ACCOUNT_SCREEN = "ch-overdue-invoice"  # the reading item whose stem holds a table
# What a candidate taps or types in: the target measured is the control's label, if any.
CONTROLS = ("main input:not([type=hidden]), main button, main a, main select, main textarea")
SMALL_TARGETS = """([selector, least]) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length)
  .map(e => { const box = (e.closest('label') || e).getBoundingClientRect();
              return [e.name || e.textContent.trim(), Math.round(box.width),
                      Math.round(box.height)]; })
  .filter(([, width, height]) => width < least || height < least)"""


def _app(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "phone", "TESTING": True},
                      instance_path=str(server.instance_path))


def screenshots() -> Path | None:
    folder = os.environ.get("HIRING_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def expect_fits(page: Page) -> None:
    """The page is no wider than the phone: nothing makes it scroll sideways."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width} px wide"


def expect_big_targets(page: Page) -> None:
    small = page.evaluate(SMALL_TARGETS, [CONTROLS, MIN_TARGET])
    assert small == [], f"targets under {MIN_TARGET} px at {page.url}: {small}"


def tap_and_check(page: Page, position: int) -> dict:
    """Answer the item on the page by tapping (typing where it is a text box)."""
    page.wait_for_load_state("domcontentloaded")
    if page.locator("textarea#typing").count():
        return type_passage(page)
    if page.locator("textarea[name=text]").count():
        page.locator("textarea[name=text]").tap()
        page.locator("textarea[name=text]").fill(REPLY)
        return {"text": REPLY}
    if page.locator("input[name=value]").count():
        page.locator("input[name=value]").tap()
        page.locator("input[name=value]").fill(NUMBER)
        return {"value": NUMBER}
    if page.locator("input[name=choice]").count():
        options = page.locator("label.option")
        option = options.nth(position % options.count())
        option.tap()
        value = option.locator("input").get_attribute("value")
        expect(option.locator("input")).to_be_checked()
        multiple = option.locator("input").get_attribute("type") == "checkbox"
        return {"choice": [value] if multiple else value}
    if page.locator("input[name=worst]").count():
        return tap_best_and_worst(page, position)
    options = page.locator("label.option")  # one most effective response
    option = options.nth(position % options.count())
    option.tap()
    expect(option.locator("input")).to_be_checked()
    return {"best": option.locator("input").get_attribute("value")}


def tap_best_and_worst(page: Page, position: int) -> dict:
    responses = page.locator("li.bw-response")
    count = responses.count()
    texts = [" ".join(text.split()) for text in responses.locator(".bw-text").all_inner_texts()]
    # Each choice is named with its response: a screen reader says which one it picks.
    for text in texts:
        expect(page.get_by_role("radio", name=f"Most effective: {text}", exact=True)
               ).to_have_count(1)
        expect(page.get_by_role("radio", name=f"Least effective: {text}", exact=True)
               ).to_have_count(1)
    # Tapping a response's text picks nothing.
    responses.nth(0).locator(".bw-text").tap()
    expect(page.locator("input[name=best]:checked, input[name=worst]:checked")).to_have_count(0)
    best, worst = position % count, (position + 2) % count
    page.locator("label.bw-choice").filter(
        has=page.get_by_role("radio", name=f"Most effective: {texts[best]}", exact=True)).tap()
    page.locator("label.bw-choice").filter(
        has=page.get_by_role("radio", name=f"Least effective: {texts[worst]}", exact=True)).tap()
    best_input = responses.nth(best).locator("input[name=best]")
    worst_input = responses.nth(worst).locator("input[name=worst]")
    expect(best_input).to_be_checked()
    expect(worst_input).to_be_checked()
    expect(page.locator("input[name=best]:checked, input[name=worst]:checked")).to_have_count(2)
    return {"best": best_input.get_attribute("value"),
            "worst": worst_input.get_attribute("value")}


def tap_button(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).tap()


def take_by_tapping(page: Page, invitation: str, *, shots: Path | None = None,
                    on_item=None) -> dict[int, dict]:
    """Take the assessment from its welcome page to the thank-you page by tapping."""
    open_invitation(page, invitation)
    expect_fits(page)
    expect_big_targets(page)
    tap_button(page, EN.start)
    expect(page).to_have_url(item_url(invitation, 1))
    first = re.compile("^" + counter(EN, 1, r"(\d+)") + "$")
    total = int(first.match(page.get_by_text(first).inner_text())[1])
    answers: dict[int, dict] = {}
    for position in range(1, total + 1):
        expect(page).to_have_url(item_url(invitation, position))
        expect(page.get_by_text(counter(EN, position, total), exact=True)).to_be_visible()
        expect_fits(page)
        expect_big_targets(page)
        if on_item:
            on_item(page)
        answers[position] = tap_and_check(page, position)
        expect_fits(page)
        if shots and "worst" in answers[position] and not (shots / "phone-item.png").exists():
            page.screenshot(path=shots / "phone-item.png", full_page=True)
        tap_button(page, EN.next if position < total else EN.review)
    expect(page).to_have_url(f"{invitation}/review")
    expect(page.get_by_text(EN.all_answered)).to_be_visible()
    expect_fits(page)
    expect_big_targets(page)
    if shots:
        page.screenshot(path=shots / "phone-review.png", full_page=True)
    tap_button(page, EN.submit)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        EN.thank_you.format(name=CANDIDATE))
    expect_fits(page)
    return answers


def log_in_hr(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(HR_LOGIN[0])
    page.get_by_label("Password").fill(HR_LOGIN[1])
    page.get_by_role("button", name="Log in").tap()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()


def expect_menu_in_its_bar(page: Page) -> None:
    """Every menu item lies inside the dark bar and the screen, in white on the bar."""
    bar = page.locator("header.topbar").bounding_box()
    for link in page.locator("header.topbar nav a").all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, link.inner_text()
        assert box["y"] >= bar["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"], \
            link.inner_text()
        assert box["height"] >= MIN_TARGET, link.inner_text()


def test_a_candidate_takes_the_assessment_on_a_phone_by_tapping(live_server, new_context):
    shots = screenshots()
    for name in ("phone-item", "phone-review", "phone-pipeline", "phone-profile"):
        if shots:
            (shots / f"{name}.png").unlink(missing_ok=True)
    invitation = live_server.invite()
    page = new_context(**PHONE).new_page()
    problems = BrowserProblems(page.context)
    answers = take_by_tapping(page, invitation, shots=shots)
    assert problems.found == []
    assert any("worst" in answer for answer in answers.values())
    assert any("best" in answer and "worst" not in answer for answer in answers.values())

    # What was tapped is what was stored.
    app = _app(live_server)
    with session_scope(app) as session:
        attempt = engine.find_by_token(invitation.rsplit("/", 1)[1], session=session)
        attempt_id, assessment_id = attempt.id, attempt.assessment_id
        bank_id = session.get(Assessment, assessment_id).bank_id
        stored = {response.position: response.answer for response in session.exec(
            select(Response).where(Response.attempt_id == attempt.id))}
    app.extensions["hiring.engine"].dispose()
    for position, answer in answers.items():
        if set(answer) & {"best", "worst", "choice"}:
            expected = dict(answer)
            if isinstance(expected.get("choice"), str):
                expected["choice"] = [expected["choice"]]
            assert stored[position] == expected, position

    # The staff pages on the same phone.
    staff = new_context(**PHONE).new_page()
    staff_problems = BrowserProblems(staff.context)
    log_in_hr(staff, live_server.base_url)
    pages = {
        "dashboard": "/admin/",
        "pipeline": f"/admin/assessments/{assessment_id}",
        "sample draw": f"/admin/assessments/{assessment_id}/preview",
        "versions": f"/admin/assessments/{assessment_id}/versions",
        "item health": f"/admin/assessments/{assessment_id}/items",
        "item editor": f"/admin/banks/{bank_id}/items/{ACCOUNT_SCREEN}/edit",
        "item preview": f"/admin/banks/{bank_id}/items/{ACCOUNT_SCREEN}/preview",
        "attempts": "/attempts/",
        "profile": f"/attempts/{attempt_id}",
    }
    for name, path in pages.items():
        staff.goto(live_server.base_url + path)
        expect(staff.locator("main h1")).to_be_visible()
        expect_fits(staff)
        expect_menu_in_its_bar(staff)
        if name == "pipeline" and shots:
            staff.screenshot(path=shots / "phone-pipeline.png", full_page=True)
        if name == "item preview":
            expect(staff.locator(".screen-table th[scope=row]")).to_have_count(4)
        if name == "profile":
            # The chart in its narrow layout, as wide as the card: words of 10 px or more.
            expect(staff.locator(".profile .chart svg.scorebars:not(.narrow)")).to_be_hidden()
            chart = staff.locator(".profile .chart svg.narrow").bounding_box()
            assert chart["x"] >= 0 and chart["x"] + chart["width"] <= WIDTH, chart
            assert chart["width"] / NARROW_WIDTH * NARROW_FONT >= 10, chart
            facts = staff.locator(".profile .facts").bounding_box()
            assert facts["x"] + facts["width"] <= WIDTH
            for fact in staff.locator(".profile .facts dd").all():
                box = fact.bounding_box()
                assert box["x"] + box["width"] <= facts["x"] + facts["width"] + 1
            if shots:
                staff.locator(".profile .page-one").screenshot(
                    path=shots / "phone-profile.png")
    assert staff_problems.found == []
    if shots:
        for name in ("phone-item", "phone-review", "phone-pipeline", "phone-profile"):
            assert (shots / f"{name}.png").stat().st_size > 10_000, name


def test_the_account_screen_is_a_table_that_fits_a_phone(live_server, new_context):
    """The reading items (the account screen among them) as a candidate sees them."""
    app = _app(live_server)
    with session_scope(app) as session:
        bank = session.exec(select(Bank)).first()
        assessment = create_assessment(
            session=session, bank=bank, name="Customer Service reading on a phone",
            time_limit_minutes=30,
            sections=[{"title": "Reading", "type": "choice", "count": 4}])
        _attempt, token = engine.invite(assessment, session=session, name=CANDIDATE,
                                        email="phone@example.com",
                                        expires_at=utcnow().replace(year=2099))
    app.extensions["hiring.engine"].dispose()
    invitation = f"{live_server.base_url}/a/{token}"
    tables = []

    def check_table(page: Page) -> None:
        if not page.locator(".screen-table").count():
            return
        table = page.locator(".screen-table table")
        expect(table.get_by_role("rowheader")).to_have_count(4)
        expect(table.get_by_role("rowheader").first).to_have_text("R-0112")
        expect(table.get_by_role("cell")).to_have_count(16)
        expect(page.locator(".item .stem")).not_to_contain_text(" | ")
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
        tables.append(page.url)

    page = new_context(**PHONE).new_page()
    answers = take_by_tapping(page, invitation, on_item=check_table)
    assert len(answers) == 4
    assert len(tables) == 1, "the account-screen item was not among the reading items"
