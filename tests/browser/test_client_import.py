"""Importing clients clicked as a user would (issue 8, F23): the demo supplier's admin uploads a
CSV with one bad row, reads the error with its line, fixes the file, uploads it again and
imports; the new clients are in the list."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in

HEADER = "client_code;name;country;street;postal_code;city;group;credit_limit;tags\n"
GOOD = "N9001;Bistro Noord;NL;Kade 1;1011 AB;Amsterdam;HOR;2500,00;terras\n"
BAD = "N9002;Hotel Oost;NL;Laan 2;10;Utrecht;HOR;-300;\n"
FIXED = "N9002;Hotel Oost;NL;Laan 2;3511 AB;Utrecht;HOR;300;\n"


def test_admin_imports_a_csv_after_fixing_its_bad_row(page, live_server, tmp_path):
    sign_in(page, live_server, "supplier-admin@example.com")
    page.goto(f"{live_server}/p/1/clients/")
    page.locator('[data-testid="import-clients"]').click()
    page.wait_for_url(re.compile(r"/clients/import/$"))
    broken = tmp_path / "klanten.csv"
    broken.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    page.locator("#file").set_input_files(str(broken))
    page.locator('[data-testid="upload-submit"]').click()
    page.wait_for_url(re.compile(r"/clients/import/\d+$"))
    errors = page.locator('[data-testid="import-error"]')
    expect(errors).to_have_count(2)  # the postal code and the negative amount, both on line 3
    expect(errors.first).to_contain_text("3")
    expect(page.locator('[data-testid="import-confirm"]')).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "import-errors.png"), full_page=True)

    fixed = tmp_path / "klanten-2.csv"
    fixed.write_text(HEADER + GOOD + FIXED, encoding="utf-8")
    page.goto(f"{live_server}/p/1/clients/import/")
    page.locator("#file").set_input_files(str(fixed))
    page.locator('[data-testid="upload-submit"]').click()
    page.wait_for_url(re.compile(r"/clients/import/\d+$"))
    expect(page.locator('[data-testid="import-errors"]')).to_have_count(0)
    expect(page.locator('[data-testid="import-row"]')).to_have_count(2)
    page.locator('[data-testid="import-confirm"]').click()
    page.wait_for_url(re.compile(r"/clients/$"))
    expect(page.locator(".flash")).to_contain_text("2")
    page.locator("#client-search").fill("N900")
    expect(page.locator('[data-testid="client-row"]')).to_have_count(2)
