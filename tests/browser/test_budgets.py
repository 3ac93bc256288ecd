"""Budgets, approvals and store credit at checkout, clicked as users would (issue 11): the
demo buyer's order goes over Café Lumière's monthly budget and pays part with store credit; it
waits for approval; supervisor@ (Claire Dubois, who reads French: her steps go by test ids)
approves it from her queue; the buyer then reads it placed. A supervisor also adds a budget and
sees its bar. Demo: Café Lumière has €65.00 store credit, a monthly budget already spent (two
orders wait for approval) and €350.00 of credit left on account."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_ordering import LUMIERE, empty_the_cart, open_cart


def euros(text: str) -> int:
    """ "€1,234.56" as cents."""
    return int(re.sub(r"[^0-9]", "", text))


def test_an_order_over_the_monthly_budget_waits_and_the_supervisor_approves_it(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    open_cart(page, live_server)
    empty_the_cart(page)
    page.locator("#quick-code").fill("KOF-ESP-1")
    page.locator("#quick-quantity").fill("10")
    page.locator("#quick-code").press("Enter")
    expect(page.locator('[data-testid="cart-line"]')).to_have_count(1)
    page.locator('[data-testid="to-checkout"]').click()
    page.wait_for_url(re.compile(r"/checkout$"))
    budgets = page.locator('[data-testid="checkout-budget"]')
    monthly = budgets.filter(has_text="Cuisine, par mois")
    expect(monthly).to_contain_text("the order will wait for a supervisor's approval")
    expect(budgets.filter(has_text="Par commande")).to_contain_text("At most €400.00 per order")
    # pay part of it with the store credit
    page.locator('[data-testid="balance-used"]').fill("20")
    page.locator('[data-testid="apply-balance"]').click()
    expect(page.locator('[data-testid="balance-line"]')).to_contain_text("€20.00")
    total = euros(page.locator('#checkout [data-testid="total"]').inner_text())
    left = euros(page.locator('[data-testid="left-to-pay"]').inner_text())
    assert left == total - 2000  # in cents
    page.locator('[data-testid="place-order"]').click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    status = page.locator('[data-testid="order-status"]')
    expect(status).to_have_class(re.compile("status-awaiting_approval"))
    expect(page.locator('[data-testid="awaiting-notice"]')).to_be_visible()
    expect(page.locator('[data-testid="balance-line"]')).to_contain_text("€20.00")
    order_url = page.url
    number = page.locator("h1").inner_text().split()[1]

    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in(page, live_server, "supervisor@example.com")
    page.locator(f'.party-nav a[href="/p/{LUMIERE}/approvals/"]').click()
    rows = page.locator('[data-testid="approval-row"]')
    expect(rows).to_have_count(3)  # the demo's two and this one
    rows.filter(has_text=number).locator('input[name="order_ids"]').check()
    page.locator("#approval-comment").fill("OK pour cette fois")
    page.locator('[data-testid="approve"]').click()
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=number)).to_have_count(0)

    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in(page, live_server, "buyer@example.com")
    page.goto(order_url)
    expect(status).to_have_class(re.compile("status-placed"))
    expect(page.locator('[data-testid="approved-by"]')).to_contain_text("Claire Dubois")
    expect(page.locator('[data-testid="order-history"]')).to_contain_text("OK pour cette fois")


def test_a_supervisor_adds_a_budget_and_sees_its_bar(page, live_server):
    sign_in(page, live_server, "supervisor@example.com")
    page.locator(f'.party-nav a[href="/p/{LUMIERE}/budgets/"]').click()
    cards = page.locator('[data-testid="budget-card"]')
    expect(cards).to_have_count(3)  # the demo's three of Café Lumière
    page.locator('[data-testid="new-budget"]').click()
    page.locator("#name").fill("Bar")
    page.locator("#limit").fill("-1")
    page.locator("#period").select_option("quarter")
    page.locator('[data-testid="user_ids"] input').first.check()
    page.locator('[data-testid="save-budget"]').click()
    expect(page.locator("#limit-error")).to_be_visible()  # refused on its field
    page.locator("#limit").fill("1500")
    page.locator('[data-testid="save-budget"]').click()
    page.wait_for_url(re.compile(r"/budgets/\d+$"))
    expect(page.locator("h1")).to_have_text("Bar")
    expect(page.locator("#budget-bar")).to_be_visible()
    page.locator('.back-link[href$="/budgets/"]').click()
    expect(cards).to_have_count(4)
