"""Messages clicked as users would (issue 8, F21): the supplier's admin writes to Café Lumière
and its supervisor, with the conversation open, sees it appear without reloading; the header
counts what is unread."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, finish_context, open_context, sign_in


def test_a_message_from_the_supplier_appears_for_the_buyer_without_reloading(
    page, browser, live_server
):
    # the buyer (Claire, supervisor of Café Lumière) opens the conversation with Brouwer
    buyer_context = open_context(browser)
    buyer = buyer_context.new_page()
    sign_in(buyer, live_server, "supervisor@example.com")
    buyer.locator('.party-nav a[href$="/suppliers/"]').click()
    buyer.locator('[data-testid="supplier-row"] a').first.click()
    buyer.locator('[data-testid="tab-messages"]').click()
    buyer.wait_for_url(re.compile(r"/suppliers/\d+/messages$"))
    messages = buyer.locator('[data-testid="message"]')
    before = messages.count()
    buyer.evaluate("window.notReloaded = true")

    # the supplier's admin has an unread message from Café Lumière (demo) and answers it
    sign_in(page, live_server, "supplier-admin@example.com")
    expect(page.locator('[data-testid="header-unread"]')).to_have_text(re.compile(r"^\d+"))
    page.locator('.party-nav a[href$="/messages/"]').click()
    page.locator('[data-testid="conversation"] a', has_text="Café Lumière").click()
    page.wait_for_url(re.compile(r"/clients/\d+/messages$"))
    page.locator("#body").fill("Bonjour Claire, les 20 croissants sont notés pour jeudi.")
    page.locator('[data-testid="send-message"]').click()
    expect(page.locator('[data-testid="message"]').first).to_contain_text(
        "20 croissants sont notés"
    )
    expect(page.locator("#body")).to_have_value("")
    page.screenshot(path=str(ARTIFACTS / "messages-supplier.png"), full_page=True)

    # ... and it reaches the buyer's open page by itself
    expect(messages).to_have_count(before + 1, timeout=12_000)
    expect(messages.first).to_contain_text("20 croissants sont notés")
    assert buyer.evaluate("window.notReloaded === true"), "the buyer's page reloaded"
    finish_context(buyer_context)


def test_without_javascript_a_message_is_a_plain_form(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "both@example.com")
    page.goto(f"{live_server}/p/3/messages/")
    page.locator('[data-testid="conversation"] a').first.click()
    page.wait_for_url(re.compile(r"/messages$"))
    page.locator("#body").fill("Great, thanks. Mads")
    page.locator('[data-testid="send-message"]').click()
    page.wait_for_url(re.compile(r"/messages#message-form$"))
    expect(page.locator('[data-testid="message"]').first).to_contain_text("Great, thanks. Mads")
