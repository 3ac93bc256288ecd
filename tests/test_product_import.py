"""Importing products from CSV (issue 9, F24), on the client import's flow: a template, a preview
with every row's errors and line numbers, nothing written until confirmed, one transaction,
idempotent by SKU, empty cells keep what a product has, and access."""

from __future__ import annotations

import csv
import io
import re

import pytest

from models.audit import AuditEntry
from models.catalog import Product, ProductText, create_product
from models.imports import ImportBatch
from models.product_import import SPEC
from models.schedules import DeliverySchedule
from tests.conftest import text_of

ROW = {
    "sku": "KOF-1",
    "list_price": "18,50",
    "name_nl": "Koffiebonen",
    "name_en": "Coffee beans",
    "description_nl": "Gebrand in Utrecht.",
    "unit": "box",
    "pack_size": "12",
    "vat_class": "reduced",
    "purchase_price": "11.20",
    "active": "yes",
}


def csv_bytes(rows, columns=SPEC.columns) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


@pytest.fixture
def shop(make_party, make_member):
    party = make_party(language="nl", currency="EUR", country="NL")
    return {
        "party": party,
        "admin": make_member(party, "admin"),
        "base": f"/p/{party.id}/products/import",
    }


def upload(client, shop, data: bytes, name="products.csv"):
    return client.post(
        f"{shop['base']}/",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def errors_of(response) -> list[tuple[str, str, str]]:
    return re.findall(
        r'data-testid="import-error"><td>(\d+)</td><td>[^<]*</td><td><code>([^<]*)</code></td><td>([^<]*)</td>',
        response.get_data(as_text=True),
    )


def test_the_template_lists_every_column_and_imports_as_it_is(client, login, shop):
    login(shop["admin"])
    template = client.get(f"{shop['base']}/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    header = next(csv.reader(io.StringIO(template.get_data(as_text=True).lstrip("\ufeff"))))
    assert header == list(SPEC.columns)
    preview = upload(client, shop, template.get_data())
    assert preview.status_code == 303
    page = client.get(preview.headers["Location"])
    assert "New products: 1, changed: 0, without changes: 0." in text_of(page)


def test_a_file_is_previewed_then_imported_in_one_go_and_twice_changes_nothing(client, login, shop):
    party = shop["party"]
    DeliverySchedule.create(party=party, name="Koelwagen")
    login(shop["admin"])
    rows = [ROW, {**ROW, "sku": "KOF-2", "name_nl": "Thee", "unit": "kg", "schedule": "koelwagen"}]
    location = upload(client, shop, csv_bytes(rows)).headers["Location"]
    page = client.get(location)
    assert "New products: 2, changed: 0, without changes: 0." in text_of(page)
    assert Product.select().count() == 0  # nothing before the confirmation
    done = client.post(location)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/p/{party.id}/products/")
    products = {p.sku: p for p in Product.select().where(Product.supplier == party)}
    coffee, tea = products["KOF-1"], products["KOF-2"]
    assert (
        coffee.list_price_minor,
        coffee.purchase_price_minor,
        coffee.unit,
        coffee.pack_size,
    ) == (
        1850,
        1120,
        "box",
        12,
    )
    assert coffee.vat_class.code == "reduced" and coffee.active
    assert tea.pack_size is None and tea.schedule.name == "Koelwagen"
    texts = {
        (t.language, t.name) for t in ProductText.select().where(ProductText.product == coffee)
    }
    assert texts == {("nl", "Koffiebonen"), ("en", "Coffee beans")}
    assert "koffiebonen" in coffee.search_text and coffee.sort_name == "koffiebonen"
    listing = text_of(client.get(f"/p/{party.id}/products/?q=thee"))
    assert "KOF-2" in listing and "KOF-1" not in listing
    entry = AuditEntry.get(AuditEntry.area == "product", AuditEntry.action == "import")
    assert entry.subject == "products.csv"
    # the same file again: every row is unchanged, nothing is written
    again = upload(client, shop, csv_bytes(rows)).headers["Location"]
    assert "New products: 0, changed: 0, without changes: 2." in text_of(client.get(again))
    client.post(again)
    assert Product.get_by_id(coffee.id).version == coffee.version
    # a file of prices only: the names, the unit and the rest stay
    prices = csv_bytes([{"sku": "kof-1", "list_price": "19.00"}], columns=("sku", "list_price"))
    location = upload(client, shop, prices).headers["Location"]
    assert "New products: 0, changed: 1, without changes: 0." in text_of(client.get(location))
    client.post(location)
    coffee = Product.get_by_id(coffee.id)
    assert (coffee.list_price_minor, coffee.unit, coffee.pack_size, coffee.version) == (
        1900,
        "box",
        12,
        2,
    )
    assert ProductText.select().where(ProductText.product == coffee).count() == 2
    assert ImportBatch.get(ImportBatch.filename == "products.csv", ImportBatch.status == "done")


def test_bad_rows_are_listed_with_their_line_and_column_and_nothing_is_imported(
    client, login, shop
):
    login(shop["admin"])
    rows = [
        ROW,
        {**ROW, "sku": "KOF-2", "list_price": "-1"},
        {**ROW, "sku": "KOF-3", "unit": "barrel", "vat_class": "luxury"},
        {**ROW, "sku": "kof-1"},
        {**ROW, "sku": "KOF-4", "name_nl": "", "name_en": "", "description_nl": ""},
        {**ROW, "sku": "KOF-5", "name_nl": "=HYPERLINK(1)", "pack_size": "0", "active": "maybe"},
        {**ROW, "sku": "KOF 6", "list_price": "1.999"},
        {**ROW, "sku": "KOF-7", "list_price": "", "schedule": "Nowhere"},
    ]
    location = upload(client, shop, csv_bytes(rows)).headers["Location"]
    page = client.get(location)
    errors = errors_of(page)
    assert ("3", "list_price", "The amount cannot be negative.") in errors
    assert any(e[:2] == ("4", "unit") for e in errors)
    assert any(e[:2] == ("4", "vat_class") and "standard" in e[2] for e in errors)
    assert ("5", "sku", "This SKU is on line 2 too.") in errors
    assert ("6", "name_nl", "Enter the name in your company&#39;s language.") in errors
    assert any(e[:2] == ("7", "name_nl") for e in errors)
    assert any(e[:2] == ("7", "pack_size") for e in errors)
    assert ("7", "active", "Write yes or no.") in errors
    assert {e[1] for e in errors if e[0] == "8"} == {"sku", "list_price"}
    assert ("9", "list_price", "Enter the list price.") in errors
    assert ("9", "schedule", "You have no delivery schedule with this name.") in errors
    assert 'data-testid="import-confirm"' not in page.get_data(as_text=True)
    refused = client.post(location)
    assert refused.status_code == 409 and "7 rows have errors" in text_of(refused)
    assert Product.select().count() == 0


def test_an_update_keeps_the_product_form_honest_and_another_suppliers_sku_is_not_touched(
    client, login, shop, make_party, make_member
):
    party = shop["party"]
    other = make_party(language="nl")
    theirs = create_product(
        make_member(other, "admin"), other, sku="KOF-1", name_nl="Hun koffie", list_price=5
    )
    mine = create_product(shop["admin"], party, sku="KOF-1", name_nl="Mijn koffie", list_price=5)
    login(shop["admin"])
    location = upload(client, shop, csv_bytes([ROW])).headers["Location"]
    assert "New products: 0, changed: 1," in text_of(client.get(location))
    client.post(location)
    assert Product.get_by_id(mine.id).version == mine.version + 1
    assert Product.get_by_id(theirs.id).list_price_minor == 500
    # a form loaded before the import is stale now
    stale = client.post(
        f"/p/{party.id}/products/{mine.id}",
        data={"sku": "KOF-1", "name_nl": "Oud", "list_price": "5", "unit": "piece", "version": "1"},
    )
    assert stale.status_code == 409


def test_employees_cannot_import_and_another_suppliers_import_is_404(
    client, login, shop, make_party, make_member
):
    employee = make_member(shop["party"], "employee")
    login(employee)
    assert client.get(f"{shop['base']}/").status_code == 403
    other = make_party()
    other_admin = make_member(other, "admin")
    login(other_admin)
    answer = client.post(
        f"/p/{other.id}/products/import/",
        data={"file": (io.BytesIO(csv_bytes([ROW])), "p.csv")},
        content_type="multipart/form-data",
    )
    batch_url = answer.headers["Location"]
    login(shop["admin"])
    batch_id = batch_url.rsplit("/", 1)[1]
    assert client.get(f"{shop['base']}/{batch_id}").status_code == 404
    assert client.post(f"{shop['base']}/{batch_id}").status_code == 404
    assert Product.select().count() == 0


def test_a_file_that_is_not_a_product_file_is_refused_on_its_field(client, login, shop):
    login(shop["admin"])
    answer = upload(client, shop, b"name,price\nx,1\n")
    assert answer.status_code == 422
    assert "These columns are missing: sku, list_price." in text_of(answer)
    answer = upload(client, shop, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.csv")
    assert answer.status_code == 422


def test_sections_are_imported_by_name_or_path_and_replace_the_products_sections(
    client, login, shop, make_party
):
    from models.catalog import ProductSection
    from models.relationships import CustomerGroup
    from models.sections import create_section

    party, admin = shop["party"], shop["admin"]
    drinks = create_section(admin, party, name="Dranken")
    coffee = create_section(admin, party, name="Koffie", parent_id=drinks.id)
    vip = CustomerGroup.create(supplier=party, name="VIP", code="VIP")
    hidden = create_section(admin, party, name="Reserve", group_ids=[vip.id])
    food = create_section(admin, party, name="Eten")
    create_section(admin, party, name="Koffie", parent_id=food.id)  # a second "Koffie"
    login(admin)

    def sections_of(sku):
        product = Product.get(Product.supplier == party, Product.sku == sku)
        links = ProductSection.select().where(ProductSection.product == product)
        return product, {link.section_id for link in links}

    rows = [
        {**ROW, "sections": "Dranken > Koffie | reserve"},
        {**ROW, "sku": "KOF-2", "sections": "Dranken"},
        {**ROW, "sku": "KOF-3", "sections": "Koffie"},  # which one?
        {**ROW, "sku": "KOF-4", "sections": "Thee"},
    ]
    location = upload(client, shop, csv_bytes(rows, (*SPEC.columns,))).headers["Location"]
    errors = errors_of(client.get(location))
    assert errors == [
        (  # (as the page's HTML writes it)
            "4",
            "sections",
            "More than one section is called “Koffie”: write its path, e.g. Beverages &gt; Coffee.",
        ),
        ("5", "sections", "You have no section “Thee”."),
    ]
    assert client.post(location).status_code == 409 and ProductSection.select().count() == 0

    location = upload(client, shop, csv_bytes(rows[:2])).headers["Location"]
    assert client.post(location).status_code == 303
    first, in_sections = sections_of("KOF-1")
    assert in_sections == {coffee.id, hidden.id} and not first.restricted
    assert sections_of("KOF-2")[1] == {drinks.id}
    # the same file again changes nothing; an empty cell keeps the sections; a value replaces
    location = upload(client, shop, csv_bytes(rows[:2])).headers["Location"]
    assert "New products: 0, changed: 0, without changes: 2." in text_of(client.get(location))
    again = [{**ROW, "sections": "Reserve"}, {**ROW, "sku": "KOF-2", "list_price": "3"}]
    location = upload(client, shop, csv_bytes(again)).headers["Location"]
    assert client.post(location).status_code == 303
    first, in_sections = sections_of("KOF-1")
    assert in_sections == {hidden.id} and first.restricted  # only a group's section now
    assert sections_of("KOF-2")[1] == {drinks.id}
    # a section's name in another language names it too
    from models.catalog import Section
    from models.sections import update_section

    version = Section.get_by_id(coffee.id).version
    update_section(
        admin, party, coffee.id, version, name="Koffie", parent_id=drinks.id, names={"en": "Coffee"}
    )
    english = [{**ROW, "sku": "KOF-2", "sections": "coffee"}]
    location = upload(client, shop, csv_bytes(english)).headers["Location"]
    assert client.post(location).status_code == 303
    assert sections_of("KOF-2")[1] == {coffee.id}
