"""Answers survive the browser, and the screen never shows a refused save as saved.

An answer given offline is kept in the browser until the server has it: moving on waits
for it, reconnecting sends it at once, and a reload or a reopened link sends it before the
question is shown. Two tabs of one attempt share the server's numbering of each answer: a
change based on an answer another tab has replaced is refused, and shown as refused.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from hiring.app import create_app
from hiring.assessment import engine
from hiring.assessment.recipes import create_assessment
from hiring.db import session_scope
from hiring.models import Bank, Response, utcnow

pytestmark = pytest.mark.e2e

POSITIONS = 10
SAVED = "Saved"
HELD = ("Not saved yet: your answer is kept on this device and sent as soon as the "
        "connection is back.")
RETRYING = "Not saved yet: retrying…"
CHANGED = ("This answer was changed in another tab or on another device. "
           "The saved answer is shown.")
SCREENSHOTS = os.environ.get("HIRING_E2E_SCREENSHOTS")  # a folder to keep them in


def _app(server):
    url = server.env.get("DATABASE_URL") or f"sqlite:///{server.instance_path / 'hiring.sqlite'}"
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "offline", "TESTING": True},
                      instance_path=str(server.instance_path))


def invite(server, sections: list[dict]) -> str:
    """Invite a candidate to a new assessment, straight in the database; return the link."""
    app = _app(server)
    try:
        with session_scope(app) as session:
            bank = session.exec(select(Bank)).first()
            assessment = create_assessment(
                session=session, bank=bank, name="Offline", time_limit_minutes=60,
                sections=sections)
            _, token = engine.invite(assessment, session=session, name="Olga Offline",
                                     email="olga@example.com",
                                     expires_at=utcnow() + timedelta(days=1))
    finally:
        app.extensions["hiring.engine"].dispose()
    return f"{server.base_url}/a/{token}"


@pytest.fixture
def invitation(live_server) -> str:
    """An invitation to situations only."""
    return invite(live_server, [{"title": "Situations", "type": "sjt", "count": POSITIONS}])


def stored_answer(server, url: str, position: int):
    app = _app(server)
    try:
        with session_scope(app) as session:
            attempt = engine.find_by_token(url.rsplit("/", 1)[1], session=session)
            return session.exec(select(Response.answer).where(
                Response.attempt_id == attempt.id, Response.position == position)).one()
    finally:
        app.extensions["hiring.engine"].dispose()


def start(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "/q/1$"))


def open_item(page: Page, url: str, position: int) -> None:
    page.goto(f"{url}/q/{position}")
    expect(page.locator("#item-form")).to_have_attribute("data-position", str(position))


def options(page: Page):
    return page.locator("input[name=best]")


def pending_keys(page: Page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage)")


def test_an_answer_given_offline_waits_for_the_connection_then_moves_on(
        live_server, new_context, invitation):
    context: BrowserContext = new_context()
    page = context.new_page()
    start(page, invitation)
    open_item(page, invitation, 8)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    context.set_offline(True)
    choice = options(page).nth(1)
    value = choice.get_attribute("value")
    choice.check()
    status = page.locator("#save-status")
    expect(status).to_have_text(HELD)
    page.get_by_role("button", name="Next").click()
    # The move is held: the page stays, with the answer, and says why.
    expect(status).to_have_text(HELD)
    assert page.url == f"{invitation}/q/8"
    expect(choice).to_be_checked()
    keys = pending_keys(page)
    assert any(key.startswith("hiring.pending.") for key in keys)
    assert not any(invitation.rsplit("/", 1)[1] in key for key in keys)  # no token kept
    # Five tries fail (on the change, on Next, then 1, 2 and 4 s later): the next step of
    # the back-off is 8 s away.
    for _ in range(150):
        if len(failed) >= 5:
            break
        page.wait_for_timeout(100)
    assert len(failed) == 5 and all(url.endswith("/save") for url in failed)
    # Back online: sent at once, not at the next step of the back-off; then on to question 9.
    context.set_offline(False)
    expect(page).to_have_url(f"{invitation}/q/9", timeout=3_000)
    assert stored_answer(live_server, invitation, 8) == {"best": value}
    assert pending_keys(page) == []


def test_an_answer_given_offline_is_sent_when_the_link_is_reopened(
        live_server, new_context, invitation):
    context = new_context()
    page = context.new_page()
    start(page, invitation)
    open_item(page, invitation, 8)
    context.set_offline(True)
    choice = options(page).nth(2)
    value = choice.get_attribute("value")
    choice.check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#save-status")).to_have_text(HELD)
    page.close()  # the candidate gives up and closes the tab
    # (Chromium's offline emulation sometimes lets a request reach the server and loses
    # only its reply: the page cannot tell, and sends the answer again all the same.)

    context.set_offline(False)
    again = context.new_page()
    again.goto(invitation)  # reopening the link resumes at question 8
    expect(again).to_have_url(f"{invitation}/q/8")
    expect(options(again).nth(2)).to_be_checked()
    expect(again.locator("#save-status")).to_have_text(SAVED)
    assert stored_answer(live_server, invitation, 8) == {"best": value}
    assert pending_keys(again) == []
    # And another browser, which never had it, sees it stored.
    other = new_context().new_page()
    other.goto(f"{invitation}/q/8")
    expect(other.locator(f"input[name=best][value='{value}']")).to_be_checked()


def test_a_reload_while_retrying_shows_and_sends_the_waiting_answer(
        live_server, new_context, invitation):
    context = new_context()
    page = context.new_page()
    start(page, invitation)
    open_item(page, invitation, 3)
    page.route("**/save", lambda route: route.abort("connectionreset"))
    choice = options(page).nth(1)
    value = choice.get_attribute("value")
    choice.check()
    expect(page.locator("#save-status")).to_have_text(RETRYING)
    dialogs = []

    def leave_anyway(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave_anyway)
    page.reload()
    assert dialogs == ["beforeunload"]  # leaving with an unsaved answer asks first
    # The server still has nothing; the page shows the answer kept in the browser.
    expect(options(page).nth(1)).to_be_checked()
    assert stored_answer(live_server, invitation, 3) is None
    page.unroute("**/save")
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=5_000)
    assert stored_answer(live_server, invitation, 3) == {"best": value}
    assert pending_keys(page) == []


def test_a_change_based_on_an_answer_another_tab_replaced_is_shown_as_refused(
        live_server, new_context, invitation):
    context = new_context()
    tab_a = context.new_page()
    start(tab_a, invitation)
    open_item(tab_a, invitation, 10)
    tab_b = context.new_page()
    open_item(tab_b, invitation, 10)
    first, second = options(tab_b).nth(0), options(tab_a).nth(1)
    first_value = first.get_attribute("value")

    with tab_b.expect_response(lambda r: r.url.endswith("/save")) as saved_b:
        first.check()
    assert saved_b.value.json()["accepted"] is True
    expect(tab_b.locator("#save-status")).to_have_text(SAVED)

    tab_a.bring_to_front()
    with tab_a.expect_response(lambda r: r.url.endswith("/save")) as saved_a:
        second.click()  # not check(): the refusal may untick it before check() looks
    reply = saved_a.value.json()
    assert reply["accepted"] is False and reply["conflict"] is True
    status = tab_a.locator("#save-status")
    expect(status).to_have_text(CHANGED)
    assert status.get_attribute("aria-live") == "polite"  # read out by screen readers
    expect(options(tab_a).nth(0)).to_be_checked()
    expect(second).not_to_be_checked()
    tab_a.wait_for_timeout(500)  # nothing later turns it into "Saved"
    expect(status).to_have_text(CHANGED)
    assert stored_answer(live_server, invitation, 10) == {"best": first_value}
    assert pending_keys(tab_a) == []

    # Changed again, now on the stored answer's revision: saved.
    with tab_a.expect_response(lambda r: r.url.endswith("/save")) as saved_again:
        second.check()
    assert saved_again.value.json()["accepted"] is True
    expect(status).to_have_text(SAVED)
    assert stored_answer(live_server, invitation, 10) == {
        "best": second.get_attribute("value")}


def test_on_a_phone_the_waiting_answer_is_said_where_it_is_seen(
        live_server, new_context, invitation, tmp_path):
    context = new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                          has_touch=True, device_scale_factor=2)
    page = context.new_page()
    start(page, invitation)
    open_item(page, invitation, 5)
    context.set_offline(True)
    options(page).nth(0).tap()
    page.get_by_role("button", name="Next").tap()
    status = page.locator("#save-status")
    expect(status).to_have_text(HELD)
    assert status.get_attribute("aria-live") == "polite"
    box = status.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375  # not cut off
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(Path(SCREENSHOTS or tmp_path) / "offline-phone.png"))
    context.set_offline(False)
    expect(page).to_have_url(f"{invitation}/q/6", timeout=5_000)


def test_an_answer_the_server_refuses_as_invalid_keeps_the_candidate_on_the_question(
        live_server, new_context):
    url = invite(live_server, [{"title": "Math", "type": "numeric", "count": 2}])
    page = new_context().new_page()
    start(page, url)
    value = page.locator("input#value")
    value.fill("twelve")
    page.get_by_role("button", name="Next").click()
    status = page.locator("#save-status")
    # The item drawn asks for a number (or an amount) or a duration: each refuses "twelve".
    refused = re.compile("Enter a number|Enter minutes and seconds")
    expect(status).to_have_text(refused)
    assert page.url == f"{url}/q/1"
    assert stored_answer(live_server, url, 1) is None and pending_keys(page) == []
    page.get_by_role("button", name="Next").click()  # the same answer again: refused again
    expect(status).to_have_text(refused)
    assert page.url == f"{url}/q/1"
    value.fill("12")  # a whole number: a valid answer in every format, read one way only
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(f"{url}/q/2")
    stored = stored_answer(live_server, url, 1)
    assert stored is not None and stored["typed"] == "12"


def test_the_review_page_sends_a_waiting_answer_before_the_submit_goes(
        live_server, new_context, invitation):
    context = new_context()
    page = context.new_page()
    start(page, invitation)
    open_item(page, invitation, 4)
    context.route("**/save", lambda route: route.abort("connectionreset"))
    choice = options(page).nth(3)
    value = choice.get_attribute("value")
    choice.check()
    expect(page.locator("#save-status")).to_have_text(RETRYING)
    page.close()

    review = context.new_page()
    review.goto(f"{invitation}/review")
    review.get_by_role("button", name="Submit my answers").click()
    # The answer of question 4, taken over from the closed page, goes first.
    status = review.locator("#save-status")
    expect(status).not_to_be_empty()
    assert review.url == f"{invitation}/review"
    context.unroute("**/save")
    # Sent at the next back-off step; the submit then asks about the unanswered questions.
    anyway = review.get_by_role("button", name="Submit anyway")
    expect(anyway).to_be_visible(timeout=15_000)
    anyway.click()
    expect(review).to_have_url(f"{invitation}/done")
    assert stored_answer(live_server, invitation, 4) == {"best": value}
    assert pending_keys(review) == []
