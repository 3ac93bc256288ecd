"""The supplier's VAT rates per class and country (issue 9, F27), kept as data: shipped EU rates
before the first product, adjusted by admins (a rate refused on its own field, nothing written),
stale forms refused, and the catalog prices with the adjusted rate."""

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
    party = make_party(language="nl", currency="EUR", country="NL")
    return party, make_member(party, "admin")


def version_of(page) -> str:
    return re.search(r'name="version" value="([^"]*)"', page.get_data(as_text=True)).group(1)


def test_the_shipped_rates_show_before_the_first_product_and_a_save_keeps_them(client, login, shop):
    party, admin = shop
    login(admin)
    page = client.get(f"/p/{party.id}/products/vat")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="rate-standard-NL" id="rate-standard-NL" value="21"' in html
    assert 'name="rate-reduced-FR" id="rate-reduced-FR" value="5.5"' in html
    assert VatClass.select().count() == 0  # reading writes nothing
    saved = client.post(
        f"/p/{party.id}/products/vat",
        data={"version": version_of(page), "rate-reduced-NL": "9", "rate-standard-DE": "19,5"},
    )
    assert saved.status_code == 303
    rate = VatRate.get(VatRate.country == "DE", VatRate.vat_class == VatClass.get(code="standard"))
    assert rate.rate_bp == 1950
    assert VatRate.select().count() == 27 * 3  # the shipped ones, written with the first save
    entry = AuditEntry.get(AuditEntry.area == "vat")
    assert "19.5 %" in entry.changes


def test_the_catalog_uses_an_adjusted_rate(client, login, shop, make_party, make_member):
    party, admin = shop
    create_product(admin, party, sku="KOF-1", name_nl="Koffie", list_price=10)
    customer = make_party(customer_type="consumer", country="NL")
    buyer = make_member(customer)
    link = Relationship.create(supplier=party, customer=customer, status="connected")
    login(admin)
    page = client.get(f"/p/{party.id}/products/vat")
    client.post(
        f"/p/{party.id}/products/vat", data={"version": version_of(page), "rate-standard-NL": "20"}
    )
    login(buyer)
    catalog = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog"))
    assert "€12.00 incl. VAT" in catalog


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "A rate lies between 0 and 100 %."),
        ("101", "A rate lies between 0 and 100 %."),
        ("abc", "Write a rate in percent, like 21 or 5.5."),
        ("5.555", "Use at most two decimals."),
        ("NaN", "Write a rate in percent, like 21 or 5.5."),
    ],
)
def test_a_bad_rate_is_refused_on_its_field_and_nothing_is_written(
    client, login, shop, value, message
):
    party, admin = shop
    create_product(admin, party, sku="KOF-1", name_nl="Koffie", list_price=10)
    login(admin)
    page = client.get(f"/p/{party.id}/products/vat")
    answer = client.post(
        f"/p/{party.id}/products/vat",
        data={"version": version_of(page), "rate-reduced-NL": "8", "rate-standard-BE": value},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert f'<p class="error" id="rate-standard-BE-error">{message}</p>' in html
    assert f'value="{value}"' in html  # what was typed stays
    assert (
        VatRate.get(
            VatRate.country == "NL", VatRate.vat_class == VatClass.get(code="reduced")
        ).rate_bp
        == 900
    )


def test_a_stale_form_is_refused_and_employees_only_read(client, login, shop, make_member):
    party, admin = shop
    create_product(admin, party, sku="KOF-1", name_nl="Koffie", list_price=10)
    login(admin)
    old = version_of(client.get(f"/p/{party.id}/products/vat"))
    client.post(f"/p/{party.id}/products/vat", data={"version": old, "rate-reduced-NL": "8"})
    stale = client.post(
        f"/p/{party.id}/products/vat", data={"version": old, "rate-reduced-NL": "7"}
    )
    assert stale.status_code == 409
    employee = make_member(party, "employee")
    login(employee)
    page = client.get(f"/p/{party.id}/products/vat")
    assert page.status_code == 200 and "disabled" in page.get_data(as_text=True)
    assert client.post(f"/p/{party.id}/products/vat", data={"version": old}).status_code == 403


def test_a_supplier_outside_the_eu_keeps_its_own_countrys_rates(
    client, login, make_party, make_member
):
    party = make_party(language="en", currency="GBP", country="GB")
    admin = make_member(party, "admin")
    create_product(admin, party, sku="TEA-1", name_en="Tea", list_price=10)
    customer = make_party(customer_type="consumer", country="GB")
    buyer = make_member(customer)
    link = Relationship.create(supplier=party, customer=customer, status="connected")
    login(buyer)
    assert "Price on request" in text_of(
        client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog")
    )
    login(admin)
    page = client.get(f"/p/{party.id}/products/vat")
    assert 'name="rate-standard-GB"' in page.get_data(as_text=True)
    client.post(
        f"/p/{party.id}/products/vat", data={"version": version_of(page), "rate-standard-GB": "20"}
    )
    login(buyer)
    assert "£12.00 incl. VAT" in text_of(
        client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog")
    )
