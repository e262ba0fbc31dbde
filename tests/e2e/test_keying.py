"""Three experts key an item in Chromium through their links; HR adopts the panel's key in
the browser; a new attempt is scored with it while an earlier one keeps its score."""

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
from hiring.banks.importer import import_bank
from hiring.banks.loader import load_path
from hiring.db import session_scope
from hiring.models import Attempt, Bank, ItemRevision, Response, utcnow
from tests.e2e.test_item_editor import HR_LOGIN, log_in, start
from tests.e2e.test_journey import BrowserProblems

pytestmark = pytest.mark.e2e

MINI_BANK = Path(__file__).resolve().parents[1] / "data" / "mini_bank.yaml"
# What each expert thinks of the options of sjt-1 (keyed a5 b3 c2 d1): b is best.
SJT1 = [{"a": 3, "b": 5, "c": 2, "d": 1}, {"a": 3, "b": 5, "c": 1, "d": 1},
        {"a": 4, "b": 5, "c": 2, "d": 1}]
SJT2 = {"a": 5, "b": 3, "c": 2, "d": 1}
EXPERTS = [("Lea Lead", "lea@example.com", "English"),
           ("Iva Agentica", "iva@example.com", "Hrvatski"),
           ("Tom Trainer", "tom@example.com", "English")]


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    return {"HIRING_KEYING_MIN_PANEL": "3"}


def app_for(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "keying", "TESTING": True},
                      instance_path=str(server.instance_path))


def set_up(server) -> tuple[int, dict[str, str]]:
    """Import the mini bank with an assessment of its four SJT items; invite two
    candidates; return the bank id and their links."""
    app = app_for(server)
    with session_scope(app) as session:
        import_bank(load_path(MINI_BANK), session=session)
        bank = session.exec(select(Bank).where(Bank.slug == "mini")).one()
        assessment = create_assessment(
            session=session, bank=bank, name="Keying check", shuffle=False,
            sections=[{"title": "Situations", "type": "sjt", "count": 4}])
        links = {name: f"{server.base_url}/a/" + engine.invite(
            assessment, session=session, name=name, email=f"{name.split()[0].lower()}@x.org",
            expires_at=utcnow().replace(year=2099))[1]
            for name in ("Ana Before", "Ivo After")}
        bank_id = bank.id
    app.extensions["hiring.engine"].dispose()
    return bank_id, links


def sjt1_scores(server) -> dict[str, tuple[int, float]]:
    """Return candidate -> (revision number, score) of their sjt-1 response."""
    app = app_for(server)
    with session_scope(app) as session:
        rows = session.exec(
            select(Attempt.candidate_name, ItemRevision.number, ItemRevision.content,
                   Response.score)
            .join(Response, Response.attempt_id == Attempt.id)
            .join(ItemRevision, ItemRevision.id == Response.revision_id)).all()
    app.extensions["hiring.engine"].dispose()
    return {name: (number, score) for name, number, content, score in rows
            if content["id"] == "sjt-1"}


def take_choosing_b(page: Page, link: str) -> None:
    """Take the four-item assessment choosing option b everywhere, and submit."""
    start(page, link)
    for position in range(1, 5):
        expect(page).to_have_url(f"{link}/q/{position}")
        page.locator("input[name=best][value=b]").check()
        page.get_by_role("button", name="Next" if position < 4 else "Review and submit",
                         exact=True).click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")


def rate(page: Page, ratings: dict[str, int], saved: str) -> None:
    """Click each option's rating as a person would (on its label); wait for the autosave."""
    for option, value in ratings.items():
        group = page.locator(f"fieldset.rating[data-option='{option}']")
        group.locator("label.point").filter(has=page.locator(f"input[value='{value}']")).click()
        expect(group.locator(f"input[value='{value}']")).to_be_checked()
    expect(page.locator("#save-status")).to_have_text(saved)


def test_a_panel_keys_an_item_and_new_attempts_get_its_key(live_server, new_context):
    base = live_server.base_url
    bank_id, links = set_up(live_server)
    shots = os.environ.get("HIRING_SCREENSHOTS")
    problems = []

    before = new_context().new_page()  # a candidate who takes it before the panel
    problems.append(BrowserProblems(before.context))
    take_choosing_b(before, links["Ana Before"])
    assert sjt1_scores(live_server)["Ana Before"] == (1, 0.5)  # b was keyed 3

    hr = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    problems.append(BrowserProblems(hr.context))
    log_in(hr, base, HR_LOGIN)
    hr.goto(f"{base}/admin/banks/{bank_id}")
    hr.get_by_role("link", name="Keying rounds").click()
    hr.get_by_role("link", name="New round").click()
    hr.get_by_label("Name of the round").fill("Browser panel")
    for key in ("sjt-3", "sjt-4"):
        hr.locator(f"input[name=items][value='{key}']").uncheck()
    hr.get_by_role("button", name="Open the round").click()
    expect(hr.get_by_role("status").first).to_contain_text("opened with 2 items")

    expert_links = []
    for name, email, language in EXPERTS:
        hr.get_by_label("Expert's name").fill(name)
        hr.get_by_label("Email").fill(email)
        hr.get_by_label("Language").select_option(label=language)
        hr.get_by_role("button", name="Invite", exact=True).click()
        expect(hr.locator(".flash")).to_contain_text(f"{name} is invited; 1 e-mail in the outbox")
        expert_links.append(hr.locator("#invite-link").input_value())
    assert all(re.fullmatch(rf"{re.escape(base)}/k/\S+", link) for link in expert_links)

    for index, link in enumerate(expert_links):
        croatian = EXPERTS[index][2] == "Hrvatski"
        context = new_context(viewport={"width": 375, "height": 812} if croatian else
                              {"width": 1280, "height": 900})
        expert = context.new_page()
        problems.append(BrowserProblems(context))
        expert.goto(link)
        expert.get_by_role("link", name="Započni" if croatian else "Start").click()
        expect(expert).to_have_url(f"{link}/i/1")
        if croatian:
            expect(expert.locator("p.stem")).to_have_text("Situacija 1 na hrvatskom.")
            expect(expert.locator("fieldset.rating legend").first).to_contain_text(
                "Opcija a od 1")
        rate(expert, SJT1[index], "Spremljeno" if croatian else "Saved")
        expect(expert.locator("#rated-count")).to_contain_text("1 od 2" if croatian
                                                               else "1 of 2")
        if croatian and shots:
            expert.screenshot(path=Path(shots) / "keying-expert-375.png", full_page=True)
        if index == 1:  # the page closed mid-way: the link resumes where they were
            expert.goto(link)
            expert.get_by_role("link", name="Nastavi").click()
            expect(expert).to_have_url(f"{link}/i/1")
            expect(expert.locator("fieldset.rating[data-option='b'] input[value='5']")
                   ).to_be_checked()
        expert.get_by_role("button", name="Dalje" if croatian else "Next").click()
        expect(expert).to_have_url(f"{link}/i/2")
        rate(expert, SJT2, "Spremljeno" if croatian else "Saved")
        expert.get_by_role("button", name="Završi" if croatian else "Finish").click()
        expert.get_by_role("button", name="Završio/završila sam" if croatian
                           else "I have finished").click()
        expect(expert.get_by_role("heading", level=1)).to_contain_text(
            "Hvala" if croatian else "Thank you")

    round_url = hr.url  # the invitations were posted to the round's page: open it afresh
    hr.goto(round_url)
    sjt1 = hr.locator("#item-sjt-1")
    expect(sjt1).to_contain_text("panel's best differs from the key")
    expect(sjt1).to_contain_text("3 of 3 experts rated every response")
    expect(hr.locator("table.experts")).to_contain_text("2 of 2")
    if shots:
        hr.screenshot(path=Path(shots) / "keying-results.png", full_page=True)
    sjt1.get_by_label("Adopt the panel's key").check()
    hr.get_by_role("button", name="Adopt the panel's key for the ticked items…").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Adopt the panel's keys")
    hr.get_by_label("Yes, make these the items' keys").check()
    hr.get_by_role("button", name="Adopt the keys").click()
    expect(hr.locator(".flash")).to_contain_text("Adopted the panel's keys: sjt-1")

    hr.goto(f"{base}/admin/banks/{bank_id}/items/sjt-1")
    expect(hr.locator("p.key-source")).to_contain_text("keyed by a panel of 3 experts "
                                                       "(round Browser panel")
    expect(hr.locator("table.history")).to_contain_text(HR_LOGIN[0])

    after = new_context().new_page()
    problems.append(BrowserProblems(after.context))
    take_choosing_b(after, links["Ivo After"])
    scores = sjt1_scores(live_server)
    assert scores["Ivo After"] == (2, 1.0)  # the panel keyed b 5
    assert scores["Ana Before"] == (1, 0.5)  # the earlier attempt keeps its key and score

    for found in problems:
        assert found.found == []
