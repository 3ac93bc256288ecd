"""Ordering clicked as users would (issue 10); supervisor@ (Claire Dubois) reads French, so
her steps are found by test ids and status classes, not English text: a buyer scans three codes into quick order with
Enter, pastes 20 lines with two unknown, and hits the credit limit at checkout; a supervisor
checks out with a delivery point and a later time frame; the supplier's staff confirm and ship
the order and the buyer reads the new status; the same order placed without JavaScript; the
cart on a 768 px tablet.

In the demo, Café Lumière (buyer@ and supervisor@example.com) pays Brouwer on account and is
close to its credit limit (€2,150 owed of €2,500)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import expect_focused, sign_in

LUMIERE = 4  # Café Lumière's party id in the demo
PASTED_SKUS = (
    "KOF-ESP-1 KOF-FIL-1 THE-GRN-20 THE-ZWT-20 MLK-VOL-1 MLK-HAV-1 SUI-STK-500 CRS-BTR-40 "
    "BKR-PAP-1000 SRV-WIT-500 RNG-ALL-5 WTR-BRS-24 KOF-S KOF-M KOF-L KOF-XL KOF-B6 KOF-B12"
).split()


def open_cart(page, live_server, party=LUMIERE) -> None:
    """My suppliers, Brouwer, its Cart tab."""
    page.goto(f"{live_server}/p/{party}/suppliers/")
    page.locator('a[href*="/suppliers/"][href$="/"]').filter(has_text="Brouwer").first.click()
    page.locator('[data-testid="tab-cart"]').click()
    page.wait_for_url(re.compile(r"/cart$"))


def empty_the_cart(page) -> None:
    remove = page.locator('[data-testid="cart-line"] form[action$="/remove"] button')
    while remove.count():
        before = remove.count()
        remove.first.click()
        expect(remove).to_have_count(before - 1)


def test_a_buyer_scans_pastes_and_hits_the_credit_limit(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    open_cart(page, live_server)
    empty_the_cart(page)
    field = page.locator("#quick-code")
    scanned = ("CL-1001", "KOF-FIL-1", "THE-GRN-20")
    for count, code in enumerate(scanned, start=1):  # a scanner types the code and Enter
        field.press_sequentially(code, delay=10)
        field.press("Enter")
        expect(page.locator('[data-testid="cart-line"]')).to_have_count(count)
        expect(page.locator('[data-testid="quick-result"]')).to_contain_text("1 line added")
        field = page.locator("#quick-code")
        expect_focused(field)  # ready for the next scan
        expect(field).to_have_value("")
    expect(page.locator('[data-testid="cart-line"]')).to_have_count(3)
    expect(page.locator('[data-testid="cart-count"]')).to_have_text("3")
    lines = [f"{sku}\t5" for sku in PASTED_SKUS[:9]] + ["NOPE-1\t2"]
    lines += [f"{sku};5" for sku in PASTED_SKUS[9:]] + ["NOPE-2 1"]
    page.locator(".quick-paste summary").click()
    page.locator("#quick-lines").fill("\n".join(lines))
    page.locator('[data-testid="paste-submit"]').click()
    problems = page.locator('[data-testid="quick-problems"]')
    expect(problems).to_contain_text("Line 10: NOPE-1")
    expect(problems).to_contain_text("Line 20: NOPE-2")
    expect(page.locator('[data-testid="quick-result"]')).to_contain_text("18 lines added")
    expect(page.locator("#quick-lines")).to_have_value("NOPE-1 2\nNOPE-2 1")  # to correct
    # CL-1001 (their code for KOF-ESP-1), KOF-FIL-1 and THE-GRN-20 were scanned already:
    # pasted again, they add to those lines
    expect(page.locator('[data-testid="cart-line"]')).to_have_count(18)
    page.locator('[data-testid="to-checkout"]').click()
    page.wait_for_url(re.compile(r"/checkout$"))
    expect(page.locator('[data-testid="checkout-credit"]')).to_contain_text("€350.00")
    page.locator('[data-testid="place-order"]').click()
    refusal = page.locator('[data-testid="order-refusal"]')
    expect(refusal).to_contain_text("This order exceeds your credit limit: limit €2,500.00")
    expect(refusal).to_contain_text("owed €2,150.00")
    expect(refusal).to_contain_text("available €350.00")


def test_a_supervisor_checks_out_and_follows_the_order_to_shipped(page, live_server):
    sign_in(page, live_server, "supervisor@example.com")
    open_cart(page, live_server)
    empty_the_cart(page)
    page.locator("#quick-code").fill("KOF-FIL-1")
    page.locator("#quick-quantity").fill("2")
    page.locator("#quick-code").press("Enter")
    expect(page.locator('[data-testid="cart-line"]')).to_have_count(1)
    # 2 bags do not reach Café Lumière's minimum order value (€150): the cart says so
    expect(page.locator('[data-testid="minimum-notice"]')).to_be_visible()
    amount = page.locator('[data-testid="line-amount"]')
    before = amount.inner_text()
    quantity = page.locator('[data-testid="line-quantity"]')
    quantity.fill("12")
    quantity.press("Tab")  # changed in place
    expect(amount).not_to_have_text(before)
    expect(page.locator('[data-testid="minimum-notice"]')).to_have_count(0)
    page.locator('[data-testid="to-checkout"]').click()
    page.wait_for_url(re.compile(r"/checkout$"))
    point = page.locator('[data-testid="delivery-point"] option').filter(has_text="Réserve")
    page.locator('[data-testid="delivery-point"]').select_option(point.get_attribute("value"))
    slots = page.locator('[data-testid="slot"] option')
    later = slots.nth(2).get_attribute("value")
    page.locator('[data-testid="slot"]').select_option(later)
    page.locator("#po-reference").fill("PO-TEST-1")
    page.locator('[data-testid="place-order"]').click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(page.locator('[data-testid="order-status"]')).to_have_class(re.compile("status-placed"))
    expect(page.locator('[data-testid="delivery-point"]')).to_contain_text("Réserve")
    expect(page.locator('[data-testid="po-reference"]')).to_have_text("PO-TEST-1")
    order_url = page.url
    number = page.locator("h1").inner_text().split()[1]

    page.goto("about:blank")  # no poll of the old page may race the sign-in
    page.context.clear_cookies()
    sign_in(page, live_server, "supplier-staff@example.com")
    page.locator('.party-nav a[href$="/sales/"]').click()
    page.locator("#order-search").press_sequentially(number, delay=20)
    rows = page.locator('[data-testid="order-row"]')
    expect(rows).to_have_count(1)
    rows.first.locator("a").click()
    page.locator('[data-testid="do-confirm"]').click()
    expect(page.locator('[data-testid="order-status"]')).to_have_class(
        re.compile("status-confirmed")
    )
    page.locator('[data-testid="do-ship"]').click()
    expect(page.locator('[data-testid="order-status"]')).to_have_class(re.compile("status-shipped"))
    expect(page.locator('[data-testid="do-cancel"]')).to_have_count(0)  # staff cannot cancel

    page.goto("about:blank")  # no poll of the old page may race the sign-in
    page.context.clear_cookies()
    sign_in(page, live_server, "supervisor@example.com")
    page.goto(order_url)
    expect(page.locator('[data-testid="order-status"]')).to_have_class(re.compile("status-shipped"))
    expect(page.locator('[data-testid="order-history"] li')).to_have_count(3)  # its history


def test_without_javascript_an_order_is_placed_with_plain_forms(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "supervisor@example.com")
    open_cart(page, live_server)
    empty_the_cart_nojs(page)
    page.locator('[data-testid="tab-catalog"]').click()
    page.locator("#catalog-search").fill("KOF-FIL-1")
    page.locator("#catalog-search").press("Enter")
    item = page.locator('[data-testid="catalog-item"]').first
    item.locator('input[name^="quantity_"]').fill("2")
    item.locator(".add-to-cart button").click()
    expect(page.locator('[data-testid="cart-count"]')).to_have_text("1")
    page.locator('[data-testid="tab-cart"]').click()
    page.locator('[data-testid="line-quantity"]').fill("12")
    page.locator(".quantity-form button").click()  # a plain form: the page comes back
    expect(page.locator('[data-testid="line-quantity"]')).to_have_value("12")
    page.locator('[data-testid="to-checkout"]').click()
    page.locator('[data-testid="place-order"]').click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(page.locator('[data-testid="order-status"]')).to_have_class(re.compile("status-placed"))
    order_id = page.url.rsplit("/", 1)[1]
    # the supplier's staff confirm it with a plain form too
    page.context.clear_cookies()
    sign_in(page, live_server, "supplier-staff@example.com")
    page.locator('.party-nav a[href$="/sales/"]').click()
    page.locator(f'[data-testid="order-row"] a[href$="/sales/{order_id}"]').click()
    page.locator('[data-testid="do-confirm"]').click()
    expect(page.locator('[data-testid="order-status"]')).to_have_class(
        re.compile("status-confirmed")
    )


def test_a_buyer_adds_from_the_catalog_cards(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    open_cart(page, live_server)
    empty_the_cart(page)
    page.locator('[data-testid="tab-catalog"]').click()
    page.wait_for_url(re.compile(r"/catalog$"))
    cards = page.locator('[data-testid="catalog-item"]')
    cards.nth(1).locator('input[name^="quantity_"]').fill("3")
    cards.nth(1).locator(".add-to-cart button").click()
    toast = page.locator('[data-testid="add-status"]')
    expect(toast).to_contain_text("Added to your cart: 3 ×")
    expect(page.locator('[data-testid="cart-count"]')).to_have_text("1")
    cards.nth(4).locator(".add-to-cart button").click()
    expect(page.locator('[data-testid="cart-count"]')).to_have_text("2")
    toast.locator("a").click()
    page.wait_for_url(re.compile(r"/cart$"))
    expect(page.locator('[data-testid="line-quantity"]').first).to_have_value("3")


def empty_the_cart_nojs(page) -> None:
    remove = page.locator('[data-testid="cart-line"] form[action$="/remove"] button')
    while remove.count():
        remove.first.click()
        page.wait_for_url(re.compile(r"/cart$"))


def test_the_cart_on_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, "buyer@example.com")
    open_cart(page, live_server)
    expect(page.locator('[data-testid="cart-line"]').first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    for selector in ("#quick-code", '[data-testid="line-quantity"]', '[data-testid="to-checkout"]'):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44, (selector, box)
    page.locator('[data-testid="to-checkout"]').click()
    page.wait_for_url(re.compile(r"/checkout$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
