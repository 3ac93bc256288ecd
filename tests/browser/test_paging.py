"""A team that has grown past one page, clicked through: the pager and the search box swap
the member list in place and push their URL (JavaScript on), and are plain links and a plain
form without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_team import open_team_page


@pytest.fixture
def grown_team(live_server):
    """The demo supplier with 40 more employees ("Grown 00" … "Grown 39")."""
    from models.base import db
    from models.parties import Party
    from tests.factories import make_member

    db.connect(reuse_if_open=True)
    try:
        party = Party.get(Party.display_name == "Brouwer Groothandel")
        for n in range(40):
            make_member(party, name=f"Grown {n:02d}", email=f"grown{n:02d}@example.com")
    finally:
        db.close()
    return live_server


def test_team_pages_and_search_in_place(page, grown_team):
    open_team_page(page, grown_team)
    rows = page.get_by_test_id("member-row")
    expect(rows).to_have_count(25)
    summary = page.get_by_test_id("member-summary")
    expect(summary).to_contain_text("Members 1–25 of")
    page.evaluate("window.__still_here = true")  # gone if the page were loaded anew

    page.locator("#member-rows nav.pager").get_by_role("link", name="Next").click()
    expect(summary).to_contain_text("Members 26–")
    expect(page).to_have_url(re.compile(r"/team/\?page=2$"))
    assert page.evaluate("window.__still_here") is True  # swapped in place
    expect(page.locator("#invite-form")).to_be_visible()

    search = page.get_by_role("searchbox", name="Search members by name or email")
    search.fill("grown1")
    expect(summary).to_have_text(re.compile(r"10 members match “grown1”"))
    expect(rows).to_have_count(10)
    expect(page).to_have_url(re.compile(r"/team/\?q=grown1$"))
    expect(search).to_be_focused()  # the box is outside the swapped rows: typing goes on
    assert page.evaluate("window.__still_here") is True
    search.press_sequentially("5")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Grown 15")

    # the pushed URL renders the full page on its own
    page.reload()
    expect(rows).to_have_count(1)
    expect(page.get_by_role("searchbox", name="Search members by name or email")).to_have_value(
        "grown15"
    )


def test_team_pages_and_search_without_javascript(nojs_page, grown_team):
    page = nojs_page
    open_team_page(page, grown_team)
    expect(page.get_by_test_id("member-row")).to_have_count(25)
    page.locator("#member-rows nav.pager").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"/team/\?page=2$"))
    expect(page.get_by_test_id("member-summary")).to_contain_text("Members 26–")
    page.locator("#member-rows nav.pager").get_by_role("link", name="Previous").click()
    expect(page.get_by_test_id("member-summary")).to_contain_text("Members 1–25 of")
    page.get_by_role("searchbox", name="Search members by name or email").fill("grown3")
    page.locator("form.list-search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/team/\?q=grown3$"))
    expect(page.get_by_test_id("member-row")).to_have_count(10)
