"""A candidate who uses only the keyboard takes the whole assessment; a screen reader hears
the time left without the ticking clock."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import expect_accessible
from tests.e2e.test_journey import CANDIDATE, EN, NUMBER, REPLY, BrowserProblems, item_url

pytestmark = pytest.mark.e2e

FOCUSED = """() => { const el = document.activeElement;
  if (!el || el === document.body) return "";
  return el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : "")
    + (el.value && el.tagName === "BUTTON" ? "[value=" + el.value + "]" : "")
    + " " + (el.innerText || "").trim(); }"""


def tab_to(page: Page, selector: str, *, back: bool = False, limit: int = 60) -> list[str]:
    """Press Tab (Shift+Tab) until the focus is on `selector`; return what was focused."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        seen.append(page.evaluate(FOCUSED))
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return seen
    pytest.fail(f"{selector} never got the focus at {page.url}; focused: {seen}")


def answer_with_keys(page: Page, position: int) -> None:
    """Answer the item shown with keys only."""
    page.wait_for_load_state("load")
    if page.locator("textarea#typing").count():
        tab_to(page, "textarea#typing")
        page.keyboard.type("Dear customer, thank you")
        return  # saved by the form's post: the exercise saves only when it ends
    elif page.locator("textarea[name=text]").count():
        tab_to(page, "textarea[name=text]")
        page.keyboard.type(REPLY)
    elif page.locator("input[name=value]").count():
        tab_to(page, "input[name=value]")
        page.keyboard.type(NUMBER)
    elif page.locator("input[name=choice]").count():
        tab_to(page, "input[name=choice]")
        page.keyboard.press("Space")
        expect(page.locator("input[name=choice]:checked")).to_have_count(1)
    elif page.locator("input[name=worst]").count():
        tab_to(page, "input[name=best]")
        page.keyboard.press("Space")  # the first response is the most effective
        tab_to(page, "input[name=worst]")
        page.keyboard.press("ArrowDown")  # the second one the least effective
        expect(page.locator("input[name=best]").first).to_be_checked()
        expect(page.locator("input[name=worst]").nth(1)).to_be_checked()
    else:
        tab_to(page, "input[name=best]")
        page.keyboard.press("ArrowDown")  # moving in the group chooses
        expect(page.locator("input[name=best]:checked")).to_have_count(1)
    expect(page.locator("#save-status")).to_have_text(EN.saved)


def test_a_keyboard_takes_the_whole_assessment(live_server, page):
    invitation = live_server.invite()
    problems = BrowserProblems(page.context)
    page.goto(invitation)
    tab_to(page, "button.primary")
    page.keyboard.press("Enter")
    expect(page).to_have_url(item_url(invitation, 1))
    total = int(re.search(r"of (\d+)", page.locator("h1.count").inner_text())[1])

    for position in range(1, total + 1):
        expect(page).to_have_url(item_url(invitation, position))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Question {position} of {total}")
        answer_with_keys(page, position)
        forward = "review" if position == total else "next"
        if page.locator("input#value").count():
            # Enter in a field moves on, even though Previous comes first.
            page.keyboard.press("Enter")
            continue
        seen = tab_to(page, f"button[value={forward}]")
        if position > 1:
            # Previous is drawn before Next, and reached before it.
            assert any(focused.startswith("button[name=go][value=prev]") for focused in seen), seen
            tab_to(page, "button[value=prev]", back=True, limit=1)
            page.keyboard.press("Tab")
        page.keyboard.press("Enter")

    expect(page).to_have_url(f"{invitation}/review")
    expect(page.get_by_text(EN.all_answered)).to_be_visible()
    tab_to(page, "form[action$='/submit'] button")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{invitation}/done")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Thank you, {CANDIDATE}")
    assert problems.found == []


def test_the_time_left_is_announced_politely(live_server, page):
    invitation = live_server.invite()
    page.clock.install()
    page.goto(invitation)
    page.get_by_role("button", name=EN.start).click()
    expect(page).to_have_url(item_url(invitation, 1))
    # The page's script must have started the clock before the fake time moves on: the
    # address changes before it runs, and on a loaded machine it may run after the jump.
    page.wait_for_load_state("load")
    timer, announcement = page.locator("#timer"), page.locator("#timer-announcement")
    expect(timer).to_have_attribute("aria-live", "off")  # the ticking clock stays quiet
    expect(announcement).to_have_attribute("aria-live", "polite")
    expect(announcement).to_have_text("")
    seconds = int(timer.get_attribute("data-seconds-left"))
    assert seconds > 600
    for minutes, text in ((10, "10 minutes left"), (5, "5 minutes left"),
                          (1, "1 minute left")):
        page.clock.fast_forward(1000 * (seconds - 60 * minutes + 1))
        seconds = 60 * minutes - 1
        expect(announcement).to_have_text(text)
        expect(page.locator("#timer-value")).to_have_text(re.compile(rf"^{minutes - 1}:5\d$"))
    expect_accessible(page)
