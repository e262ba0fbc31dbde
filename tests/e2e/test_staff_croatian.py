"""A Croatian HR manager's browser: a new invitation link is copied, and the button says
so in Croatian (the script takes the word from the page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_item_editor import HR_LOGIN
from tests.e2e.test_journey import BrowserProblems

pytestmark = pytest.mark.e2e

ASSESSMENT = "Customer Service Representative"
EMAIL = "copy.hr@example.com"


def test_the_copy_button_of_a_new_link_says_copied_in_croatian(live_server, new_context):
    context = new_context(locale="hr-HR")
    problems = BrowserProblems(context)
    page = context.new_page()
    base = live_server.base_url
    # by the fields' names: the words on the page are Croatian
    page.goto(f"{base}/login")
    page.locator("input[name=email]").fill(HR_LOGIN[0])
    page.locator("input[name=password]").fill(HR_LOGIN[1])
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.get_by_role("link", name=ASSESSMENT, exact=True).first.click()
    invite = page.locator("form:has(input[name=email]):has(input[name=name])")
    invite.locator("input[name=name]").fill("Ana Kopić")
    invite.locator("input[name=email]").fill(EMAIL)
    invite.locator("button[type=submit]").click()
    page.goto(page.url.split("?")[0] + f"?q={EMAIL}")
    page.locator("tr", has_text=EMAIL).locator("form[action$='/resend'] button").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nova poveznica za Ana Kopić")
    copy = page.locator("button.copy")
    expect(copy).to_have_text("Kopiraj")
    copy.click()
    expect(copy).to_have_text("Kopirano")
    assert problems.found == []
