"""The technical report in a browser: accessible on a desktop and a phone, on simulated
data with a planted group difference."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import expect_accessible
from tests.e2e.test_adverse_impact import simulated
from tests.e2e.test_phone import PHONE, expect_fits

pytestmark = pytest.mark.e2e


def test_the_report_is_accessible(live_server, new_context):
    assessment_id = simulated(live_server, count=60, impact=0.7, seed=3)
    for viewport in ({}, PHONE):
        page = new_context(**viewport).new_page()
        page.goto(f"{live_server.base_url}/login")
        page.get_by_label("Email").fill("hr@example.com")
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
        response = page.goto(f"{live_server.base_url}/admin/assessments/{assessment_id}")
        assert response is not None and response.ok, response and response.status
        page.get_by_role("link", name="Technical report").click()
        expect(page.get_by_role("heading", name="7. Adverse impact")).to_be_visible()
        expect(page.locator("#adverse")).to_contain_text("Selected: reached “Hired”")
        expect(page.locator("#facts")).to_contain_text("60 of them simulated")
        expect_accessible(page, "technical report")
        if viewport:
            expect_fits(page)
        page.get_by_role("button", name="Rebuild the report").click()
        expect(page.locator(".flash")).to_contain_text("built again")
