"""Importing products and customer codes clicked as a user would (issue 9, F24, F20): the demo
supplier's admin uploads a product file with one bad row, reads its error with the line, fixes
the file and imports it; the new products are in the list. Then a customer code file is
imported and the buyer of that category finds a new product by typing the code."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in

HEADER = "sku;list_price;name_nl;name_en;unit;vat_class\n"
GOOD = "IMP-THEE-1;4,95;Groene thee;Green tea;box;reduced\n"
BAD = "IMP-THEE-2;-3;Zwarte thee;Black tea;barrel;reduced\n"
FIXED = "IMP-THEE-2;3,95;Zwarte thee;Black tea;box;reduced\n"


def test_admin_imports_products_after_fixing_a_bad_row(page, live_server, tmp_path):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/products/")
    page.locator('[data-testid="import-products"]').click()
    page.wait_for_url(re.compile(r"/products/import/$"))
    with page.expect_download() as download:  # a file, not the page replaced by its text
        page.locator('[data-testid="import-template"]').click()
    assert download.value.suggested_filename == "products-template.csv"
    assert "sections" in download.value.path().read_text(encoding="utf-8-sig").splitlines()[0]
    expect(page).to_have_url(re.compile(r"/products/import/$"))
    broken = tmp_path / "producten.csv"
    broken.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    page.locator("#file").set_input_files(str(broken))
    page.locator('[data-testid="upload-submit"]').click()
    page.wait_for_url(re.compile(r"/products/import/\d+$"))
    errors = page.locator('[data-testid="import-error"]')
    expect(errors).to_have_count(2)  # the negative price and the unknown unit, both on line 3
    expect(errors.first).to_contain_text("3")
    expect(page.locator('[data-testid="import-confirm"]')).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "product-import-errors.png"), full_page=True)

    fixed = tmp_path / "producten-2.csv"
    fixed.write_text(HEADER + GOOD + FIXED, encoding="utf-8")
    page.goto(f"{live_server}/p/1/products/import/")
    page.locator("#file").set_input_files(str(fixed))
    page.locator('[data-testid="upload-submit"]').click()
    page.wait_for_url(re.compile(r"/products/import/\d+$"))
    expect(page.locator('[data-testid="import-errors"]')).to_have_count(0)
    expect(page.locator('[data-testid="import-row"]')).to_have_count(2)
    page.locator('[data-testid="import-confirm"]').click()
    page.wait_for_url(re.compile(r"/products/$"))
    expect(page.locator(".flash")).to_contain_text("2")
    page.locator("#product-search").fill("IMP-THEE")
    rows = page.locator('[data-testid="product-row"]')
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Groene thee")

    # the customer codes of Café Lumière's category for the new teas
    page.goto(f"{live_server}/p/1/products/")
    page.locator('[data-testid="import-codes"]').click()
    page.wait_for_url(re.compile(r"/products/codes/import/$"))
    codes = tmp_path / "codes.csv"
    codes.write_text(
        "category_code,sku,own_code,own_description\n"
        "LUM,IMP-THEE-1,LUM-TEA-1,Thee groen huis\n"
        "LUM,IMP-THEE-2,LUM-TEA-2,\n",
        encoding="utf-8",
    )
    page.locator("#file").set_input_files(str(codes))
    page.locator('[data-testid="upload-submit"]').click()
    page.wait_for_url(re.compile(r"/codes/import/\d+$"))
    expect(page.locator('[data-testid="import-row"]')).to_have_count(2)
    page.locator('[data-testid="import-confirm"]').click()
    page.wait_for_url(re.compile(r"/products/$"))

    page.goto("about:blank")  # away from the page (its unread poll), signed out: the buyer
    page.context.clear_cookies()
    sign_in(page, live_server, "buyer@example.com")
    page.goto(f"{live_server}/p/4/suppliers/1/catalog")
    page.locator("#catalog-search").press_sequentially("LUM-TEA-1", delay=30)
    items = page.locator('[data-testid="catalog-item"]')
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("LUM-TEA-1")
