"""Integrity facts from a real browser: moving through the assessment is not leaving it.

A focus loss is counted when the candidate stays away from the assessment's page for more
than FOCUS_LOSS_SECONDS while it stays open; the page's own navigation never counts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from hiring.app import create_app
from hiring.assessment import engine
from hiring.cli.runs import DEFAULT_ASSESSMENT
from hiring.db import session_scope
from hiring.models import Assessment, utcnow
from hiring.scoring.integrity import FOCUS_LOSS_SECONDS
from tests.e2e.test_journey import CANDIDATE, EN, BrowserProblems, item_url, log_in

pytestmark = pytest.mark.e2e

AWAY_MS = 3000  # longer than the threshold
GLANCE_MS = 500  # shorter
assert GLANCE_MS < 1000 * FOCUS_LOSS_SECONDS < AWAY_MS
FOCUS_LOSS_ROW = "Left the assessment's page for more than 2 seconds (another tab or window)"

# In headless Chromium, bringing another page to front neither hides nor blurs this one:
# Playwright emulates focus for every page, and every page of a headless browser stays
# "visible" (checked: no blur, no visibilitychange). With focus emulation turned off
# (Emulation.setFocusEmulationEnabled) Chromium really blurs the page behind and focuses
# the one in front, so blur and focus below are the browser's own. Its visibility still
# never changes, so the test emulates what a real tab switch adds: it overrides
# document.visibilityState and dispatches visibilitychange, the events the page listens to.
HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
  Object.defineProperty(document, "hidden", {value: true, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  delete document.visibilityState;
  delete document.hidden;
  document.dispatchEvent(new Event("visibilitychange"));
  return performance.now() - window.__blurredAt;
}"""
# Records the window's own blur and focus events, to show that the browser fired them.
WATCH_FOCUS = """
window.__focusEvents = [];
window.addEventListener("blur", function () {
  window.__focusEvents.push("blur");
  window.__blurredAt = performance.now();
});
window.addEventListener("focus", function () { window.__focusEvents.push("focus"); });
"""
STAY_AWAY_LIMIT_MS = 15_000


def _app(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "integrity", "TESTING": True},
                      instance_path=str(server.instance_path))


def invite(server) -> str:
    """Invite the demo candidate to the demo assessment, straight in the database."""
    app = _app(server)
    try:
        with session_scope(app) as session:
            assessment = session.exec(select(Assessment).where(
                Assessment.key == DEFAULT_ASSESSMENT).order_by(col(Assessment.id).desc())
            ).first()
            _, token = engine.invite(assessment, session=session, name=CANDIDATE,
                                     email="dana.demo@example.com",
                                     expires_at=utcnow() + timedelta(days=1))
    finally:
        app.extensions["hiring.engine"].dispose()
    return f"{server.base_url}/a/{token}"


def stored_attempt(server, invitation: str) -> tuple[int, int]:
    """Return the attempt's id and the focus losses the server counted for it."""
    app = _app(server)
    try:
        with session_scope(app) as session:
            attempt = engine.find_by_token(invitation.rsplit("/", 1)[1], session=session)
            return attempt.id, attempt.focus_losses
    finally:
        app.extensions["hiring.engine"].dispose()


class FocusReports:
    """Count the focus-loss reports a page sends while it is open."""

    def __init__(self, page: Page) -> None:
        self.sent = 0
        page.on("request", self._request)

    def _request(self, request) -> None:
        if is_focus_report(request):
            self.sent += 1


def is_focus_report(request) -> bool:
    return (request.method == "POST" and request.url.endswith("/event")
            and (request.post_data_json or {}).get("type") == "focus_lost")


def start(page: Page, invitation: str) -> int:
    """Open the invitation, start, and return the number of questions."""
    page.goto(invitation)
    page.get_by_role("button", name=EN.start).click()
    expect(page).to_have_url(item_url(invitation, 1))
    counter = page.get_by_text(re.compile(r"^Question 1 of (\d+)$"))
    return int(re.search(r"of (\d+)", counter.inner_text())[1])


def press_next(page: Page, invitation: str, position: int, total: int) -> None:
    """Press Next (Review and submit on the last question) and wait for the next page."""
    name = EN.next if position < total else EN.review
    page.get_by_role("button", name=name, exact=True).click()
    expect(page).to_have_url(item_url(invitation, position + 1) if position < total
                             else re.compile(re.escape(f"{invitation}/review") + "$"))


def next_through(page: Page, invitation: str, first: int, last: int, total: int) -> None:
    """Press Next on questions first..last (past the last question: to review)."""
    for position in range(first, last + 1):
        press_next(page, invitation, position, total)


def submit(page: Page) -> None:
    page.get_by_role("button", name=EN.submit).click()
    page.get_by_role("button", name="Submit anyway").click()  # nothing was answered
    expect(page.get_by_role("heading", level=1)).to_have_text(
        EN.thank_you.format(name=CANDIDATE))


class Tabs:
    """The candidate's page and a second tab in the same window to switch to."""

    def __init__(self, new_context) -> None:
        context = new_context()
        context.add_init_script(WATCH_FOCUS)
        self.page = context.new_page()
        self.other = context.new_page()
        self.other.goto("about:blank")
        self.page.bring_to_front()
        self._cdp = context.new_cdp_session(self.page)

    def switch_away(self, milliseconds: int, until: Callable[[], bool] = lambda: True
                    ) -> float:
        """Put the other tab in front for `milliseconds` (and `until` holds), then come back.

        Return how long the candidate's page was away, as it measured it."""
        page = self.page
        # Every new document gets focus emulation back: turn it off for this one.
        self._cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": False})
        page.evaluate("window.__focusEvents = []")
        self.other.bring_to_front()
        page.evaluate(HIDE)
        self.other.wait_for_timeout(milliseconds)
        # A loaded machine runs the page's timer late: stay away until it has done its work.
        deadline = time.monotonic() + STAY_AWAY_LIMIT_MS / 1000
        while not until() and time.monotonic() < deadline:
            self.other.wait_for_timeout(100)
        page.bring_to_front()
        away_ms = page.evaluate(SHOW)
        # The premise of the test: the browser itself blurred the page and focused it again.
        assert page.evaluate("window.__focusEvents") == ["blur", "focus"]
        return away_ms


def interviewer_sees(server, new_context, attempt_id: int, times: str) -> None:
    staff = new_context().new_page()
    log_in(staff, server.base_url)
    staff.goto(f"{server.base_url}/attempts/{attempt_id}")
    expect(staff.get_by_role("heading", level=1)).to_have_text(CANDIDATE)
    row = staff.locator("table.integrity tr").filter(has_text=FOCUS_LOSS_ROW)
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(times)


def test_only_pressing_next_through_the_assessment_is_not_leaving_it(
        live_server, new_context):
    invitation = invite(live_server)
    page = new_context().new_page()
    problems = BrowserProblems(page.context)
    total = start(page, invitation)

    next_through(page, invitation, 1, 3, total)
    page.reload()  # on question 4
    expect(page).to_have_url(item_url(invitation, 4))
    page.get_by_role("button", name="Previous", exact=True).click()
    expect(page).to_have_url(item_url(invitation, 3))
    next_through(page, invitation, 3, total, total)
    # From the review page back to a question by its link, and on to review again.
    page.get_by_role("link", name=f"Question {total - 1}", exact=True).click()
    expect(page).to_have_url(item_url(invitation, total - 1))
    next_through(page, invitation, total - 1, total, total)
    # Longer than the threshold on the review page: a wait left running would report.
    page.wait_for_timeout(AWAY_MS)
    submit(page)

    # Reports sent while a page unloads are not always seen by Playwright: ask the server.
    attempt_id, focus_losses = stored_attempt(live_server, invitation)
    assert focus_losses == 0
    interviewer_sees(live_server, new_context, attempt_id, "0 times")
    assert problems.found == []


def test_two_switches_to_another_tab_count_twice(live_server, new_context):
    invitation = invite(live_server)
    tabs = Tabs(new_context)
    page = tabs.page
    problems = BrowserProblems(page.context)
    reports = FocusReports(page)
    total = start(page, invitation)

    for position in (1, 2):
        with page.expect_response(lambda response: is_focus_report(response.request)) as sent:
            tabs.switch_away(AWAY_MS, until=lambda expected=position: reports.sent == expected)
        assert sent.value.json() == {"ok": True, "counted": True}
        press_next(page, invitation, position, total)
    assert stored_attempt(live_server, invitation)[1] == 2

    next_through(page, invitation, 3, total, total)
    submit(page)
    assert reports.sent == 2  # once per absence, however long
    attempt_id, focus_losses = stored_attempt(live_server, invitation)
    assert focus_losses == 2
    interviewer_sees(live_server, new_context, attempt_id, "2 times")
    assert problems.found == []


def test_a_glance_at_another_tab_is_not_counted(live_server, new_context):
    invitation = invite(live_server)
    tabs = Tabs(new_context)
    page = tabs.page
    reports = FocusReports(page)
    start(page, invitation)

    away_ms = tabs.switch_away(GLANCE_MS)
    assert away_ms < 1000 * FOCUS_LOSS_SECONDS, "the machine is too slow for a short glance"
    # Back before the threshold: a wait left running would report within it from now.
    page.wait_for_timeout(AWAY_MS)
    assert reports.sent == 0
    assert stored_attempt(live_server, invitation)[1] == 0


def test_going_to_another_tab_of_the_same_assessment_is_not_leaving_it(
        live_server, new_context):
    invitation = invite(live_server)
    tabs = Tabs(new_context)
    reports = FocusReports(tabs.page)
    start(tabs.page, invitation)
    tabs.other.goto(invitation)  # the link again, in a second tab: the same question
    expect(tabs.other).to_have_url(item_url(invitation, 1))
    tabs.page.bring_to_front()

    tabs.switch_away(AWAY_MS)
    tabs.page.wait_for_timeout(AWAY_MS)
    assert reports.sent == 0
    assert stored_attempt(live_server, invitation)[1] == 0
