"""Price lists (F26) kept by the supplier: fixed prices with tiers, cost plus a surcharge,
bad input refused on its field, another supplier's ids 404, and assignment to a client or a
group -- which the buyer's catalog then follows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.catalog import create_product
from models.price_lists import PriceList, PriceListEntry
from models.relationships import CustomerGroup, Relationship
from tests.conftest import text_of


@pytest.fixture
def shop(make_party, make_member):
    party = make_party(currency="EUR")
    admin = make_member(party, "admin")
    coffee = create_product(
        admin,
        party,
        sku="KOF-1",
        name_en="Coffee",
        list_price=Decimal(10),
        purchase_price=Decimal(6),
    )
    return party, admin, coffee


def new_list(client, party, **data):
    return client.post(
        f"/p/{party.id}/price-lists/",
        data={"name": "Horeca", "code": "hor", "kind": "fixed", **data},
    )


def test_a_fixed_list_with_tiers(client, login, shop):
    party, admin, coffee = shop
    login(admin)
    response = new_list(client, party)
    assert response.status_code == 303
    price_list = PriceList.get(PriceList.supplier == party)
    assert price_list.code == "HOR"
    url = f"/p/{party.id}/price-lists/{price_list.id}/entries"
    assert (
        client.post(url, data={"sku": "kof-1", "min_quantity": "1", "price": "9.00"}).status_code
        == 303
    )
    assert (
        client.post(url, data={"sku": "KOF-1", "min_quantity": "10", "price": "8.50"}).status_code
        == 303
    )
    assert (
        client.post(url, data={"sku": "KOF-1", "min_quantity": "10", "price": "8.25"}).status_code
        == 303
    )
    tiers = [
        (e.min_quantity, e.price_minor)
        for e in PriceListEntry.select().order_by(PriceListEntry.min_quantity)
    ]
    assert tiers == [(1, 900), (10, 825)]  # the same tier again replaces its price
    page = text_of(client.get(f"/p/{party.id}/price-lists/{price_list.id}/"))
    assert "KOF-1" in page and "€8.25" in page
    listing = text_of(client.get(f"/p/{party.id}/price-lists/"))
    assert "Horeca" in listing and "0 groups, 0 clients" in listing


def test_a_cost_plus_list_needs_its_surcharge(client, login, shop):
    party, admin, _coffee = shop
    login(admin)
    assert new_list(client, party, kind="cost_plus").status_code == 422
    assert new_list(client, party, kind="cost_plus", surcharge="25").status_code == 303
    assert PriceList.get().surcharge_bp == 2500


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sku": "KOF-1", "min_quantity": "1", "price": "-1"}, "price"),
        ({"sku": "KOF-1", "min_quantity": "0", "price": "1"}, "min_quantity"),
        ({"sku": "NOPE", "min_quantity": "1", "price": "1"}, "sku"),
        ({"sku": "THEIRS-1", "min_quantity": "1", "price": "1"}, "sku"),
        ({"sku": "KOF-1", "min_quantity": "1", "price": ""}, "price"),
    ],
)
def test_bad_prices_are_refused_on_their_field(
    client, login, shop, make_party, make_member, data, field
):
    party, admin, _coffee = shop
    other = make_party()
    create_product(
        make_member(other, "admin"), other, sku="THEIRS-1", name_en="X", list_price=Decimal(1)
    )
    login(admin)
    new_list(client, party)
    price_list = PriceList.get(PriceList.supplier == party)
    response = client.post(f"/p/{party.id}/price-lists/{price_list.id}/entries", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert PriceListEntry.select().count() == 0


def test_a_surcharge_below_minus_100_percent_is_refused(client, login, shop):
    party, admin, _coffee = shop
    login(admin)
    response = new_list(client, party, kind="cost_plus", surcharge="-100")
    assert response.status_code == 422 and "above -100" in text_of(response)
    assert PriceList.select().count() == 0


def test_another_suppliers_list_answers_404(client, login, shop, make_party, make_member):
    party, admin, _coffee = shop
    other = make_party()
    theirs = PriceList.create(supplier=other, name="X", code="X", code_key="x")
    login(admin)
    assert client.get(f"/p/{party.id}/price-lists/{theirs.id}/").status_code == 404
    answer = client.post(
        f"/p/{party.id}/price-lists/{theirs.id}/entries", data={"sku": "KOF-1", "price": "1"}
    )
    assert answer.status_code == 404
    # nor can a client or a group of ours be given it
    customer = make_party()
    link = Relationship.create(supplier=party, customer=customer, status="connected")
    from models.base import DomainError
    from models.relationship_verbs import update_terms

    with pytest.raises(DomainError) as refusal:
        update_terms(admin, party, link.id, link.version, price_list_id=theirs.id)
    assert refusal.value.field == "price_list_id"


def test_assigned_to_a_group_the_catalog_follows(client, login, shop, make_party, make_member):
    party, admin, coffee = shop
    login(admin)
    new_list(client, party)
    price_list = PriceList.get(PriceList.supplier == party)
    PriceListEntry.create(price_list=price_list, product=coffee, price_minor=700)
    response = client.post(
        f"/p/{party.id}/clients/groups/",
        data={
            "name": "Horeca",
            "code": "HOR",
            "price_list_id": str(price_list.id),
            "free_delivery": "y",
        },
    )
    assert response.status_code == 303
    group = CustomerGroup.get(CustomerGroup.supplier == party)
    assert (group.price_list_id, group.free_delivery) == (price_list.id, True)
    customer = make_party()
    buyer = make_member(customer, "employee")
    link = Relationship.create(supplier=party, customer=customer, status="connected", group=group)
    client.post("/signout")
    login(buyer)
    page = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog"))
    assert "€7.00 excl. VAT" in page and "Free delivery for your group" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "cost_plus", "surcharge": "1E+999999"}, "surcharge"),
        ({"kind": "fixed", "surcharge": "-1E+999999"}, "surcharge"),
        ({"code": "ß" * 40}, "code"),
    ],
)
def test_absurd_list_input_answers_422_not_500(client, login, shop, data, field):
    party, admin, _coffee = shop
    login(admin)
    response = new_list(client, party, **data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert PriceList.select().count() == 0


def test_an_amount_beyond_what_the_columns_hold_is_refused(client, login, shop):
    party, admin, _coffee = shop
    login(admin)
    new_list(client, party)
    price_list = PriceList.get(PriceList.supplier == party)
    url = f"/p/{party.id}/price-lists/{price_list.id}/entries"
    response = client.post(url, data={"sku": "KOF-1", "min_quantity": "1", "price": "25000000"})
    assert response.status_code == 422 and "too large" in text_of(response)
    product = client.post(
        f"/p/{party.id}/products/",
        data={"sku": "BIG-1", "name_en": "Big", "list_price": "21474837"},
    )
    assert product.status_code == 422


def test_a_price_list_saved_without_its_version_is_stale(client, login, shop):
    party, admin, _coffee = shop
    login(admin)
    new_list(client, party)
    price_list = PriceList.get(PriceList.supplier == party)
    answer = client.post(
        f"/p/{party.id}/price-lists/{price_list.id}", data={"name": "Other", "code": "HOR"}
    )
    assert answer.status_code == 409
    assert PriceList.get_by_id(price_list.id).name == "Horeca"
