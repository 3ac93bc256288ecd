"""Products (F24), VAT classes (F27) and what price lists say for a page of products (F26)."""

from decimal import Decimal

import pytest
from playhouse.test_utils import assert_query_count

from models.base import DomainError, StaleForm
from models.catalog import Product, ProductText, create_product, update_product
from models.price_lists import PriceList, PriceListEntry, lists_for
from models.pricing import quote
from models.product_lists import products_page
from models.relationships import CustomerGroup, Relationship
from models.vat_classes import VatClass, VatRate, rates_of

VALUES = {
    "sku": "COF-001",
    "name_en": "Espresso beans 1 kg",
    "name_nl": "Espressobonen 1 kg",
    "unit": "kg",
    "list_price": Decimal("18.50"),
    "purchase_price": Decimal("11.00"),
}


@pytest.fixture
def supplier(make_party, make_member):
    party = make_party(language="nl", country="NL", currency="EUR")
    return party, make_member(party, "admin")


def test_a_product_is_stored_with_its_texts_and_the_shipped_vat_classes(supplier):
    party, admin = supplier
    product = create_product(admin, party, **VALUES)
    assert (product.list_price_minor, product.purchase_price_minor) == (1850, 1100)
    assert product.vat_class.code == "standard"
    names = {t.language: t.name for t in ProductText.select().where(ProductText.product == product)}
    assert names == {"en": "Espresso beans 1 kg", "nl": "Espressobonen 1 kg"}
    assert product.sort_name == "espressobonen 1 kg"
    assert [
        c.code for c in VatClass.select().where(VatClass.supplier == party).order_by(VatClass.id)
    ] == [
        "standard",
        "reduced",
        "zero",
    ]
    nl = VatRate.get(VatRate.vat_class == product.vat_class, VatRate.country == "NL")
    assert nl.rate == Decimal(21)
    assert rates_of(party, ["NL", "DE"])[("reduced", "DE")] == Decimal(7)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "has space"}, "sku"),
        ({"name_nl": ""}, "name_nl"),  # the supplier's own language is required
        ({"list_price": Decimal("-1")}, "list_price"),
        ({"list_price": None}, "list_price"),
        ({"purchase_price": Decimal("1.001")}, "purchase_price"),
        ({"unit": "barrel"}, "unit"),
        ({"unit": "box", "pack_size": "0"}, "pack_size"),
        ({"vat_class_id": 999_999}, "vat_class"),
        ({"schedule_id": 999_999}, "schedule"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(supplier, change, field):
    party, admin = supplier
    with pytest.raises(DomainError) as refusal:
        create_product(admin, party, **{**VALUES, **change})
    assert refusal.value.field == field
    assert Product.select().count() == 0


def test_an_sku_is_unique_per_supplier_whatever_the_case(supplier, make_party, make_member):
    party, admin = supplier
    create_product(admin, party, **VALUES)
    with pytest.raises(DomainError) as refusal:
        create_product(admin, party, **{**VALUES, "sku": "cof-001"})
    assert refusal.value.field == "sku"
    other = make_party()
    create_product(make_member(other, "admin"), other, **{**VALUES, "name_en": "x"})  # fine


def test_employees_do_not_keep_products(supplier, make_member):
    party, _admin = supplier
    with pytest.raises(DomainError):
        create_product(make_member(party, "employee"), party, **VALUES)


def test_a_stale_form_is_refused_and_a_fresh_one_saves(supplier):
    party, admin = supplier
    product = create_product(admin, party, **VALUES)
    update_product(
        admin, party, product.id, product.version, **{**VALUES, "list_price": Decimal(19)}
    )
    with pytest.raises(StaleForm):
        update_product(admin, party, product.id, product.version, **VALUES)
    assert Product.get_by_id(product.id).list_price_minor == 1900


def test_the_list_searches_sku_and_every_language(supplier):
    party, admin = supplier
    create_product(admin, party, **VALUES)
    create_product(
        admin, party, **{**VALUES, "sku": "TEA-9", "name_en": "Green tea", "name_nl": "Groene thee"}
    )
    assert [p.sku for p in products_page(party, search="bonen")] == ["COF-001"]
    assert [p.sku for p in products_page(party, search="green")] == ["TEA-9"]
    assert [p.sku for p in products_page(party, search="tea-9")] == ["TEA-9"]
    assert products_page(party, search="100%").total == 0


def test_price_lists_of_a_page_of_products_resolve_in_one_query(supplier, make_party):
    party, admin = supplier
    products = [
        create_product(admin, party, **{**VALUES, "sku": f"P-{i}", "name_nl": f"Product {i}"})
        for i in range(5)
    ]
    gold = PriceList.create(supplier=party, name="Gold", code="GOLD", code_key="gold")
    for product in products[:2]:
        PriceListEntry.create(price_list=gold, product=product, min_quantity=1, price_minor=1500)
    PriceListEntry.create(price_list=gold, product=products[0], min_quantity=10, price_minor=1400)
    plus = PriceList.create(
        supplier=party,
        name="Plus",
        code="PLUS",
        code_key="plus",
        kind="cost_plus",
        surcharge_bp=2000,
    )
    group = CustomerGroup.create(supplier=party, name="Horeca", code="HOR", price_list_id=plus.id)
    link = Relationship.create(
        supplier=party, customer=make_party(), group=group, price_list_id=gold.id
    )
    with assert_query_count(1):
        resolved = lists_for(link, group, [p.id for p in products])
    first = products[0]
    assert resolved[first.id][0].tiers == ((1, 1500), (10, 1400))
    priced = quote(
        list_price_minor=1850, purchase_minor=1100, lists=resolved[first.id], quantity=10
    )
    assert priced.net_line == 14_000 and priced.list_name == "Gold"
    fallback = quote(list_price_minor=1850, purchase_minor=1100, lists=resolved[products[4].id])
    assert (fallback.source, fallback.net_line) == ("cost_plus", 1320)  # 11.00 + 20 %


def test_percent_and_underscore_in_a_search_match_themselves(supplier):
    party, admin = supplier
    create_product(admin, party, **{**VALUES, "sku": "A_1", "name_nl": "Melk 100% biologisch"})
    create_product(admin, party, **{**VALUES, "sku": "AB1", "name_nl": "Melk 1000 liter"})
    assert [p.sku for p in products_page(party, search="100%")] == ["A_1"]
    assert [p.sku for p in products_page(party, search="a_1")] == ["A_1"]
