"""View as client (F47): supervisors and admins see a client's catalog as its buyers do, under
a banner with a way out; every opening is audited; employees and other suppliers may not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.audit import AuditEntry
from models.catalog import create_product
from models.price_lists import PriceList, PriceListEntry
from models.relationships import Relationship
from tests.conftest import text_of


@pytest.fixture
def shop(make_party, make_member):
    supplier = make_party(display_name="Brouwer")
    admin = make_member(supplier, "admin")
    coffee = create_product(admin, supplier, sku="KOF-1", name_en="Coffee", list_price=Decimal(10))
    gold = PriceList.create(supplier=supplier, name="Gold", code="G", code_key="g")
    PriceListEntry.create(price_list=gold, product=coffee, price_minor=800)
    customer = make_party(display_name="Café Lumière", customer_type="consumer")
    link = Relationship.create(
        supplier=supplier, customer=customer, status="connected", price_list_id=gold.id
    )
    return supplier, admin, link


def test_a_supervisor_sees_the_clients_prices_under_a_banner_and_it_is_audited(
    client, login, shop, make_member
):
    supplier, _admin, link = shop
    supervisor = make_member(supplier, "supervisor")
    login(supervisor)
    client_page = client.get(f"/p/{supplier.id}/clients/{link.id}/").get_data(as_text=True)
    assert f"/clients/{link.id}/view-as" in client_page
    page = client.get(f"/p/{supplier.id}/clients/{link.id}/view-as")
    text = text_of(page)
    assert "You are viewing the catalog as Café Lumière's buyers see it." in text
    assert "€9.68 incl. VAT" in text  # the client's list (8.00) plus Dutch VAT, as a consumer
    assert f'href="/p/{supplier.id}/clients/{link.id}/"' in page.get_data(as_text=True)  # exit
    entry = AuditEntry.get(AuditEntry.action == "view_as")
    assert (entry.actor_id, entry.record_id, entry.subject) == (
        supervisor.id,
        link.id,
        "Café Lumière",
    )
    # searching inside the view answers the rows and is not counted again
    rows = client.get(
        f"/p/{supplier.id}/clients/{link.id}/view-as?q=coffee",
        headers={"HX-Request": "true", "HX-Target": "catalog-rows"},
    )
    assert "<html" not in rows.get_data(as_text=True) and "Coffee" in rows.get_data(as_text=True)
    assert AuditEntry.select().where(AuditEntry.action == "view_as").count() == 1
    # ... but the rows alone never read the catalog unrecorded: with no recent opening, they count
    AuditEntry.delete().execute()
    client.get(
        f"/p/{supplier.id}/clients/{link.id}/view-as?page=1",
        headers={"HX-Request": "true", "HX-Target": "catalog-rows"},
    )
    assert AuditEntry.select().where(AuditEntry.action == "view_as").count() == 1


def test_employees_and_other_suppliers_may_not(client, login, shop, make_party, make_member):
    supplier, _admin, link = shop
    login(make_member(supplier, "employee"))
    assert client.get(f"/p/{supplier.id}/clients/{link.id}/view-as").status_code == 403
    client.post("/signout")
    other = make_party()
    login(make_member(other, "admin"))
    assert client.get(f"/p/{other.id}/clients/{link.id}/view-as").status_code == 404
    assert AuditEntry.select().where(AuditEntry.action == "view_as").count() == 0
