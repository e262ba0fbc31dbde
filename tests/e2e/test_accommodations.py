"""Accommodations in the browser: HR invites with 1.5 times the time, the candidate is told,
the typing exercise lasts 1.5 times as long and its answer is accepted within that time;
the larger text and high contrast switch survives a reload."""

from __future__ import annotations

import math
import re

import pytest
import yaml
from playwright.sync_api import Page, expect

from tests.e2e.test_bulk_outbox import ASSESSMENT, log_in
from tests.e2e.test_journey import BANK, BrowserProblems, wait_until_saved

pytestmark = pytest.mark.e2e


def _bank_assessment() -> tuple[int, int]:
    """The demo assessment's time limit and its typing exercises' duration (seconds)."""
    data = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    limit = next(a["time_limit_minutes"] for a in data["assessments"]
                 if a["name"]["en"] == ASSESSMENT)
    durations = {item.get("duration_seconds", 60) for item in data["items"]
                 if item["type"] == "typing"}
    assert len(durations) == 1, "the test expects one duration for every typing exercise"
    return limit, durations.pop()


def invite_with_a_multiplier(page: Page, base_url: str, multiplier: str) -> str:
    log_in(page, base_url)
    page.get_by_role("link", name=ASSESSMENT, exact=True).first.click()
    page.get_by_label("Candidate name").fill("Tea Time")
    page.get_by_label("Candidate email").fill("tea.time@example.com")
    page.get_by_label("Time multiplier (an accommodation)").fill(multiplier)
    page.get_by_label("Send the invitation by e-mail").uncheck()
    page.get_by_role("button", name="Create invitation").click()
    expect(page.locator("p.flash")).to_contain_text("Invitation created for Tea Time")
    expect(page.locator("table.pipeline-table tr", has_text="tea.time@example.com")
           ).to_contain_text("1.5 × time")
    return page.locator("#invite-link").input_value()


def find_typing(page: Page, link: str, total: int) -> int:
    for position in range(1, total + 1):
        page.goto(f"{link}/q/{position}")
        if page.locator("textarea#typing").count():
            return position
    pytest.fail("the assessment had no typing exercise")


def test_a_multiplier_lengthens_the_time_and_the_typing_exercise(live_server, new_context):
    limit, seconds = _bank_assessment()
    staff = new_context().new_page()
    link = invite_with_a_multiplier(staff, live_server.base_url, "1,5")

    context = new_context()
    problems = BrowserProblems(context)
    page = context.new_page()
    page.clock.install()
    page.goto(link)
    minutes = math.ceil(limit * 1.5)
    expect(page.locator("li.accommodation")).to_contain_text(
        f"You have 1.5 times the usual time: {minutes} minutes.")
    expect(page.get_by_text(f"{minutes} minutes in all.")).to_be_visible()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(re.compile(re.escape(f"{link}/q/1") + "$"))
    total = int(re.search(r"Question 1 of (\d+)", page.content())[1])

    position = find_typing(page, link, total)
    typing = page.locator("textarea#typing")
    longer = math.ceil(seconds * 1.5)
    expect(typing).to_have_attribute("data-duration", str(longer))
    expect(page.locator("p.instruction")).to_contain_text(f"You have {longer} seconds")

    # Typing past the usual time: the exercise goes on, and the answer is accepted.
    passage = page.locator(".passage").inner_text().strip()
    typing.fill(passage[:20])  # the first key press starts the exercise's clock
    page.clock.fast_forward((seconds + 10) * 1000)
    expect(page.locator("#typing-clock")).to_have_text(
        re.compile(rf"^({longer - seconds - 10}|{longer - seconds - 11}) s left$"))
    expect(typing).not_to_have_attribute("readonly", re.compile(".*"))
    wait_until_saved(page, lambda: typing.fill(passage), {"text": passage})
    expect(typing).to_have_attribute("readonly", re.compile(".*"))

    page.reload()  # the stored answer: the whole passage, in more than the usual time
    expect(page.locator("textarea#typing")).to_have_value(passage)
    elapsed = int(page.locator("input[name=elapsed_ms]").input_value())
    assert seconds * 1000 < elapsed <= longer * 1000, (position, elapsed)
    assert problems.found == []


def test_the_larger_text_switch_survives_a_reload(live_server, new_context):
    context = new_context()
    problems = BrowserProblems(context)
    page = context.new_page()
    page.goto(live_server.invitation_url)
    switch = page.get_by_role("button", name="Larger text and high contrast")
    expect(switch).to_have_attribute("aria-pressed", "false")
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarger-text\b"))

    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarger-text\b"))
    expect(switch).to_have_attribute("aria-pressed", "true")
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger == pytest.approx(size * 1.25)
    ink = page.evaluate("getComputedStyle(document.body).color")
    assert ink == "rgb(0, 0, 0)"

    switch.click()  # and off again, for this browser too
    page.reload()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\blarger-text\b"))
    assert problems.found == []
