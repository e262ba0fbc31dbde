"""Single sign-on in a browser: the login page's button leads to a real OpenID Connect
provider on 127.0.0.1 (node-oidc-provider, tests/oidc/), whose login page sends the
browser back logged in; an unverified e-mail is refused with a page saying why."""

from __future__ import annotations

import json
import re
import socket

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import expect_accessible
from tests.oidc_provider import running_provider

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_env(provider_port) -> dict[str, str]:
    """The server knows the provider before it runs: only its discovery document is
    fetched, at the first click."""
    return {"HIRING_OIDC_PROVIDERS": json.dumps([{
        "name": "test", "label": "Test ID", "issuer": f"http://127.0.0.1:{provider_port}",
        "client_id": "hiring", "client_secret": "hiring-test-secret",
        "role_claim": "groups",
        "role_map": {"hiring-hr": "hr", "hiring-interviewers": "interviewer"}}])}


@pytest.fixture(scope="module")
def provider(live_server, provider_port):
    callback = f"{live_server.base_url}/login/sso/test/callback"
    with running_provider([callback], port=provider_port) as running:
        yield running


def _sign_in_at_provider(page, provider, login: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(provider.issuer) + "/interaction/"))
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def test_hr_signs_in_through_the_provider(live_server, provider, new_context):
    base = live_server.base_url
    page = new_context().new_page()
    page.goto(f"{base}/login")
    button = page.get_by_role("link", name="Sign in with Test ID")
    expect(button).to_be_visible()
    expect_accessible(page, "the login page with a provider")
    button.click()
    _sign_in_at_provider(page, provider, "hr@example.com")  # the demo's HR manager
    expect(page).to_have_url(f"{base}/admin/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_text("Hana HR")).to_be_visible()
    # HR's page of the providers, with the setting's provider and the form to add one.
    page.goto(f"{base}/admin/sso/")
    expect(page.get_by_text(f"{base}/login/sso/test/callback")).to_be_visible()
    expect_accessible(page, "the single sign-on providers page")


def test_an_unverified_email_is_refused(live_server, provider, new_context):
    base = live_server.base_url
    page = new_context().new_page()
    page.goto(f"{base}/login")
    page.get_by_role("link", name="Sign in with Test ID").click()
    _sign_in_at_provider(page, provider, "unverified.hr@example.com")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/login/sso/test/callback?")))
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not logged in")
    expect(page.get_by_role("alert")).to_contain_text(
        "Test ID did not confirm that the e-mail address of your account is verified")
    expect_accessible(page, "the refusal page")
    page.get_by_role("link", name="Back to the login page").click()
    expect(page).to_have_url(f"{base}/login")
    page.goto(f"{base}/admin/")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/login?next=")))
