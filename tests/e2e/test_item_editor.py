"""HR edits an item in the browser: started attempts keep what they saw, new ones get the edit."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from hiring import rights
from hiring.app import create_app
from hiring.assessment import engine
from hiring.assessment.recipes import create_assessment
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_path
from hiring.db import session_scope
from hiring.models import Bank, User, utcnow
from tests.e2e.test_journey import BrowserProblems

pytestmark = pytest.mark.e2e

MINI_BANK = Path(__file__).resolve().parents[1] / "data" / "mini_bank.yaml"
HR_LOGIN = ("hr@example.com", "demo-password")
INTERVIEWER_LOGIN = ("interviewer@example.com", "demo-password")
STEM = "Situation 1 in English."
OLD_TEXT = "Option a of 1"
NEW_TEXT = "Option a of 1, offered with a callback the same day"


def set_up(server) -> tuple[int, dict[str, str]]:
    """Import the mini bank into the server's database, with an assessment that draws all
    four of its SJT items, and invite two candidates; return the bank id and the links."""
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "item-editor", "TESTING": True},
                     instance_path=str(server.instance_path))
    with session_scope(app) as session:
        import_bank(load_path(MINI_BANK), session=session)
        bank = session.exec(select(Bank).where(Bank.slug == "mini")).one()
        assessment = create_assessment(
            session=session, bank=bank, name="Item editor check", shuffle=False,
            sections=[{"title": "Situations", "type": "sjt", "count": 4}])
        # HR assigns the demo interviewer, who sees only assigned assessments (hiring.rights)
        interviewer = session.exec(select(User).where(User.email == INTERVIEWER_LOGIN[0])).one()
        rights.assign(interviewer, rights.assignments_of(interviewer.id, session=session)
                      | {assessment.id}, session=session)
        links = {name: f"{server.base_url}/a/" + engine.invite(
            assessment, session=session, name=name, email=f"{name.split()[0].lower()}@x.org",
            expires_at=utcnow().replace(year=2099))[1]
            for name in ("Ana Before", "Ivo After")}
        bank_id = bank.id
    app.extensions["hiring.engine"].dispose()
    return bank_id, links


def log_in(page: Page, base_url: str, login: tuple[str, str]) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(login[0])
    page.get_by_label("Password").fill(login[1])
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def start(page: Page, link: str) -> None:
    page.goto(link)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(f"{link}/q/1")


def take_and_find(page: Page, link: str, expected: str) -> None:
    """Answer the four items (the edited one with option a); check the edited one's text."""
    seen = False
    for position in range(1, 5):
        expect(page).to_have_url(f"{link}/q/{position}")
        if page.locator("p.stem").inner_text() == STEM:
            # found by its id: each attempt shows the options in an order of its own
            option_a = page.locator("label.option", has=page.locator("input[value=a]"))
            expect(option_a).to_have_text(expected)  # all of it
            seen = True
        page.locator("input[name=best][value=a]").check()
        if page.locator("input[name=worst]").count():
            page.locator("input[name=worst][value=d]").check()
        forward = "Next" if position < 4 else "Review and submit"
        page.get_by_role("button", name=forward, exact=True).click()
    expect(page).to_have_url(f"{link}/review")
    assert seen, "the edited item was not drawn"


def test_an_edit_reaches_new_attempts_and_spares_started_ones(live_server, new_context):
    base = live_server.base_url
    bank_id, links = set_up(live_server)
    shots = os.environ.get("HIRING_SCREENSHOTS")
    problems = []

    before = new_context().new_page()
    problems.append(BrowserProblems(before.context))
    start(before, links["Ana Before"])  # drawn before the edit

    hr = new_context(viewport={"width": 1280, "height": 1400}).new_page()
    problems.append(BrowserProblems(hr.context))
    log_in(hr, base, HR_LOGIN)
    hr.goto(f"{base}/admin/banks/{bank_id}")
    hr.get_by_role("link", name="sjt-1").click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("sjt-1")
    hr.get_by_role("link", name="Edit", exact=True).click()
    option = hr.locator("textarea[name='options.0.text.en']")
    expect(option).to_have_value(OLD_TEXT)
    option.fill(NEW_TEXT)
    if shots:
        hr.evaluate("window.scrollTo(0, 0)")
        hr.screenshot(path=Path(shots) / "item-editor.png")
    hr.get_by_role("button", name="Save", exact=True).click()
    expect(hr.get_by_role("status")).to_have_text("Saved as revision 2.")
    expect(hr.locator("table.history")).to_contain_text("Changed options.0.text.en")
    expect(hr.locator("table.history")).to_contain_text(HR_LOGIN[0])

    hr.get_by_role("link", name="Compare the previous revision with the current one").click()
    changed = hr.locator("table.diff tr").filter(has_text="options.0.text.en")
    expect(changed.locator("td.old")).to_have_text(OLD_TEXT)
    expect(changed.locator("td.new")).to_have_text(NEW_TEXT)
    expect(changed.locator("td.new ins")).to_have_text("1, offered with a callback the same day")
    if shots:
        hr.set_viewport_size({"width": 1280, "height": 560})
        hr.screenshot(path=Path(shots) / "item-diff.png", full_page=True)

    # The attempt started before the edit still shows, and records, the old text.
    take_and_find(before, links["Ana Before"], OLD_TEXT)
    before.get_by_role("button", name="Submit my answers").click()
    expect(before.get_by_role("heading", level=1)).to_have_text("Thank you, Ana Before")

    interviewer = new_context().new_page()
    problems.append(BrowserProblems(interviewer.context))
    log_in(interviewer, base, INTERVIEWER_LOGIN)
    interviewer.goto(f"{base}/attempts/")
    interviewer.get_by_role("row").filter(has_text="Ana Before").get_by_role(
        "link", name="Ana Before").click()
    expect(interviewer.get_by_role("heading", level=1)).to_have_text("Ana Before")
    interviewer.locator("details.all-answers summary").click()
    edited = interviewer.locator("article.answer").filter(has_text=STEM)
    expect(edited).to_contain_text(f"Answer: best: {OLD_TEXT}")
    expect(edited).not_to_contain_text(NEW_TEXT)

    # An attempt started after the edit gets the new text.
    after = new_context().new_page()
    problems.append(BrowserProblems(after.context))
    start(after, links["Ivo After"])
    take_and_find(after, links["Ivo After"], NEW_TEXT)

    # The Croatian preview is the candidate's page in Croatian, read-only.
    hr.goto(f"{base}/admin/banks/{bank_id}/items/sjt-1")
    hr.get_by_role("link", name="Preview", exact=True).click()
    hr.get_by_role("link", name="Hrvatski").click()
    frame = hr.locator(".candidate-preview")
    expect(frame).to_have_attribute("lang", "hr")
    expect(frame.locator("p.stem")).to_have_text("Situacija 1 na hrvatskom.")
    expect(frame.get_by_role("button", name="Dalje")).to_be_disabled()
    expect(frame.locator("input[name=best]").first).to_be_disabled()
    # HR reads the options in the bank's order, whatever order attempts show them in
    expect(frame.locator("label.option")).to_have_text(
        [f"Opcija {option} od 1" for option in "abcd"])

    for found in problems:
        assert found.found == []
