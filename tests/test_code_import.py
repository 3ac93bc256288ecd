"""Importing customer categories' own product codes from CSV (issue 9, F20): set, change, remove,
swap, the code unique per category, idempotent, errors by line and column, nothing written
until confirmed or when a row has an error, and access."""

from __future__ import annotations

import csv
import io
import re

import pytest

from models.catalog import Product, create_product
from models.price_lists import CategoryCode
from models.relationships import CustomerCategory
from tests.conftest import text_of

COLUMNS = ("category_code", "sku", "own_code", "own_description")


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # as a Dutch spreadsheet saves it
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode()


@pytest.fixture
def shop(make_party, make_member):
    party = make_party(language="nl", currency="EUR", country="NL")
    admin = make_member(party, "admin")
    products = [
        create_product(admin, party, sku=f"KOF-{n}", name_nl=f"Koffie {n}", list_price=5)
        for n in (1, 2, 3)
    ]
    horeca = CustomerCategory.create(supplier=party, name="Horeca", code="HOR")
    retail = CustomerCategory.create(supplier=party, name="Retail", code="RET")
    return {
        "party": party,
        "admin": admin,
        "products": products,
        "horeca": horeca,
        "retail": retail,
        "base": f"/p/{party.id}/products/codes/import",
    }


def upload(client, shop, rows):
    answer = client.post(
        f"{shop['base']}/",
        data={"file": (io.BytesIO(csv_bytes(rows)), "codes.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303, text_of(answer)
    return answer.headers["Location"]


def errors_of(response):
    return re.findall(
        r'data-testid="import-error"><td>(\d+)</td><td>[^<]*</td><td><code>([^<]*)</code></td><td>([^<]*)</td>',
        response.get_data(as_text=True),
    )


def codes(category) -> dict[str, tuple[str, str]]:
    rows = (
        CategoryCode.select(CategoryCode, Product)
        .join(Product)
        .where(CategoryCode.category == category)
    )
    return {row.product.sku: (row.code, row.description) for row in rows}


def test_codes_are_set_changed_and_removed_and_the_same_file_twice_changes_nothing(
    client, login, shop
):
    login(shop["admin"])
    location = upload(
        client,
        shop,
        [
            ("hor", "kof-1", "CL-1", "Koffie huismelange"),
            ("HOR", "KOF-2", "CL-2", ""),
            ("RET", "KOF-1", "R-1", "Retail koffie"),
        ],
    )
    page = client.get(location)
    assert "New codes: 3, changed: 0, removed: 0, without changes: 0." in text_of(page)
    assert CategoryCode.select().count() == 0
    done = client.post(location)
    assert done.status_code == 303
    assert codes(shop["horeca"]) == {"KOF-1": ("CL-1", "Koffie huismelange"), "KOF-2": ("CL-2", "")}
    assert codes(shop["retail"]) == {"KOF-1": ("R-1", "Retail koffie")}
    first = shop["products"][0]
    assert Product.get_by_id(first.id).version == first.version + 1  # its codes form is stale
    # a buyer's search by own code uses the imported code (the matching index is kept)
    assert CategoryCode.get(CategoryCode.code == "CL-1").code_key == "cl-1"
    # again: unchanged
    again = upload(
        client,
        shop,
        [
            ("HOR", "KOF-1", "CL-1", "Koffie huismelange"),
            ("HOR", "KOF-2", "CL-2", ""),
            ("RET", "KOF-1", "R-1", "Retail koffie"),
        ],
    )
    assert "New codes: 0, changed: 0, removed: 0, without changes: 3." in text_of(client.get(again))
    # a change, a removal and a swap of two codes in one file
    swap = upload(
        client,
        shop,
        [
            ("HOR", "KOF-1", "CL-2", "Nu twee"),
            ("HOR", "KOF-2", "CL-1", ""),
            ("RET", "KOF-1", "", ""),
        ],
    )
    assert "New codes: 0, changed: 2, removed: 1, without changes: 0." in text_of(client.get(swap))
    client.post(swap)
    assert codes(shop["horeca"]) == {"KOF-1": ("CL-2", "Nu twee"), "KOF-2": ("CL-1", "")}
    assert codes(shop["retail"]) == {}


def test_errors_are_listed_by_line_and_column_and_nothing_is_imported(client, login, shop):
    CategoryCode.create(
        category=shop["horeca"], product=shop["products"][2], code="TAKEN", code_key="taken"
    )
    login(shop["admin"])
    location = upload(
        client,
        shop,
        [
            ("HOR", "KOF-1", "CL-1", ""),
            ("XXX", "KOF-1", "CL-1", ""),
            ("HOR", "NOPE", "CL-9", ""),
            ("HOR", "KOF-1", "CL-7", ""),
            ("HOR", "KOF-2", "cl-1", ""),
            ("HOR", "KOF-2", "taken", ""),
            ("RET", "KOF-2", "", "Beschrijving zonder code"),
            ("RET", "KOF-3", "=1+1", ""),
        ],
    )
    page = client.get(location)
    errors = errors_of(page)
    assert ("3", "category_code", "You have no customer category with this code.") in errors
    assert ("4", "sku", "You have no product with this SKU.") in errors
    assert ("5", "sku", "This product is on line 2 too, for this category.") in errors
    assert ("6", "own_code", "This code is on line 2 too, for this category.") in errors
    assert ("7", "sku", "This product is on line 6 too, for this category.") in errors
    assert ("7", "own_code", "Another product already has this code in this category.") in errors
    assert ("8", "own_code", "Enter the code this description belongs to.") in errors
    assert any(e[:2] == ("9", "own_code") for e in errors)
    refused = client.post(location)
    assert refused.status_code == 409
    assert CategoryCode.select().count() == 1


def test_only_supervisors_import_codes_and_only_their_own(
    client, login, shop, make_party, make_member
):
    login(make_member(shop["party"], "employee"))
    assert client.get(f"{shop['base']}/").status_code == 403
    other = make_party()
    login(make_member(other, "admin"))
    CustomerCategory.create(supplier=other, name="Horeca", code="HOR")
    answer = client.post(
        f"/p/{other.id}/products/codes/import/",
        data={"file": (io.BytesIO(csv_bytes([("HOR", "KOF-1", "X", "")])), "c.csv")},
        content_type="multipart/form-data",
    )
    page = client.get(answer.headers["Location"])
    # the other supplier does not reach this supplier's SKUs
    assert ("2", "sku", "You have no product with this SKU.") in errors_of(page)
    batch_id = answer.headers["Location"].rsplit("/", 1)[1]
    login(shop["admin"])
    assert client.get(f"{shop['base']}/{batch_id}").status_code == 404
