"""Main paths of the foundation, clicked as a user would: sign in, switch party, switch
language, the same without JavaScript, and on a 768 px tablet (F3, F6, F40-F42)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in


def switch_to(page, name: str) -> None:
    page.locator(".party-switcher summary").click()
    page.locator(".party-switcher").get_by_role("button", name=re.compile(name)).click()


def test_buyer_switches_party_and_it_is_remembered(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    active = page.get_by_test_id("active-party")
    expect(active).to_have_text("Café Lumière")
    expect(page.locator("h1")).to_have_text("Café Lumière")
    switch_to(page, "Bodega Olivares")
    expect(active).to_have_text("Bodega Olivares")
    expect(page.locator("h1")).to_have_text("Bodega Olivares")
    # sign out and in again: the last active party is where the buyer lands
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, live_server, "buyer@example.com")
    expect(page.get_by_test_id("active-party")).to_have_text("Bodega Olivares")


def test_two_tabs_stay_in_their_own_party(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    first_url = page.url
    second = page.context.new_page()
    second.goto(first_url)
    switch_to(second, "Bodega Olivares")
    expect(second.locator("h1")).to_have_text("Bodega Olivares")
    page.reload()
    expect(page.locator("h1")).to_have_text("Café Lumière")
    second.close()


def test_language_switch_from_any_page(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_text("Ihre Rolle")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_text("Su función")).to_be_visible()


def test_sign_in_error_is_shown_in_place(page, live_server):
    page.goto(f"{live_server}/signin")
    page.get_by_label("Email address").fill("buyer@example.com")
    page.get_by_label("Password").fill("wrong-password")
    page.locator("#auth-form").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Email address or password is not correct.")
    expect(page).to_have_url(re.compile(r"/signin"))


def test_everything_works_without_javascript(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "buyer@example.com")
    expect(page.get_by_test_id("active-party")).to_have_text("Café Lumière")
    switch_to(page, "Bodega Olivares")
    expect(page.locator("h1")).to_have_text("Bodega Olivares")
    page.locator(".language-switcher summary").click()
    page.get_by_role("button", name="Nederlands").click()
    expect(page.get_by_text("Uw rol")).to_be_visible()


def confirmation_link(outbox, address: str) -> str:
    """The confirmation link of the newest email to address in the development outbox."""
    import email
    import re
    from email import policy

    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            body = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://\S+/signup/confirm/\S+", body).group(0)
    raise AssertionError(f"no email to {address}")


def test_sign_up_on_a_tablet(tablet_page, live_server, tmp_path):
    outbox = tmp_path / "outbox"
    page = tablet_page
    page.goto(f"{live_server}/signup")
    page.get_by_label("Your name").fill("Tess Tablet")
    page.get_by_label("Email address").fill("tess@tablet.example")
    page.locator("#password").fill("tablet-password")
    page.get_by_label("Repeat password").fill("tablet-password")
    page.get_by_label("Company name").fill("Tablet Traders")
    page.get_by_label("Country").select_option("BE")
    page.get_by_role("button", name="Create account").tap()
    expect(page.locator("h1")).to_have_text("Check your email")
    expect(page.get_by_text("tess@tablet.example")).to_be_visible()
    # the link in the confirmation email opens the account
    page.goto(confirmation_link(outbox, "tess@tablet.example"))
    page.get_by_role("button", name="Confirm and sign in").tap()
    expect(page.locator("h1")).to_have_text("Tablet Traders")
    # nothing wider than the screen, and the header controls are big enough to touch
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    for selector in [
        ".party-switcher summary",
        ".language-switcher summary",
        ".user-menu summary",
        ".party-nav a",
    ]:
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, selector
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tablet-home.png"), full_page=True)
