"""Store credit and gift cards clicked as users would (issue 11, F36): Brouwer's admin
(supplier-admin@, who reads Dutch: her steps go by test ids) issues a gift card and sees its
code once, with a Print button; afterwards the list shows only its last four characters. The
buyer of Café Lumière types the code in lower case with spaces on Brouwer's Balance tab and
sees the balance grow; the demo's known card redeemed without JavaScript, on a tablet.

In the demo, Café Lumière has €65.00 store credit with Brouwer (a €25.00 credit, a €50.00
gift card redeemed, a €10.00 debit)."""

import re

from playwright.sync_api import expect

from models.credit_demo import DEMO_GIFT_CARD_CODE
from tests.browser.conftest import finish_context, open_context, sign_in

LUMIERE = 4  # Café Lumière's party id in the demo


def open_balance(page, live_server) -> None:
    """My suppliers, Brouwer, its Balance tab."""
    page.goto(f"{live_server}/p/{LUMIERE}/suppliers/")
    page.locator('a[href*="/suppliers/"][href$="/"]').filter(has_text="Brouwer").first.click()
    page.locator('[data-testid="tab-balance"]').click()
    page.wait_for_url(re.compile(r"/balance$"))


def test_a_supplier_issues_a_card_and_the_buyer_redeems_it(page, live_server, browser):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.locator('.party-nav a[href$="/gift-cards/"]').click()
    page.wait_for_url(re.compile(r"/gift-cards/$"))
    page.locator('[data-testid="card-value"]').fill("30")
    page.locator('[data-testid="card-note"]').fill("Voor de buyer")
    page.locator('[data-testid="issue-submit"]').click()
    code_shown = page.locator('[data-testid="gift-code"]')
    expect(code_shown).to_have_text(re.compile(r"^([A-Z2-9]{4}-){3}[A-Z2-9]{4}$"))
    expect(page.locator('[data-testid="print"]')).to_be_visible()
    code = code_shown.inner_text()
    # once left, the code is gone: the list names the card by its last four characters
    page.locator(".back-link").click()
    page.wait_for_url(re.compile(r"/gift-cards/$"))
    cards = page.locator('[data-testid="gift-cards"]')
    expect(cards).to_contain_text(code[-4:])
    expect(cards).not_to_contain_text(code)
    expect(cards).not_to_contain_text(code.replace("-", ""))

    context = open_context(browser)  # checked with axe like every other tab
    buyer = context.new_page()
    try:
        sign_in(buyer, live_server, "buyer@example.com")
        open_balance(buyer, live_server)
        expect(buyer.locator('[data-testid="credit-balance"]')).to_have_text("€65.00")
        field = buyer.locator('[data-testid="gift-code-input"]')
        field.fill("nope nope nope nope")
        buyer.locator('[data-testid="redeem-submit"]').click()
        expect(buyer.locator('[data-testid="redeem-error"]')).to_contain_text(
            "This code is not valid"
        )
        field = buyer.locator('[data-testid="gift-code-input"]')
        field.fill(code.lower().replace("-", " "))
        buyer.locator('[data-testid="redeem-submit"]').click()
        expect(buyer.locator('[data-testid="redeemed"]')).to_contain_text("€30.00 added")
        expect(buyer.locator('[data-testid="credit-balance"]')).to_have_text("€95.00")
        expect(buyer.locator('[data-testid="credit-entry"]').first).to_contain_text(code[-4:])
        expect(buyer.locator('[data-testid="redeem-error"]')).to_have_count(0)
    finally:
        finish_context(context)

    # the supplier sees it redeemed, by Café Lumière, and the client's store credit
    page.reload()
    row = page.locator('[data-testid="gift-card"]').filter(has_text=code[-4:])
    expect(row).to_contain_text("Café Lumière")
    page.goto(f"{live_server}/p/1/clients/?q=Lumi")
    page.locator("#client-rows a").filter(has_text="Café Lumière").first.click()
    expect(page.locator('[data-testid="store-credit"]')).to_contain_text("95,00")
    page.locator('[data-testid="tab-credit"]').click()
    expect(page.locator('[data-testid="credit-balance"]')).to_contain_text("95,00")


def test_the_demo_card_is_redeemed_without_javascript_on_a_tablet(nojs_page, live_server):
    page = nojs_page
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, "buyer@example.com")
    open_balance(page, live_server)
    field = page.locator('[data-testid="gift-code-input"]')
    box = page.locator('[data-testid="redeem-submit"]').bounding_box()
    assert box and box["height"] >= 44
    field.fill(DEMO_GIFT_CARD_CODE.lower())
    page.locator('[data-testid="redeem-submit"]').click()
    page.wait_for_url(re.compile(r"/balance$"))
    expect(page.locator('[data-testid="credit-balance"]')).to_have_text("€105.00")
    expect(page.locator(".flash")).to_contain_text("The gift card is redeemed")
    # the same code again: used
    page.locator('[data-testid="gift-code-input"]').fill(DEMO_GIFT_CARD_CODE)
    page.locator('[data-testid="redeem-submit"]').click()
    expect(page.locator('[data-testid="redeem-error"]')).to_contain_text("used already")
    expect(page.locator('[data-testid="credit-balance"]')).to_have_text("€105.00")
