"""The catalog clicked as users would (issue 9): a supplier's supervisor adds a product typed
the Dutch way and finds it in the list; a buyer opens the supplier's Catalog tab, searches as
they type and reads where a price came from; the same on a 768 px tablet.

Locators use ids, names and test ids rather than English text where the user reads Dutch."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in


def open_brouwers_catalog(page, live_server) -> None:
    """As buyer@example.com (Café Lumière): My suppliers, Brouwer, its Catalog tab."""
    page.goto(f"{live_server}/p/4/suppliers/")
    page.locator('a[href*="/suppliers/"][href$="/"]').filter(has_text="Brouwer").first.click()
    page.locator('[data-testid="tab-catalog"]').click()


def test_an_admin_adds_a_product_and_finds_it_by_typing(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.locator('.party-nav a[href$="/products/"]').click()
    page.wait_for_url(re.compile(r"/p/\d+/products/$"))
    page.locator('[data-testid="add-product"]').click()
    page.locator("#sku").fill("KAAS-OUD-1")
    page.locator("#unit").select_option("kg")
    page.locator("#list_price").fill("1.234,50")  # the admin writes Dutch amounts
    page.locator("#name_nl").fill("Oude Leidse kaas")
    page.locator("#name_en").fill("Aged Leyden cheese")
    page.locator('[data-testid="save-product"]').click()
    page.wait_for_url(re.compile(r"/products/$"))
    page.locator("#product-search").press_sequentially("leidse", delay=30)
    rows = page.locator('[data-testid="product-row"]')
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("€ 1.234,50")
    expect(page).to_have_url(re.compile(r"q=leidse"))


def test_a_buyer_searches_the_catalog_and_reads_the_price_breakdown(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    open_brouwers_catalog(page, live_server)
    page.wait_for_url(re.compile(r"/catalog$"))
    items = page.locator('[data-testid="catalog-item"]')
    expect(items.first).to_be_visible()
    page.evaluate("window.notReloaded = true")
    page.locator("#catalog-search").press_sequentially("espresso beans", delay=30)
    expect(items).to_have_count(1)
    assert page.evaluate("window.notReloaded === true"), "the page reloaded"
    item = items.first
    expect(item.locator('[data-testid="catalog-price"]')).to_contain_text("excl. VAT")
    item.locator("summary").click()
    steps = item.locator('[data-testid="price-step"]')
    expect(steps.first).to_be_visible()
    expect(item).to_contain_text("Horeca 2027")  # the group's price list
    expect(page.locator('[data-testid="tax-regime"]')).to_contain_text("reverse-charged")
    item.locator(".catalog-name a").click()  # the product's own page
    page.wait_for_url(re.compile(r"/catalog/\d+$"))
    expect(page.locator('[data-testid="product-page"]')).to_contain_text("KOF-ESP-1")
    expect(page.locator('[data-testid="earliest-delivery"]')).to_contain_text("at the earliest")


def test_the_catalog_on_a_tablet(tablet_page, live_server):
    page = tablet_page
    sign_in(page, live_server, "buyer@example.com")
    open_brouwers_catalog(page, live_server)
    page.wait_for_url(re.compile(r"/catalog$"))
    expect(page.locator('[data-testid="catalog-item"]').first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width
    summary = page.locator(".price-breakdown summary").first.bounding_box()
    assert summary["height"] >= 44
    name = page.locator(".catalog-name a").first.bounding_box()
    assert name["height"] >= 44
    neighbour = page.locator('[data-testid="catalog-price"]').nth(1)
    where = "e => e.getBoundingClientRect().top + window.scrollY"  # on the page, not the screen
    before = neighbour.evaluate(where)
    page.locator(".price-breakdown summary").first.click()  # its neighbour keeps its place
    expect(page.locator('[data-testid="price-step"]').first).to_be_visible()
    assert abs(neighbour.evaluate(where) - before) < 2
    page.screenshot(path=str(ARTIFACTS / "catalog-tablet.png"), full_page=True)
    # the pager shows the new page from its top, not the bottom of the old one
    page.locator("#catalog-rows nav.pager").get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator('[data-testid="catalog-summary"]')).to_contain_text("25")
    top = page.evaluate("document.getElementById('catalog-rows').getBoundingClientRect().top")
    assert -2 <= top <= 200, top


def test_a_buyer_finds_a_product_by_typing_their_own_code(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    open_brouwers_catalog(page, live_server)
    page.wait_for_url(re.compile(r"/catalog$"))
    page.locator("#catalog-search").press_sequentially("CL-1003", delay=30)
    items = page.locator('[data-testid="catalog-item"]')
    expect(items).to_have_count(1)
    expect(items.first.locator('[data-testid="own-code"]')).to_contain_text("CL-1003")
    expect(items.first).to_contain_text("CRS-BTR-40")  # the supplier's SKU beside it


def test_an_admin_views_the_catalog_as_a_client_and_leaves_in_one_click(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/?q=Lumi")
    page.locator('[data-testid="client-row"] a').first.click()
    page.wait_for_url(re.compile(r"/clients/\d+/$"))
    client_url = page.url
    page.locator('[data-testid="view-as"]').click()
    page.wait_for_url(re.compile(r"/view-as$"))
    expect(page.locator('[data-testid="view-as-banner"]')).to_contain_text("Café Lumière")
    expect(page.locator('[data-testid="announcement"]')).to_be_visible()
    page.locator("#catalog-search").press_sequentially("CL-100", delay=30)
    expect(page.locator('[data-testid="catalog-item"]')).to_have_count(4)  # its four codes
    expect(page.locator('[data-testid="own-code"]').first).to_be_visible()
    page.locator('[data-testid="view-as-exit"]').click()
    page.wait_for_url(client_url)


def test_a_buyer_browses_a_section(page, live_server):
    sign_in(page, live_server, "buyer@example.com")  # Café Lumière: in the Horeca group
    open_brouwers_catalog(page, live_server)
    nav = page.locator('[data-testid="section-nav"]')
    # the group's own section, named in the buyer's language (Brouwer writes Dutch)
    nav.get_by_role("link", name="Catering supplies").click()
    page.wait_for_url(re.compile(r"section=\d+"))
    items = page.locator('[data-testid="catalog-item"]')
    expect(items).to_have_count(24)  # a full page of its 59 products
    expect(page.locator('[data-testid="catalog-thumb"]').first).to_be_visible()
    page.locator("#catalog-search").press_sequentially("bkr-pap", delay=30)
    expect(items).to_have_count(1)
    expect(page.locator('[data-testid="catalog-item"]', has_text="BKR-PAP-1000")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "catalog-section.png"), full_page=True)


def test_an_admin_adjusts_a_vat_rate(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/products/")
    page.locator('[data-testid="vat-rates"]').click()
    page.wait_for_url(re.compile(r"/products/vat$"))
    field = page.locator("#rate-reduced-NL")
    expect(field).to_have_value("9")
    field.fill("12,5")  # the admin writes Dutch decimals
    page.locator("#rate-standard-BE").fill("200")
    page.locator('[data-testid="save-vat"]').click()
    expect(page.locator("#rate-standard-BE-error")).to_be_visible()
    expect(page.locator("#rate-reduced-NL")).to_have_value("12,5")  # what was typed stays
    page.locator("#rate-standard-BE").fill("21")
    page.locator('[data-testid="save-vat"]').click()
    page.wait_for_url(re.compile(r"/products/vat$"))
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator("#rate-reduced-NL")).to_have_value("12,5")
    page.set_viewport_size({"width": 768, "height": 1024})
    page.screenshot(path=str(ARTIFACTS / "vat-rates-tablet.png"), full_page=False)


def test_an_admin_gives_a_product_its_image_and_a_buyer_sees_it(page, live_server, tmp_path):
    from PIL import Image

    photo = tmp_path / "cheese.jpg"
    Image.new("RGB", (1600, 1200), (230, 190, 60)).save(photo, "JPEG")
    not_a_photo = tmp_path / "notes.png"
    not_a_photo.write_text("not an image")
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/products/?q=KOF-ESP-1")
    page.locator('[data-testid="product-row"] a').first.click()
    page.wait_for_url(re.compile(r"/products/\d+/edit$"))
    page.locator("#image").set_input_files(str(not_a_photo))
    page.locator('[data-testid="upload-image"]').click()
    expect(page.locator("#image-error")).to_contain_text("JPEG-, PNG-, WebP- of GIF")  # in Dutch
    page.locator("#image").set_input_files(str(photo))
    page.locator('[data-testid="upload-image"]').click()
    image = page.locator('[data-testid="product-image"]')
    expect(image).to_be_visible()
    # the picture itself, loaded: its large rendering, 800 px wide (a property check: a string
    # expression to poll would be evaluated in the page, which its CSP refuses)
    expect(image).to_have_js_property("naturalWidth", 800)

    buyer = page.context.browser.new_page()
    sign_in(buyer, live_server, "buyer@example.com")
    open_brouwers_catalog(buyer, live_server)
    buyer.locator("#catalog-search").press_sequentially("espresso beans", delay=30)
    items = buyer.locator('[data-testid="catalog-item"]')
    expect(items).to_have_count(1)
    expect(items.first.locator('[data-testid="catalog-thumb"]')).to_be_visible()
    items.first.locator(".catalog-name a").click()
    buyer.wait_for_url(re.compile(r"/catalog/\d+$"))
    expect(buyer.locator('[data-testid="product-image"]')).to_have_attribute(
        "alt", "Espresso beans"
    )
    buyer.close()


def test_an_admin_adds_a_vat_class_and_enters_its_rate(page, live_server):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/products/vat")
    page.locator("#name").fill("Superverlaagd")
    page.locator("#code").fill("super-reduced")  # a hyphen: refused on its field
    page.locator('[data-testid="add-vat-class"]').click()
    expect(page.locator("#code-error")).to_be_visible()
    page.locator("#code").fill("super_reduced")
    page.locator('[data-testid="add-vat-class"]').click()
    expect(page.locator('[data-testid="vat-classes"]')).to_contain_text("Superverlaagd")
    page.locator("#rate-super_reduced-NL").fill("4")
    page.locator('[data-testid="save-vat"]').click()
    expect(page.locator(".flash")).to_contain_text("1")  # one rate saved (in Dutch, her language)
    expect(page.locator("#rate-super_reduced-NL")).to_have_value("4")


def test_a_buyer_reads_their_own_codes_instead_of_the_skus(page, live_server):
    sign_in(page, live_server, "buyer@example.com")
    page.goto(f"{live_server}/account/")
    page.locator("#own_codes_instead").check()
    page.locator("#profile-form button[type=submit]").click()
    expect(page.locator(".flash")).to_be_visible()
    open_brouwers_catalog(page, live_server)
    page.locator("#catalog-search").press_sequentially("CL-1001", delay=30)
    item = page.locator('[data-testid="catalog-item"]')
    expect(item).to_have_count(1)
    expect(item.first.locator('[data-testid="own-code"]')).to_contain_text("CL-1001")
    expect(item.first.locator('[data-testid="sku"]')).to_have_count(0)  # no SKU beside it
