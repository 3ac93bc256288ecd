"""Catalog sections (F19, F25): a tree kept by supervisors (no cycles), products in sections,
group-only sections absent for other clients (and 404 by URL), browsing by section."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.base import DomainError
from models.catalog import create_product
from models.relationships import CustomerGroup, Relationship
from models.sections import create_section, section_tree, set_product_sections, update_section
from tests.conftest import text_of


@pytest.fixture
def shop(make_party, make_member):
    supplier = make_party(language="en")
    admin = make_member(supplier, "admin")
    horeca = CustomerGroup.create(supplier=supplier, name="Horeca", code="HOR")
    drinks = create_section(admin, supplier, name="Beverages")
    coffee = create_section(admin, supplier, name="Coffee", parent_id=drinks.id)
    pro = create_section(admin, supplier, name="Professional", group_ids=[horeca.id])
    beans = create_product(admin, supplier, sku="KOF-1", name_en="Beans", list_price=Decimal(10))
    machine = create_product(
        admin, supplier, sku="MAC-1", name_en="Machine", list_price=Decimal(900)
    )
    create_product(admin, supplier, sku="CUP-1", name_en="Cups", list_price=Decimal(1))  # in none
    set_product_sections(admin, supplier, beans.id, [coffee.id])
    set_product_sections(admin, supplier, machine.id, [pro.id])
    return {
        "supplier": supplier,
        "admin": admin,
        "horeca": horeca,
        "drinks": drinks,
        "coffee": coffee,
        "pro": pro,
        "machine": machine,
    }


def buyer_of(shop, make_party, make_member, group=None):
    customer = make_party()
    buyer = make_member(customer, "employee")
    link = Relationship.create(
        supplier=shop["supplier"], customer=customer, status="connected", group=group
    )
    return customer, buyer, link


def test_the_tree_keeps_its_order_and_refuses_a_cycle(shop):
    tree = section_tree(shop["supplier"])
    assert [(n.name, n.depth) for n in tree] == [
        ("Beverages", 0),
        ("Coffee", 1),
        ("Professional", 0),
    ]
    with pytest.raises(
        DomainError
    ) as refusal:  # Beverages inside Coffee, which is inside Beverages
        update_section(
            shop["admin"],
            shop["supplier"],
            shop["drinks"].id,
            1,
            name="Beverages",
            parent_id=shop["coffee"].id,
        )
    assert refusal.value.field == "parent"


def test_a_group_only_section_is_absent_for_other_clients_and_404_by_url(
    client, login, shop, make_party, make_member
):
    customer, buyer, link = buyer_of(shop, make_party, make_member)
    login(buyer)
    base = f"/p/{customer.id}/suppliers/{link.id}/catalog"
    page = text_of(client.get(base))
    assert (
        "Beans" in page and "Cups" in page and "Machine" not in page and "Professional" not in page
    )
    assert client.get(f"{base}?section={shop['pro'].id}").status_code == 404
    assert client.get(f"{base}/{shop['machine'].id}").status_code == 404
    coffee = text_of(client.get(f"{base}?section={shop['drinks'].id}"))  # and what is inside it
    assert "Beans" in coffee and "Cups" not in coffee


def test_the_groups_clients_see_their_section(client, login, shop, make_party, make_member):
    customer, buyer, link = buyer_of(shop, make_party, make_member, group=shop["horeca"])
    login(buyer)
    base = f"/p/{customer.id}/suppliers/{link.id}/catalog"
    page = text_of(client.get(f"{base}?section={shop['pro'].id}"))
    assert "Machine" in page and "Beans" not in page
    assert client.get(f"{base}/{shop['machine'].id}").status_code == 200


def test_supervisors_keep_sections_on_screen(client, login, shop, make_party, make_member):
    supplier, admin = shop["supplier"], shop["admin"]
    login(admin)
    response = client.post(
        f"/p/{supplier.id}/products/sections/",
        data={"name": "Tea", "parent": str(shop["drinks"].id)},
    )
    assert response.status_code == 303
    assert "Tea" in text_of(client.get(f"/p/{supplier.id}/products/sections/"))
    theirs = CustomerGroup.create(supplier=make_party(), name="X", code="X")
    bad = client.post(
        f"/p/{supplier.id}/products/sections/", data={"name": "Y", "groups": [str(theirs.id)]}
    )
    assert bad.status_code == 422
    stale = client.post(
        f"/p/{supplier.id}/products/sections/{shop['drinks'].id}",
        data={"name": "Drinks", "version": "0"},
    )
    assert stale.status_code == 409
    cycle = client.post(
        f"/p/{supplier.id}/products/sections/{shop['drinks'].id}",
        data={"name": "Drinks", "version": "1", "parent": str(shop["coffee"].id)},
    )
    assert cycle.status_code == 422 and "inside itself" in text_of(cycle)
    assert (
        client.post(
            f"/p/{supplier.id}/products/{shop['machine'].id}/sections",
            data={"sections": [str(shop["coffee"].id)]},
        ).status_code
        == 303
    )
    client.post("/signout")
    login(make_member(supplier, "employee"))
    assert (
        client.post(f"/p/{supplier.id}/products/sections/", data={"name": "Z"}).status_code == 403
    )


def test_a_section_has_names_in_other_languages_and_buyers_read_theirs(
    client, login, shop, make_party, make_member
):
    supplier = shop["supplier"]  # its language: English
    login(shop["admin"])
    form = text_of(client.get(f"/p/{supplier.id}/products/sections/"))
    assert "Names in other languages" in form and "Name (German)" in form
    assert "Name (English)" not in form  # the company's own language is the Name field
    added = client.post(
        f"/p/{supplier.id}/products/sections/",
        data={"name": "Cleaning", "name_de": "Reinigung", "name_nl": "Schoonmaak"},
    )
    assert added.status_code == 303
    cleaning = next(n for n in section_tree(supplier) if n.name == "Cleaning")
    names = {n.id: n.name for n in section_tree(supplier, "de")}
    assert names[cleaning.id] == "Reinigung" and names[shop["drinks"].id] == "Beverages"
    # the edit form shows them, and an emptied name is removed
    edit = client.get(f"/p/{supplier.id}/products/sections/{cleaning.id}/edit")
    assert 'value="Reinigung"' in edit.get_data(as_text=True)
    saved = client.post(
        f"/p/{supplier.id}/products/sections/{cleaning.id}",
        data={"version": "1", "name": "Cleaning", "name_de": "Putzen", "name_nl": ""},
    )
    assert saved.status_code == 303
    assert {n.id: n.name for n in section_tree(supplier, "nl")}[cleaning.id] == "Cleaning"
    assert {n.id: n.name for n in section_tree(supplier, "de")}[cleaning.id] == "Putzen"
    too_long = client.post(
        f"/p/{supplier.id}/products/sections/{cleaning.id}",
        data={"version": "2", "name": "Cleaning", "name_fr": "x" * 121},
    )
    assert too_long.status_code == 422

    customer, buyer, link = buyer_of(shop, make_party, make_member)
    buyer.language = "de"
    buyer.save()
    login(buyer)
    page = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog"))
    assert "Putzen" in page and "Cleaning" not in page
