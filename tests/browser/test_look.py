"""Look and feel at desktop (1280 px) and tablet (768 px) width: long words wrap or are cut,
never widening a page (a 200-character display name, a 120-character closed-date reason, a
200-character legal name, a 120-character user name); the header cuts the company name with the full name
on hover and focus; screenshots of every page land in test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in

LONG_NAME = "Brouwer" + "x" * 193  # 200 characters, no space
LONG_REASON = "Inventory" + "y" * 111  # 120 characters, no space


def english(page):
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator(".language-switcher .language-code")).to_have_text("EN")


def fits(page, name: str, size: str) -> None:
    """Nothing sticks out sideways; a screenshot to look at."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"look-{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", ["tablet", "desktop"])
def test_long_names_wrap_or_are_cut_on_every_page(request, live_server, size):
    page = request.getfixturevalue("tablet_page" if size == "tablet" else "page")
    sign_in(page, live_server, "supplier-admin@example.com")
    english(page)
    party_path = page.url.split("/p/", 1)[1].split("/", 1)[0]
    base = f"{live_server}/p/{party_path}"

    page.goto(f"{base}/company/profile/edit")
    page.get_by_label("Legal name").fill(LONG_NAME)
    page.get_by_label("Display name").fill(LONG_NAME)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_test_id("legal-name")).to_have_text(LONG_NAME)
    fits(page, "company", size)

    # the header cuts the name; the full name is its title and its accessible name
    active = page.get_by_test_id("active-party")
    expect(active).to_have_text(LONG_NAME)
    assert active.evaluate("el => el.scrollWidth > el.clientWidth")
    summary = page.locator(".party-switcher summary")
    expect(summary).to_have_attribute("title", LONG_NAME)
    summary.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # focused from the keyboard: shown in full
    assert active.evaluate("el => getComputedStyle(el).whiteSpace") == "normal"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.goto(f"{live_server}/account/")
    page.get_by_label("Your name").fill(LONG_NAME[:120])  # the longest a user name may be
    page.locator("#profile-form").get_by_role("button", name="Save profile").click()
    expect(page.locator(".user-menu summary .truncate")).to_have_text(LONG_NAME[:120])
    fits(page, "account", size)

    page.goto(f"{base}/schedules/")
    fits(page, "schedules", size)
    page.get_by_role("link", name="Standard delivery").click()
    page.locator("#day").fill("2030-12-27")
    page.get_by_label("Reason (optional)").fill(LONG_REASON)
    page.get_by_role("button", name="Add closed date").click()
    expect(page.get_by_test_id("closed-dates")).to_contain_text(LONG_REASON)
    fits(page, "schedule", size)

    for name, path in [("home", "/"), ("team", "/team/"), ("audit", "/audit/")]:
        page.goto(f"{base}{path}")
        fits(page, name, size)
