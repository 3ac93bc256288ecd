"""Loyalty points clicked as users would (issue 11, F38): the buyer opens Brouwer's Points tab
and reads the balance and the history (and follows an entry to its order), with and without
JavaScript; Brouwer's admin (Anne, who reads Dutch: found by test ids) sets Café Lumière's own
rate, after a refused one, and reads it on the client's overview.

In the demo, Brouwer's Horeca group earns one point per €10.00 net and Café Lumière is in it:
its delivered orders earned points, plus a welcome bonus."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

LUMIERE = 4  # Café Lumière's party id in the demo


def open_points(page, live_server) -> None:
    """My suppliers, Brouwer, its Points tab."""
    page.goto(f"{live_server}/p/{LUMIERE}/suppliers/")
    page.locator('a[href*="/suppliers/"][href$="/"]').filter(has_text="Brouwer").first.click()
    page.locator('[data-testid="tab-points"]').click()
    page.wait_for_url(re.compile(r"/points$"))


def test_the_buyer_reads_the_points_balance_and_history(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    page.goto(f"{live_server}/p/{LUMIERE}/suppliers/")
    page.locator('a[href*="/suppliers/"][href$="/"]').filter(has_text="Brouwer").first.click()
    # the overview shows the balance beside the terms
    expect(page.locator('[data-testid="points-balance"]')).to_contain_text(re.compile(r"\d points"))
    page.locator('[data-testid="tab-points"]').click()
    page.wait_for_url(re.compile(r"/points$"))
    expect(page.locator('[data-testid="points-rate"]')).to_contain_text(
        "1 point per €10.00 spent, before VAT"
    )
    balance = page.locator('[data-testid="points-balance"]').inner_text()
    total = int(re.sub(r"\D", "", balance))
    rows = page.locator('[data-testid="points-history"] tbody tr')
    expect(rows.first).to_be_visible()
    points = [
        int(text.replace(",", "").replace("+", "").replace("\u2212", "-"))
        for text in rows.locator("td.number").all_inner_texts()
    ]
    assert total == sum(points) and total > 100  # every entry is shown (fewer than 100)
    expect(page.locator('[data-testid="points-history"]')).to_contain_text("Welkomstbonus")
    first_order = rows.locator('a[href*="/orders/"]').first
    number = first_order.inner_text()
    first_order.click()
    page.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(page.locator("main")).to_contain_text(number)


def test_the_points_tab_works_without_javascript(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "both@example.com")  # Nordhavn: a rate of its own at Brouwer
    page.goto(f"{live_server}/p/3/suppliers/")
    page.locator('a[href*="/suppliers/"][href$="/"]').filter(has_text="Brouwer").first.click()
    page.locator('[data-testid="tab-points"]').click()
    expect(page.locator('[data-testid="points-rate"]')).to_contain_text(
        "1 point per €5.00 spent, before VAT"
    )
    expect(page.locator('[data-testid="points-history"] tbody tr').first).to_be_visible()


def test_the_supplier_sets_a_clients_rate(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    brouwer = re.search(r"/p/(\d+)/", page.url).group(1)
    page.goto(f"{live_server}/p/{brouwer}/clients/?q=Lumi%C3%A8re")
    page.locator("a").filter(has_text="Café Lumière").first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    card = page.locator("#client-loyalty")
    expect(card.locator('[data-testid="points-rate"]')).to_contain_text("Horeca")  # the group's
    before = card.locator('[data-testid="points-balance"]').inner_text()
    field = card.locator("#amount_per_point")
    field.fill("-5")
    card.locator('[data-testid="save-rate"]').click()
    expect(page.locator("#amount_per_point-error")).to_be_visible()
    expect(page.locator("#amount_per_point")).to_have_attribute("aria-invalid", "true")
    page.locator("#amount_per_point").fill("12,50")  # Anne writes Dutch
    page.locator('[data-testid="save-rate"]').click()
    page.wait_for_url(re.compile(r"/clients/\d+/(#client-loyalty)?$"))
    rate = page.locator('#client-loyalty [data-testid="points-rate"]')
    expect(rate).to_contain_text(re.compile(r"12,50"))
    expect(rate).not_to_contain_text("Horeca")  # its own now
    expect(page.locator("#amount_per_point")).to_have_value("12,50")
    expect(page.locator('#client-loyalty [data-testid="points-balance"]')).to_have_text(before)
