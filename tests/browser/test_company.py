"""Company settings clicked as a user would (F8, F9, F10, F41, F42): add a delivery address with
two delivery points in place, the same without JavaScript, read-only for employees, and how the
page looks on a 768 px tablet and a desktop.

Locators use ids, names and hrefs rather than English text: the demo admin reads Dutch."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, expect_focused, sign_in


def open_company_settings(page) -> str:
    """From the party's home, follow the nav to company settings; returns the page URL."""
    page.bring_to_front()  # focus checks need the tab to have the browser's focus
    page.locator('.party-nav a[href$="/company/"]').click()
    page.wait_for_url(re.compile(r"/p/\d+/company/$"))
    expect(page.locator("#company-settings")).to_be_visible()
    return page.url


def test_admin_adds_a_delivery_address_with_two_points_in_place(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    url = open_company_settings(page)
    page.evaluate("window.notReloaded = true")  # gone if the page reloads

    deliveries = page.locator("#addresses-delivery")
    deliveries.locator('a[href*="/addresses/new"]').click()
    form = deliveries.locator("form.add-form")
    expect(form).to_be_visible()
    expect_focused(form.locator('[name="label"]'))
    form.locator('[name="label"]').fill("Distributiecentrum Zaandam")
    form.locator('[name="street"]').fill("Symon Spiersweg 12")
    form.locator('[name="postal_code"]').fill("1506 rz")
    form.locator('[name="city"]').fill("Zaandam")
    expect(form.locator('[name="country"]')).to_have_value("NL")
    form.locator('button[type="submit"]').click()

    address = deliveries.locator('[data-testid="address"]', has_text="Distributiecentrum Zaandam")
    expect(address).to_be_visible()
    expect(address).to_contain_text("1506 RZ Zaandam")
    expect(deliveries.locator("form.add-form")).to_have_count(0)

    # the new address reads compactly: Manage opens its actions and its points' in place
    address.get_by_test_id("manage-address").click()
    expect(address.get_by_test_id("manage-done")).to_be_visible()
    for name, instructions in [
        ("Hal 1, laaddock", "Melden bij de portier."),
        ("Hal 2, koelcel", "Gekoelde producten direct naar de koelcel."),
    ]:
        address.locator('a[href*="/points/new"]').click()
        point_form = address.locator("form.add-form")
        expect_focused(point_form.locator('[name="name"]'))
        point_form.locator('[name="name"]').fill(name)
        point_form.locator('[name="instructions"]').fill(instructions)
        point_form.locator('button[type="submit"]').click()
        expect(address.locator('[data-testid="delivery-point"]', has_text=name)).to_be_visible()

    points = address.locator('[data-testid="delivery-point"]')
    expect(points).to_have_count(2)
    expect(points.first).to_contain_text("Melden bij de portier.")
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"
    assert page.url == url

    # edit a point in place, then cancel an edit of the address
    points.nth(1).locator('a[href*="/edit"]').click()
    edit = points.nth(1).locator("form")
    expect_focused(edit.locator('[name="name"]'))
    edit.locator('[name="name"]').fill("Hal 2, koelcel (achteringang)")
    edit.locator('button[type="submit"]').click()
    expect(address.locator('[data-testid="delivery-point"]').nth(1)).to_contain_text("achteringang")
    address.locator('.address-head ~ .form-actions a[href*="/edit"]').click()
    expect(address.locator('form [name="street"]')).to_be_visible()
    address.locator("form a.button-quiet").click()
    expect(address.locator('form [name="street"]')).to_have_count(0)
    expect(address).to_contain_text("Distributiecentrum Zaandam")
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"

    # Done: the address reads compactly again, its points by name
    address.get_by_test_id("manage-done").click()
    expect(address.get_by_test_id("manage-address")).to_be_visible()
    expect(address.locator('a[href*="/points/new"]')).to_have_count(0)
    expect(address.locator('[data-testid="delivery-point"]').nth(1)).to_have_text(
        "Hal 2, koelcel (achteringang)"
    )
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"

    # it was saved: a fresh load shows it
    page.reload()
    saved = page.locator('[data-testid="address"]', has_text="Distributiecentrum Zaandam")
    expect(saved.locator('[data-testid="delivery-point"]')).to_have_count(2)
    page.set_viewport_size({"width": 1280, "height": 900})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "company-settings-1280.png"), full_page=True)


def test_a_bad_postal_code_is_shown_on_the_field_in_place(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    open_company_settings(page)
    invoices = page.locator("#addresses-invoice")
    invoices.locator('a[href*="/addresses/new"]').click()
    form = invoices.locator("form.add-form")
    # the form takes the focus once htmx settles it; typing before that would race it
    expect_focused(form.locator('[name="label"]'))
    form.locator('[name="street"]').fill("Keizersgracht 1")
    form.locator('[name="postal_code"]').fill("10115")
    form.locator('[name="city"]').fill("Amsterdam")
    form.locator('button[type="submit"]').click()
    expect(invoices.locator("#addresses-invoice-postal_code-error")).to_contain_text("1234 AB")
    expect_focused(invoices.locator('[name="postal_code"]'))
    expect(invoices.locator('[data-testid="address"]')).to_have_count(1)


def test_adding_an_address_without_javascript(nojs_page, live_server):
    page = nojs_page
    sign_in(page, live_server, "supplier-admin@example.com")
    open_company_settings(page)
    page.locator('#addresses-invoice a[href*="/addresses/new"]').click()
    page.wait_for_url(re.compile(r"/addresses/new\?kind=invoice"))
    form = page.locator("#addresses-invoice form.add-form")
    form.locator('[name="label"]').fill("Boekhouding")
    form.locator('[name="street"]').fill("Postbus 1200")
    form.locator('[name="postal_code"]').fill("99")
    form.locator('[name="city"]').fill("Amsterdam")
    form.locator('button[type="submit"]').click()
    # a full page with the message on the field
    expect(page.locator("#addresses-invoice-postal_code-error")).to_contain_text("1234 AB")
    form = page.locator("#addresses-invoice form.add-form")
    form.locator('[name="postal_code"]').fill("1000 ac")
    form.locator('button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/company/(#addresses-invoice)?$"))
    address = page.locator('#addresses-invoice [data-testid="address"]', has_text="Boekhouding")
    expect(address).to_contain_text("1000 AC Amsterdam")
    expect(page.locator("#flashes .flash")).to_have_count(1)


def test_staff_see_settings_read_only_with_a_masked_iban(page, live_server):
    sign_in(page, live_server, "supplier-staff@example.com")
    open_company_settings(page)
    expect(page.get_by_test_id("iban")).to_have_text("NL91 •••• •••• •••• 4300")
    expect(page.locator('#company-settings a[href*="/edit"]')).to_have_count(0)
    expect(page.locator("#company-settings form")).to_have_count(0)


def test_campus_on_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, "valcarcel-buyer@example.com")
    open_company_settings(page)
    campus = page.locator('[data-testid="address"]', has_text="Campus de Montegancedo")
    expect(campus.locator('[data-testid="delivery-point"]')).to_have_count(3)
    # nothing wider than the screen, and the touch targets are big enough
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    for box in [b.bounding_box() for b in page.locator("#company-settings .button").all()]:
        assert box["height"] >= 44, box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "company-settings-768.png"), full_page=True)
    campus.get_by_test_id("manage-address").click()
    expect(campus.get_by_test_id("manage-done")).to_be_visible()  # swapped in
    for box in [b.bounding_box() for b in campus.locator(".button").all()]:
        assert box["height"] >= 44, box
    page.screenshot(path=str(ARTIFACTS / "company-settings-768-manage.png"), full_page=True)
    campus.locator('.address-head ~ .form-actions a[href*="/edit"]').click()
    expect(campus.locator('form [name="street"]')).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "company-settings-768-edit.png"), full_page=True)
