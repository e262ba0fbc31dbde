"""A Croatian candidate types a number that reads two ways and says which was meant."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import HR, BrowserProblems, open_invitation, start

pytestmark = pytest.mark.e2e


def find_math_item(page: Page, invitation: str, total: int) -> int:
    """Go to the first math item that asks for a plain number or money; return where."""
    for position in range(1, total + 1):
        page.goto(f"{invitation}/q/{position}")
        hint = page.locator("#value-hint")
        if hint.count() and "zarezom" in hint.inner_text():
            return position
    pytest.fail("the assessment has no math item")


def test_a_croatian_candidate_confirms_what_9_940_means(live_server, page: Page):
    invitation = live_server.invite()
    problems = BrowserProblems(page.context)
    open_invitation(page, invitation)
    page.get_by_role("link", name=HR.name).click()
    total = start(page, invitation, words=HR)
    position = find_math_item(page, invitation, total)
    expect(page.locator("#value-hint")).to_have_text(
        "Decimale odvojite zarezom, na primjer 1.234,50.")
    box = page.locator("input[name=value]")

    with page.expect_response(lambda r: r.url.endswith("/save")) as asked:
        box.fill("9.940")
    assert asked.value.json()["confirm"]["chosen"] is None
    question = page.locator("#number-confirm fieldset")
    # money shows two decimals (9940,00), never grouped as typed
    expect(question.locator("legend")).to_have_text(
        re.compile(r"^Jeste li mislili 9940(,00)? ili 9,94\?$"))
    expect(question.locator("input[value='9940']")).not_to_be_checked()
    # Moving on waits for the choice: the page stays and says why
    page.get_by_role("button", name=HR.next).click()
    expect(page.locator("#save-status")).to_have_text(
        "Prije nastavka odaberite koji ste broj mislili.")
    assert page.url == f"{invitation}/q/{position}"

    with page.expect_response(lambda r: r.url.endswith("/save")
                              and (r.request.post_data_json or {}).get("answer", {}).get(
                                  "reading") == "9.94") as chosen:
        question.get_by_label(re.compile(r"^\s*9,94$")).check()
    assert chosen.value.json()["confirm"]["chosen"] == "9.94"
    expect(page.locator("#save-status")).to_have_text(HR.saved)

    # Stored: the page drawn again by the server shows what was typed and the reading chosen
    page.reload()
    expect(box).to_have_value("9.940")
    expect(page.locator("#number-confirm input[value='9.94']")).to_be_checked()

    # Typing another number drops the question until the server asks again
    with page.expect_response(lambda r: r.url.endswith("/save")) as plain:
        box.fill("9940")
    assert plain.value.json()["confirm"] is None
    expect(page.locator("#number-confirm fieldset")).to_have_count(0)
    page.get_by_role("button", name=HR.next).click()
    expect(page).to_have_url(re.compile(
        re.escape(f"{invitation}/") + (f"q/{position + 1}$" if position < total else "review$")))
    assert problems.found == []
