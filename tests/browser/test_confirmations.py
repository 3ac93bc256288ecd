"""Delete and remove ask first (issue 7, item 6): without JavaScript through a confirmation
page, where Cancel leaves everything as it was; with JavaScript in one click and the browser's
dialog. And an earlier action's message goes once another region answers.

Locators use ids, test ids and hrefs rather than text where the demo user reads Spanish."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.browser.test_company import open_company_settings
from tests.browser.test_team import open_team_page


@pytest.fixture
def server_config(smtp_server):
    """Resending an invitation sends an email: to the test's local SMTP server."""
    return dict(smtp_server.config)


CAMPUS = "Campus de Montegancedo"


def test_deleting_a_delivery_point_without_javascript(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "valcarcel-buyer@example.com")
    open_company_settings(page)
    campus = page.locator('[data-testid="address"]', has_text=CAMPUS)
    campus.get_by_test_id("manage-address").click()  # a plain link without JavaScript
    page.wait_for_url(re.compile(r"/company/\?manage=\d+#address-\d+$"))
    points = campus.locator('[data-testid="delivery-point"]')
    expect(points).to_have_count(3)
    name = points.first.locator(".point-name").inner_text()

    # Delete opens the confirmation: nothing is deleted yet; Cancel goes back to the point
    points.first.locator('form[action$="/delete/confirm"] button').click()
    page.wait_for_url(re.compile(r"/company/points/\d+/delete/confirm\??$"))
    expect(page.get_by_test_id("confirm-question")).to_be_visible()
    expect(page.locator(".confirm-card")).to_contain_text(name)
    page.locator(".confirm-actions a").click()
    page.wait_for_url(re.compile(r"/company/\?manage=\d+#point-\d+$"))
    expect(points).to_have_count(3)

    # confirmed, it goes
    points.first.locator('form[action$="/delete/confirm"] button').click()
    page.wait_for_url(re.compile(r"/delete/confirm\??$"))
    page.locator('.confirm-actions form[method="post"] button').click()
    page.wait_for_url(re.compile(r"/company/\?manage=\d+#points-\d+$"))
    expect(points).to_have_count(2)
    expect(campus).not_to_contain_text(name)
    expect(page.locator("#flashes .flash")).to_have_count(1)


def test_removing_a_member_without_javascript(nojs_page, live_server, smtp_server):
    page = nojs_page
    open_team_page(page, live_server)
    staff = page.get_by_test_id("member-row").filter(has_text="supplier-staff@example.com")
    staff.get_by_role("button", name="Remove Sven Jansen").click()
    page.wait_for_url(re.compile(r"/team/members/\d+/remove/confirm\??$"))
    expect(page.locator("h1")).to_have_text("Remove member")
    expect(page.get_by_test_id("confirm-question")).to_have_text(
        "Remove Sven Jansen from Brouwer Groothandel? Their access ends at once."
    )
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(re.compile(r"/team/#member-\d+$"))
    expect(staff).to_be_visible()

    staff.get_by_role("button", name="Remove Sven Jansen").click()
    page.get_by_role("button", name="Remove").click()
    page.wait_for_url(re.compile(r"/team/$"))
    expect(page.locator("#flashes")).to_contain_text("Sven Jansen was removed from the team.")
    expect(staff).to_have_count(0)


def test_confirmation_page_on_a_tablet(tablet_page, live_server):
    page = tablet_page
    open_team_page(page, live_server)
    url = page.locator('[data-testid="invitation-row"] form[action$="/revoke/confirm"]').first
    page.goto(live_server + url.get_attribute("action"))
    expect(page.get_by_test_id("confirm-question")).to_contain_text("Withdraw the invitation")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    for box in [b.bounding_box() for b in page.locator(".confirm-actions .button").all()]:
        assert box["height"] >= 44, box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "confirm-768.png"), full_page=True)


def test_with_javascript_one_click_and_the_dialog(page, live_server):
    sign_in(page, live_server, "valcarcel-buyer@example.com")
    open_company_settings(page)
    page.evaluate("window.notReloaded = true")
    campus = page.locator('[data-testid="address"]', has_text=CAMPUS)
    campus.get_by_test_id("manage-address").click()
    points = campus.locator('[data-testid="delivery-point"]')
    # the dialog says no: nothing happens
    page.once("dialog", lambda dialog: dialog.dismiss())
    points.first.locator("button.button-danger").click()
    expect(points).to_have_count(3)
    page.once("dialog", lambda dialog: dialog.accept())
    points.first.locator("button.button-danger").click()
    expect(points).to_have_count(2)
    expect(campus.locator(".points > .flash")).to_be_visible()
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"
    assert "/confirm" not in page.url

    # another action elsewhere: the old success message goes
    page.locator('#company-bank a[href$="/bank/edit"]').click()
    expect(page.locator("#company-bank form")).to_be_visible()
    expect(page.locator("#company-settings .flash")).to_have_count(0)


def test_an_earlier_message_goes_after_an_action_in_another_region(page, live_server, smtp_server):
    open_team_page(page, live_server)
    members = page.locator("#team-members")
    staff = page.get_by_test_id("member-row").filter(has_text="supplier-staff@example.com")
    staff.locator("select").select_option("supervisor")
    expect(members.get_by_role("status")).to_contain_text("Sven Jansen")

    # an invitation sent again: the members' success message goes, the new one shows
    invitations = page.locator("#team-invitations")
    invitations.get_by_role("button", name=re.compile("^Resend")).first.click()
    expect(invitations.get_by_role("status")).to_be_visible()
    expect(members.locator(".flash, .notice")).to_have_count(0)

    # a refusal at a member's row goes the same way, and its field is no longer marked
    own = page.get_by_test_id("member-row").filter(has_text="supplier-admin@example.com")
    own.locator("select").select_option("employee")
    expect(own.locator(".error")).to_contain_text("last admin")
    expect(invitations.get_by_role("status")).to_have_count(0)  # old news there too
    invitations.get_by_role("button", name=re.compile("^Resend")).first.click()
    expect(invitations.get_by_role("status")).to_be_visible()
    expect(own.locator(".error")).to_have_count(0)
    expect(own.locator("select")).not_to_have_attribute("aria-invalid", "true")


def test_the_flash_at_the_top_goes_after_the_next_action(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.locator(".party-nav a[href$='/schedules/']").click()
    create = page.locator("#schedule-create")
    create.locator('[name="name"]').fill("Zaterdagronde")
    create.locator('button[type="submit"]').click()
    expect(page.locator("h1")).to_have_text("Zaterdagronde")
    expect(page.locator("#flashes .flash")).to_have_count(1)
    closed = page.locator("#schedule-closed")
    closed.locator('[name="day"]').fill((dt.date.today() + dt.timedelta(days=40)).isoformat())
    closed.locator('button[type="submit"]').click()
    expect(closed.get_by_role("status")).to_be_visible()
    expect(page.locator("#flashes .flash")).to_have_count(0)
