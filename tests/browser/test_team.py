"""Team management clicked through as a user would (F4, F5, F42): invite by email, open the
link from the email that really arrived, set a password, land in the company; roles and
invitations changed in place; the same without JavaScript; the page on a 768 px tablet."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, finish_context, open_context, sign_in


@pytest.fixture
def server_config(smtp_server):
    """The live server sends its email to the local SMTP server of the test."""
    return dict(smtp_server.config)


def open_team_page(page, base_url: str, email: str = "supplier-admin@example.com") -> None:
    sign_in(page, base_url, email)
    # the demo admin reads Dutch; these tests read English
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator(".language-switcher .language-code")).to_have_text("EN")
    page.locator(".party-nav a[href$='/team/']").click()
    expect(page.locator("#team-members")).to_be_visible()


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/invitations/\S+", body).group(0)


def test_invite_then_accept_from_the_email(page, browser, live_server, smtp_server):
    open_team_page(page, live_server)
    form = page.locator("#invite-form")
    form.locator("#email").fill("new.colleague@example.com")
    form.locator("#role").select_option("employee")
    form.locator("#language").select_option("en")
    form.locator("button[type=submit]").click()
    row = page.get_by_test_id("invitation-row").filter(has_text="new.colleague@example.com")
    expect(row).to_be_visible()
    expect(page.locator("#team-invitations [role=status]")).to_contain_text(
        "new.colleague@example.com"
    )
    assert form.locator("#email").input_value() == ""  # a fresh form for the next one

    [message] = smtp_server.messages
    assert message["To"] == "new.colleague@example.com"
    assert message["Subject"] == "Invitation to join Brouwer Groothandel"
    link = link_in(message)
    assert link.startswith(live_server)

    # the invitee opens the link in their own browser, not signed in
    context = open_context(browser, viewport={"width": 1280, "height": 900})
    try:
        invitee = context.new_page()
        invitee.goto(link)
        expect(invitee.get_by_role("heading", level=1)).to_have_text("Join Brouwer Groothandel")
        ARTIFACTS.mkdir(exist_ok=True)
        invitee.screenshot(path=str(ARTIFACTS / "invitation-accept.png"), full_page=True)
        invitee.get_by_label("Your name").fill("Nova Colleague")
        invitee.locator("#password").fill("a-long-password")
        invitee.get_by_label("Repeat password").fill("a-long-password")
        invitee.get_by_role("button", name="Create account and join").click()
        expect(invitee).to_have_url(re.compile(r"/p/\d+/$"))
        expect(invitee.locator("h1")).to_have_text("Brouwer Groothandel")
        expect(invitee.get_by_test_id("your-role")).to_have_text("Employee")
        expect(invitee.locator("#flashes")).to_contain_text("Welcome to Brouwer Groothandel!")
        # the link is used up
        invitee.goto(link)
        expect(invitee.get_by_role("alert")).to_contain_text("already been accepted")
    finally:
        finish_context(context)

    # the admin sees the new member, and no longer the invitation
    page.reload()
    expect(page.locator("#team-members")).to_contain_text("Nova Colleague")
    expect(row).to_have_count(0)


def test_roles_and_invitations_change_in_place(page, live_server, smtp_server):
    open_team_page(page, live_server)
    staff = page.get_by_test_id("member-row").filter(has_text="supplier-staff@example.com")
    # with JavaScript the role saves on change; the "Save role" button is for no-JS use only
    expect(staff.locator(".team-role-form button")).to_be_hidden()
    staff.locator("select").select_option("supervisor")
    expect(page.locator("#team-members [role=status]")).to_contain_text("Sven Jansen")
    expect(staff.locator("select")).to_have_value("supervisor")
    # the last admin cannot demote herself: the message shows at her row
    own = page.get_by_test_id("member-row").filter(has_text="supplier-admin@example.com")
    own.locator("select").select_option("employee")
    expect(own.locator(".error")).to_contain_text("last admin")
    # demo invitations: resend one (an email goes out), revoke another after confirming
    pending = page.get_by_test_id("invitation-row")
    expect(pending).to_have_count(2)
    pending.filter(has_text="pieter.smit").locator("form").first.locator("button").click()
    expect(page.locator("#team-invitations [role=status]")).to_contain_text("pieter.smit")
    assert [m["To"] for m in smtp_server.messages] == ["pieter.smit@brouwer-groothandel.example"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("invitation-row").filter(has_text="m.dekker").locator(
        "button.button-danger"
    ).click()
    expect(page.get_by_test_id("invitation-row")).to_have_count(1)


def test_team_works_without_javascript(nojs_page, live_server, smtp_server):
    page = nojs_page
    open_team_page(page, live_server)
    form = page.locator("#invite-form")
    form.locator("#email").fill("nojs@example.com")
    form.locator("button[type=submit]").click()
    expect(page.locator("#flashes")).to_contain_text("nojs@example.com")
    expect(
        page.get_by_test_id("invitation-row").filter(has_text="nojs@example.com")
    ).to_be_visible()
    form.locator("#email").fill("supplier-staff@example.com")
    form.locator("button[type=submit]").click()
    expect(page.locator("#email-error")).to_contain_text("already a member")
    assert len(smtp_server.messages) == 1
    # without JavaScript the role is saved with its button
    staff = page.get_by_test_id("member-row").filter(has_text="supplier-staff@example.com")
    staff.locator("select").select_option("supervisor")
    staff.get_by_role("button", name="Save role").click()
    expect(page.locator("#flashes")).to_contain_text("Sven Jansen")


@pytest.mark.parametrize("size", ["tablet", "desktop"])
def test_team_page_screenshots(request, live_server, size):
    page = request.getfixturevalue("tablet_page" if size == "tablet" else "page")
    open_team_page(page, live_server)
    page.locator("#invite-form #email").fill("not-an-email")
    page.locator("#invite-form button[type=submit]").click()
    expect(page.locator("#email-error")).to_be_visible()
    # nothing sticks out sideways at this width, and no table needs scrolling
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"team-{size}.png"), full_page=True)


def test_password_reset_from_the_emailed_link(page, live_server, smtp_server):
    """The other emailed link (F6): forgot → email → new password → signed in."""
    page.goto(f"{live_server}/signin")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.locator("h1")).to_have_text("Forgot your password?")
    page.get_by_label("Email address").fill("buyer@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#auth-form [role=status]")).to_contain_text("If an account exists for")
    [message] = smtp_server.messages
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/password/reset/\S+", body).group(0)
    page.goto(link)
    page.locator("#password").fill("a-new-long-password")
    page.locator("#confirm").fill("a-new-long-password")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_test_id("active-party")).to_have_text("Café Lumière")
    expect(page.locator("#flashes")).to_contain_text("Your password is changed.")
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("already been used")
