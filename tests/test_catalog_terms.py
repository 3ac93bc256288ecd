"""The supplier's catalog terms (F18, F28): the discount rule, customer-type discounts and
order conditions -- saved by admins, read by everyone, shown to buyers in the catalog."""

from __future__ import annotations

import pytest

from models.catalog_terms import conditions_for
from models.parties import Party
from models.price_lists import OrderDiscount
from models.pricing import order_conditions
from models.relationships import CustomerGroup, Relationship
from tests.conftest import text_of

FORM = {
    "discount_rule": "stacked",
    "business_discount": "2,5",
    "consumer_discount": "",
    "delivery_cost": "15,00",
    "free_delivery_from": "250",
    "order_discount_0": "500",
    "order_discount_0_percent": "2",
    "order_discount_1": "1.000",
    "order_discount_1_percent": "3,5",
}


@pytest.fixture
def shop(make_party, make_member):
    party = make_party(language="nl", currency="EUR")
    admin = make_member(party, "admin")
    admin.language = "nl"
    admin.save()
    return party, admin


def post(client, party, **changes):
    version = Party.get_by_id(party.id).version
    return client.post(
        f"/p/{party.id}/products/terms", data={**FORM, "version": version, **changes}
    )


def test_an_admin_saves_the_terms_typed_the_dutch_way(client, login, shop):
    party, admin = shop
    login(admin)
    assert post(client, party).status_code == 303
    saved = Party.get_by_id(party.id)
    assert (saved.discount_rule, saved.business_discount_bp, saved.consumer_discount_bp) == (
        "stacked",
        250,
        None,
    )
    assert (saved.delivery_cost_minor, saved.free_delivery_from_minor) == (1500, 25_000)
    tiers = [
        (r.from_minor, r.discount_bp)
        for r in OrderDiscount.select().order_by(OrderDiscount.from_minor)
    ]
    assert tiers == [(50_000, 200), (100_000, 350)]
    page = client.get(f"/p/{party.id}/products/terms").get_data(as_text=True)
    assert 'value="1.000,00"' in page and 'value="3,5"' in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"business_discount": "101"}, "business_discount"),
        ({"delivery_cost": "-1"}, "delivery_cost"),
        ({"delivery_cost": "", "free_delivery_from": "250"}, "free_delivery_from"),
        ({"order_discount_0_percent": ""}, "order_discount_0"),
        ({"order_discount_1": "500"}, "order_discount_1"),
        ({"discount_rule": "sometimes"}, "discount_rule"),
    ],
)
def test_bad_terms_answer_422_and_write_nothing(client, login, shop, changes, field):
    party, admin = shop
    login(admin)
    response = post(client, party, **changes)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True) or field == "discount_rule"
    assert OrderDiscount.select().count() == 0
    assert Party.get_by_id(party.id).delivery_cost_minor is None


def test_a_stale_form_is_refused(client, login, shop):
    party, admin = shop
    login(admin)
    version = Party.get_by_id(party.id).version
    assert post(client, party).status_code == 303
    stale = client.post(
        f"/p/{party.id}/products/terms", data={**FORM, "version": version, "delivery_cost": "9"}
    )
    assert stale.status_code == 409
    assert Party.get_by_id(party.id).delivery_cost_minor == 1500


def test_employees_read_but_do_not_save(client, login, shop, make_member):
    party, _admin = shop
    login(make_member(party, "employee"))
    assert client.get(f"/p/{party.id}/products/terms").status_code == 200
    assert post(client, party).status_code == 403


def test_a_relationships_own_conditions_and_a_free_delivery_group(shop, make_party):
    party, _admin = shop
    party.delivery_cost_minor, party.free_delivery_from_minor = 1500, 25_000
    party.save()
    OrderDiscount.create(supplier=party, from_minor=50_000, discount_bp=200)
    link = Relationship.create(supplier=party, customer=make_party())
    assert order_conditions(10_000, conditions_for(party, link, None)).delivery == 1500
    link.delivery_cost_minor, link.free_delivery_from_minor = 900, None
    link.save()
    OrderDiscount.create(supplier=party, relationship=link, from_minor=10_000, discount_bp=500)
    own = order_conditions(60_000, conditions_for(party, link, None))
    assert (own.delivery, own.discount) == (900, 3000)  # its own cost, never free; its own 5 %
    group = CustomerGroup.create(supplier=party, name="G", code="G", free_delivery=True)
    assert order_conditions(100, conditions_for(party, link, group)).delivery == 0


def test_buyers_read_the_conditions_in_the_catalog(client, login, shop, make_party, make_member):
    party, admin = shop
    login(admin)
    post(client, party)
    customer = make_party()
    buyer = make_member(customer, "employee")
    link = Relationship.create(supplier=party, customer=customer, status="connected")
    client.get("/signout")
    login(buyer)
    page = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog"))
    assert "Delivery costs €15.00; free delivery from €250.00." in page
    assert (
        "Order discount 2 % from €500.00." in page
        and "Order discount 3.5 % from €1,000.00." in page
    )
