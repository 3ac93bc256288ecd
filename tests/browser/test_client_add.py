"""Adding clients and answering connection requests, clicked as users would (issue 8, F12,
F17): the demo supplier's admin creates a client on the spot and its first admin joins from
the invitation email; sets *do not sell* in place and sees the warning; the admin of a party
with a pending request accepts it on My suppliers; the buyer reads the group announcement.

Locators use ids, names and test ids: the demo admin reads Dutch."""

import email
import re
from email import policy

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, finish_context, open_context, sign_in


def invitation_link(outbox, address: str) -> str:
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            body = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://\S+/invitations/\S+", body).group(0)
    raise AssertionError(f"no email to {address}")


def test_admin_creates_a_client_whose_admin_joins_from_the_email(
    page, browser, live_server, tmp_path
):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/")
    page.locator('[data-testid="add-client"]').click()
    page.wait_for_url(re.compile(r"/clients/new$"))
    form = page.locator("form.client-create")
    form.locator("#legal_name").fill("Bakkerij Zonnebloem B.V.")
    form.locator("#display_name").fill("Bakkerij Zonnebloem")
    form.locator("#email").fill("info@zonnebloem.example")
    form.locator("#phone").fill("+31 30 555 0199")
    form.locator("#delivery-street").fill("Oudegracht 12")
    form.locator("#delivery-postal_code").fill("3511ap")
    form.locator("#delivery-city").fill("Utrecht")
    expect(form.locator("#invoice-street")).to_be_hidden()  # the same address, box ticked
    form.locator("#admin_email").fill("eigenaar@zonnebloem.example")
    page.screenshot(path=str(ARTIFACTS / "client-new.png"), full_page=True)
    form.locator('[data-testid="create-submit"]').click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    expect(page.locator("h1")).to_have_text("Bakkerij Zonnebloem")
    expect(page.locator(".flash")).to_contain_text("eigenaar@zonnebloem.example")
    expect(page.locator(".address-lines").first).to_contain_text("3511 AP")
    expect(page.locator('[data-testid="call-button"]')).to_have_attribute(
        "href", "tel:+31305550199"
    )

    # the new admin opens the link from the email in a browser of her own
    link = invitation_link(tmp_path / "outbox", "eigenaar@zonnebloem.example")
    context = open_context(browser)
    invitee = context.new_page()
    invitee.goto(link)
    invitee.locator("#name").fill("Sanne de Wit")
    invitee.locator("#password").fill("zonnebloem-2026")
    invitee.locator("#confirm").fill("zonnebloem-2026")
    invitee.locator("form button[type=submit]").last.click()
    invitee.wait_for_url(re.compile(r"/p/\d+/$"))
    expect(invitee.locator("h1")).to_have_text("Bakkerij Zonnebloem")
    invitee.locator('.party-nav a[href$="/suppliers/"]').click()
    expect(invitee.locator('[data-testid="supplier-row"]')).to_contain_text("Brouwer Groothandel")
    finish_context(context)


def test_a_new_client_form_with_mistakes_says_so_on_each_field(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/new")
    form = page.locator("form.client-create")
    form.locator("#delivery-street").fill("Oudegracht 12")
    form.locator("#delivery-postal_code").fill("35")
    form.locator('[data-testid="create-submit"]').click()
    expect(page.locator("#legal_name-error")).to_be_visible()
    expect(page.locator("#delivery-postal_code-error")).to_be_visible()
    expect(page.locator("#delivery-street")).to_have_value("Oudegracht 12")  # kept as typed


def test_supervisor_sets_do_not_sell_in_place_and_sees_the_warning(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/?q=K0020")
    page.locator('[data-testid="client-row"] a').first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    expect(page.locator('[data-testid="do-not-sell"]')).to_have_count(0)
    page.evaluate("window.notReloaded = true")
    terms = page.locator("#client-terms")
    terms.locator('a[href$="/terms/edit"]').click()
    terms.locator('[name="delinquency"]').select_option("do_not_sell")
    terms.locator('button[type="submit"]').click()
    expect(terms.locator(".flash")).to_be_visible()
    expect(page.locator('#client-warnings [data-testid="do-not-sell"]')).to_be_visible()
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"
    page.goto(f"{live_server}/p/1/clients/?delinquency=do_not_sell")
    # the demo's two (a generated client and Universidad de Valcárcel) and this one
    expect(page.locator('[data-testid="client-row"]')).to_have_count(3)


def test_the_admin_of_nordhavn_accepts_hoffmanns_connection_request(page, live_server):
    sign_in(page, live_server, "both@example.com")
    expect(page.locator('[data-testid="requests-notice"]')).to_be_visible()
    page.locator('[data-testid="requests-notice"] a').click()
    page.wait_for_url(re.compile(r"/suppliers/$"))
    request = page.locator('[data-testid="connection-request"]')
    expect(request).to_contain_text("Hoffmann Laborbedarf")
    page.screenshot(path=str(ARTIFACTS / "suppliers-request.png"), full_page=True)
    request.locator('[data-testid="accept-request"]').click()
    page.wait_for_url(re.compile(r"/suppliers/\d+/$"))
    expect(page.locator("h1")).to_have_text("Hoffmann Laborbedarf")
    expect(page.locator('[data-testid="supplier-terms"]')).to_be_visible()
    page.goto(f"{live_server}/p/3/suppliers/")
    expect(page.locator('[data-testid="connection-request"]')).to_have_count(0)
    expect(page.locator('[data-testid="supplier-row"]')).to_have_count(2)


def test_a_buyer_reads_the_announcement_of_their_suppliers_group_on_a_tablet(
    tablet_page, live_server
):
    page = tablet_page
    sign_in(page, live_server, "supervisor@example.com")
    page.locator('.party-nav a[href$="/suppliers/"]').click()
    row = page.locator('[data-testid="supplier-row"]')
    expect(row).to_contain_text("Brouwer Groothandel")
    expect(row.locator('[data-testid="announcement"]')).to_contain_text("croissants")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    row.locator("a").first.tap()
    page.wait_for_url(re.compile(r"/suppliers/\d+/$"))
    expect(page.locator('section[data-testid="announcement"]')).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "supplier-tablet.png"), full_page=True)
