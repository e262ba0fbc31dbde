"""HR edits the demo assessment in a browser, previews a draw, and saves a new version."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_journey import BrowserProblems

pytestmark = pytest.mark.e2e

HR_USER = ("hr@example.com", "demo-password")


def log_in_as_hr(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(HR_USER[0])
    page.get_by_label("Password").fill(HR_USER[1])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/admin/")


def test_hr_edits_previews_and_versions_the_demo_assessment(live_server, new_context,
                                                             tmp_path):
    folder = Path(os.environ.get("HIRING_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    problems = BrowserProblems(page.context)
    log_in_as_hr(page, live_server.base_url)

    page.goto(f"{live_server.base_url}/admin/assessments")
    row = page.locator("tr").filter(has_text="Customer Service Representative").filter(
        has_not_text="screening")
    expect(row).to_contain_text("v1")
    row.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    first = page.locator("#section-0")
    expect(first.get_by_label("Section 1 type")).to_have_value("sjt")
    expect(first.locator(".supply")).to_contain_text(re.compile(r"\d+ fit"))
    expect(page.locator(".editor-bar")).to_contain_text("30 items")
    page.screenshot(path=folder / "assessment-editor.png", full_page=True)

    page.get_by_role("link", name="Preview a sample draw").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sample draw")
    expect(page.locator("table.preview-items tbody tr")).to_have_count(30)
    seed = re.search(r"seed=(\d+)", page.url)[1]
    page.get_by_role("link", name="Draw another").click()
    assert re.search(r"seed=(\d+)", page.url)[1] != seed
    page.get_by_role("link", name="Hrvatski").click()
    expect(page.locator("table.preview-items")).to_contain_text("Situacije")
    page.screenshot(path=folder / "assessment-preview.png")

    # The demo's candidate was invited to version 1: a change makes version 2.
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Time limit (minutes)").fill("45")
    page.get_by_role("button", name="Save changes").first.click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Candidates already took version 1; your changes are saved as version 2.")
    page.goto(f"{live_server.base_url}/admin/assessments")
    expect(row).to_contain_text("v2")
    expect(row).to_contain_text("1 earlier version")
    assert problems.found == []
