"""Two-factor login in a browser: an interviewer enrols with the secret shown on the page
and logs in with a code from an authenticator app (computed here with pyotp)."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import expect_accessible

pytestmark = pytest.mark.e2e

INTERVIEWER = ("interviewer@example.com", "demo-password")


def _password(page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(INTERVIEWER[0])
    page.get_by_label("Password").fill(INTERVIEWER[1])
    page.get_by_role("button", name="Log in").click()


def test_an_interviewer_enrols_and_logs_in_with_a_code(live_server, new_context):
    base = live_server.base_url
    page = new_context().new_page()
    _password(page, base)
    expect(page).to_have_url(f"{base}/attempts/")

    page.goto(f"{base}/account/two-factor")
    expect(page.locator("figure.qr svg")).to_be_visible()
    expect_accessible(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor login").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor login is on")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10

    page.get_by_role("button", name="Log out").click()
    _password(page, base)
    expect(page).to_have_url(f"{base}/login/code")
    # The password alone opens nothing.
    page.goto(f"{base}/attempts/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.goto(f"{base}/login/code")
    page.get_by_label("Code").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong code, or a code already used.")).to_be_visible()
    # The code of the next step: the one used to enrol cannot be used again.
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/attempts/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
