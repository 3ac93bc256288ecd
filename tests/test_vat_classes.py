"""VAT classes of the supplier's own, and renamed ones (issue 9, F27): admins add a class with
its code and name, enter its rates in the rate table, products take it, the catalog prices
with it; any class can be renamed (a shipped one back to its own name); bad input is refused on
its field, a stale form with the saved name."""

from __future__ import annotations

import re

import pytest

from models.audit import AuditEntry
from models.catalog import create_product
from models.relationships import Relationship
from models.vat_classes import VatClass, VatRate
from tests.conftest import text_of


@pytest.fixture
def shop(make_party, make_member):
    party = make_party(language="en", currency="EUR", country="NL")
    return party, make_member(party, "admin", language="en")


def rate_version(page) -> str:
    form = page.get_data(as_text=True).split('data-testid="vat-form"', 1)[1]
    return re.search(r'name="version" value="([^"]*)"', form).group(1)


def test_an_admin_adds_a_class_enters_its_rate_and_products_are_priced_with_it(
    client, login, shop, make_party, make_member
):
    party, admin = shop
    login(admin)
    added = client.post(
        f"/p/{party.id}/products/vat/classes/",
        data={"name": "Super-reduced", "code": "Super_reduced"},
    )
    assert added.status_code == 303 and added.headers["Location"].endswith("#vat-classes")
    row = VatClass.get(VatClass.supplier == party, VatClass.code == "super_reduced")
    assert row.label == "Super-reduced"
    assert VatClass.select().where(VatClass.supplier == party).count() == 4  # with the shipped
    page = client.get(f"/p/{party.id}/products/vat")
    html = page.get_data(as_text=True)
    assert 'name="rate-super_reduced-NL"' in html and "Super-reduced" in text_of(page)
    saved = client.post(
        f"/p/{party.id}/products/vat",
        data={"version": rate_version(page), "rate-super_reduced-NL": "4"},
    )
    assert saved.status_code == 303
    assert VatRate.get(VatRate.vat_class == row, VatRate.country == "NL").rate_bp == 400
    assert AuditEntry.select().where(AuditEntry.area == "vat").count() == 2

    form = text_of(client.get(f"/p/{party.id}/products/new"))
    assert "Super-reduced" in form
    create_product(admin, party, sku="BRD-1", name_en="Bread", list_price=10, vat_class_id=row.id)
    customer = make_party(customer_type="consumer", country="NL")
    buyer = make_member(customer, language="en")
    link = Relationship.create(supplier=party, customer=customer, status="connected")
    login(buyer)
    catalog = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog"))
    assert "€10.40 incl. VAT" in catalog  # 10 plus 4 %


@pytest.mark.parametrize(
    "data, field_message",
    [
        ({"name": "Parking", "code": "9parking"}, "Use a lower-case letter"),
        ({"name": "Parking", "code": "parking-rate"}, "Use a lower-case letter"),
        ({"name": "", "code": "parking"}, "Enter a name."),
        ({"name": "Another standard", "code": "standard"}, "Another VAT class already has"),
    ],
)
def test_a_bad_class_is_refused_on_its_field(client, login, shop, data, field_message):
    party, admin = shop
    login(admin)
    answer = client.post(f"/p/{party.id}/products/vat/classes/", data=data)
    assert answer.status_code == 422
    assert field_message in text_of(answer)
    assert not VatClass.select().where(VatClass.name == data["name"], VatClass.name != "").exists()


def test_a_class_is_renamed_and_a_shipped_one_gets_its_own_name_back(client, login, shop):
    party, admin = shop
    login(admin)
    client.post(f"/p/{party.id}/products/vat/classes/", data={"name": "Parking", "code": "p12"})
    reduced = VatClass.get(VatClass.supplier == party, VatClass.code == "reduced")
    url = f"/p/{party.id}/products/vat/classes/{reduced.id}"
    form = client.get(f"{url}/edit")
    assert form.status_code == 200 and "Rename the VAT class Reduced rate" in text_of(form)
    assert client.post(url, data={"version": "1", "name": "Food"}).status_code == 303
    assert "Food" in text_of(client.get(f"/p/{party.id}/products/vat"))
    stale = client.post(url, data={"version": "1", "name": "Groceries"})
    assert stale.status_code == 409 and 'value="Food"' in stale.get_data(as_text=True)
    assert client.post(url, data={"version": "2", "name": ""}).status_code == 303
    assert VatClass.get_by_id(reduced.id).label == "Reduced rate"
    own = VatClass.get(VatClass.code == "p12")
    empty = client.post(
        f"/p/{party.id}/products/vat/classes/{own.id}", data={"version": "1", "name": ""}
    )
    assert empty.status_code == 422 and "Enter a name." in text_of(empty)


def test_only_admins_add_or_rename_classes(client, login, shop, make_member):
    party, _admin = shop
    login(make_member(party, "supervisor"))
    refused = client.post(
        f"/p/{party.id}/products/vat/classes/", data={"name": "Parking", "code": "parking"}
    )
    assert refused.status_code == 403
    assert not VatClass.select().where(VatClass.code == "parking").exists()
