"""The client book clicked as a user would (issue 8, F14, F15): find a client by typing part
of its VAT number, open it and read its terms with their source; the same search without
JavaScript; and how the list looks on a 768 px tablet.

Locators use ids, names and hrefs rather than English text: the demo admin reads Dutch."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in


def test_admin_finds_a_client_by_part_of_its_vat_number_and_reads_its_terms(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.locator('.party-nav a[href$="/clients/"]').click()
    page.wait_for_url(re.compile(r"/p/\d+/clients/$"))
    rows = page.locator('[data-testid="client-row"]')
    expect(rows).to_have_count(25)  # the first page of ~200 demo clients
    expect(page.locator('[data-testid="delinquency-warning"]').first).to_be_visible()
    page.evaluate("window.notReloaded = true")

    # Nordhavn Supply (DK13585628) is a client of Brouwer: a part of its VAT number finds it
    page.locator("#client-search").press_sequentially("3585628", delay=30)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nordhavn Supply")
    expect(page).to_have_url(re.compile(r"q=3585628"))  # the query is in the URL
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"

    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    expect(page.locator("h1")).to_have_text("Nordhavn Supply")
    terms = page.locator('[data-testid="terms"]')
    expect(terms).to_contain_text("€ 5.000,00")  # Brouwer's default credit limit, in Dutch
    expect(terms.locator(".term-source").first).to_be_visible()
    page.go_back()
    expect(rows).to_have_count(1)  # back to the search as it was


def test_without_javascript_the_filter_is_a_plain_form(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "supplier-staff@example.com")
    page.goto(f"{live_server}/p/1/clients/")
    page.locator("#filter-delinquency").select_option("do_not_sell")
    page.locator('form.filters button[type="submit"]').click()
    page.wait_for_url(re.compile(r"delinquency=do_not_sell"))
    # the demo's two: a generated client and Universidad de Valcárcel
    expect(page.locator('[data-testid="client-row"]')).to_have_count(2)
    expect(page.locator('[data-testid="do-not-sell"]')).to_have_count(2)


def test_the_client_list_fits_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/")
    expect(page.locator('[data-testid="client-row"]').first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    page.screenshot(path=str(ARTIFACTS / "clients-tablet.png"), full_page=False)
    page.locator('[data-testid="client-row"] a').first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    page.screenshot(path=str(ARTIFACTS / "client-tablet.png"), full_page=True)


def test_admin_changes_a_credit_limit_in_place_and_sees_it_in_the_audit_log(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/?q=K0019")
    page.locator('[data-testid="client-row"] a').first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    page.evaluate("window.notReloaded = true")
    terms = page.locator("#client-terms")
    terms.locator('a[href$="/terms/edit"]').click()
    form = terms.locator("form")
    expect(form.locator('[name="credit_limit"]')).to_be_visible()
    form.locator('[name="credit_limit"]').fill("7.500,00")  # as a Dutch reader writes it
    form.locator('button[type="submit"]').click()
    expect(terms.locator('[data-testid="credit-limit"]')).to_contain_text("€ 7.500,00")
    expect(terms.locator(".flash")).to_be_visible()
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"

    page.locator('.party-nav a[href$="/audit/"]').click()
    page.wait_for_url(re.compile(r"/audit/$"))
    first_entry = page.locator("#audit-rows tbody tr").first
    expect(first_entry).to_contain_text("Café Duinzicht")
    expect(first_entry).to_contain_text("€ 7.500,00")
