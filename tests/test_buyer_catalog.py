"""The catalog a client's buyers see (F25-F27): this relationship's prices, net for businesses
and gross for consumers (labelled), the tax rule of its delivery country, search, and access."""

from __future__ import annotations

import pytest
from playhouse.test_utils import assert_query_count

from models.catalog import create_product
from models.parties import User
from models.price_lists import CategoryCode, PriceList, PriceListEntry
from models.product_codes import refresh_code_text
from models.relationships import CustomerCategory, CustomerGroup, Relationship
from tests import factories
from tests.conftest import text_of


@pytest.fixture
def world(app):
    supplier = factories.make_party(display_name="Brouwer", language="nl", country="NL")
    admin = factories.make_member(supplier, "admin")
    coffee = create_product(
        admin, supplier, sku="COF-1", name_nl="Koffie", name_en="Coffee", list_price=10
    )
    create_product(admin, supplier, sku="TEA-1", name_nl="Thee", name_en="Tea", list_price=4)
    create_product(admin, supplier, sku="OLD-1", name_nl="Oud", list_price=1, active=False)

    def client_of(**party):
        customer = factories.make_party(**party)
        buyer = factories.make_member(customer, "employee")
        link = Relationship.create(supplier=supplier, customer=customer, status="connected")
        return customer, buyer, link

    return {"supplier": supplier, "admin": admin, "coffee": coffee, "client_of": client_of}


def catalog_url(customer, link, query=""):
    return f"/p/{customer.id}/suppliers/{link.id}/catalog{query}"


def test_a_business_sees_net_prices_labelled_excluding_vat(client, login, world):
    customer, buyer, link = world["client_of"]()
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "Coffee" in page and "€10.00 excl. VAT" in page and "Prices exclude VAT." in page
    assert "Oud" not in page  # inactive products are not offered


def test_a_consumer_sees_gross_prices_labelled_including_vat(client, login, world):
    customer, buyer, link = world["client_of"](customer_type="consumer")
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "€12.10 incl. VAT" in page and "Prices include VAT." in page
    # the breakdown adds the VAT and ends at the price the consumer pays
    product = text_of(client.get(f"{catalog_url(customer, link)}/{world['coffee'].id}"))
    assert "List price: €10.00 + VAT 21 %: €2.10 Your price: €12.10 incl. VAT" in product


def test_an_eu_business_with_a_valid_vat_number_is_reverse_charged(client, login, world):
    customer, buyer, link = world["client_of"](country="BE", vat_number="BE0403170701")
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "VAT reverse-charged" in page and "€10.00 excl. VAT" in page


def test_an_export_client_pays_no_vat(client, login, world):
    customer, buyer, link = world["client_of"](country="CH", customer_type="consumer")
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "Export outside the EU" in page and "€10.00 incl. VAT" in page


def test_the_clients_price_list_comes_first_and_the_breakdown_says_so(client, login, world):
    customer, buyer, link = world["client_of"]()
    gold = PriceList.create(supplier=world["supplier"], name="Gold", code="G", code_key="g")
    PriceListEntry.create(price_list=gold, product=world["coffee"], price_minor=850)
    link.price_list_id = gold.id
    link.discount_bp = 1000
    link.save()
    login(buyer)
    listing = client.get(catalog_url(customer, link))
    assert "€7.65 excl. VAT" in text_of(listing)  # 8.50 less 10 %
    # the list's "How this price is made" fetches the steps when opened ...
    product_url = f"{catalog_url(customer, link)}/{world['coffee'].id}"
    assert f'hx-get="{product_url}"' in listing.get_data(as_text=True)
    opened = client.get(
        product_url, headers={"HX-Request": "true", "HX-Target": f"breakdown-{world['coffee'].id}"}
    )
    steps = text_of(opened)
    assert steps == (
        "List price: €10.00 Price list “Gold”: €8.50 Client discount 10 %: €7.65 "
        "Your price: €7.65 excl. VAT On the invoice: VAT 21 %, €1.61"
    )
    assert "HX-Target" in opened.headers["Vary"]
    # ... and without JavaScript it links to the product page, which shows them
    assert f'href="{product_url}#price-steps"' in listing.get_data(as_text=True)
    page = text_of(client.get(product_url))
    assert "Price list “Gold”: €8.50" in page and "Client discount 10 %: €7.65" in page
    assert "From 10" not in page
    # a tier from 10: the product page says what each costs from there
    PriceListEntry.create(
        price_list=gold, product=world["coffee"], min_quantity=10, price_minor=800
    )
    page = text_of(client.get(product_url))
    assert "From 10: €7.20 each" in page and "€7.65 excl. VAT" in page


def own_codes(world, link):
    """The client in a category with its own code for the coffee, and in a group with a list."""
    supplier = world["supplier"]
    category = CustomerCategory.create(supplier=supplier, name="Cafés", code="CAF")
    CategoryCode.create(
        category=category,
        product=world["coffee"],
        code="CL-1001",
        code_key="cl-1001",
        description="Café maison",
        search_key="cl-1001 cafe maison",  # as the verbs write it (price_lists.code_search_key)
    )
    refresh_code_text([world["coffee"].id])  # what the verbs and the import do after codes
    horeca = PriceList.create(supplier=supplier, name="Horeca", code="H", code_key="h")
    PriceListEntry.create(price_list=horeca, product=world["coffee"], price_minor=900)
    group = CustomerGroup.create(
        supplier=supplier, name="Horeca", code="HOR", price_list_id=horeca.id
    )
    link.category, link.group = category, group
    link.save()


def test_buyers_see_their_own_code_and_find_products_by_it(client, login, world):
    customer, buyer, link = world["client_of"]()
    own_codes(world, link)
    login(buyer)
    headers = {"HX-Request": "true", "HX-Target": "catalog-rows"}
    for typed in ("cl-1001", "maison", "coffee", "CAFE MAISON", "café"):
        html = client.get(catalog_url(customer, link, f"?q={typed}"), headers=headers).get_data(
            as_text=True
        )
        assert "CL-1001" in html and "Café maison" in html and "Tea" not in html, typed
    page = text_of(client.get(catalog_url(customer, link)))
    assert "Your code: CL-1001 · Café maison" in page


def test_another_categorys_codes_find_nothing(client, login, world):
    customer, buyer, link = world["client_of"]()
    other_customer, other_buyer, other_link = world["client_of"]()
    own_codes(world, other_link)
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link, "?q=cl-1001")))
    assert "CL-1001" not in page and "Coffee" not in page


def test_search_swaps_the_rows_with_a_bounded_number_of_queries(client, login, world):
    customer, buyer, link = world["client_of"]()
    own_codes(world, link)  # the most a page needs: group, price list and own codes
    login(buyer)
    headers = {"HX-Request": "true", "HX-Target": "catalog-rows"}
    client.get(catalog_url(customer, link, "?q=oo"), headers=headers)  # once: is there an index
    with assert_query_count(8):
        fragment = client.get(catalog_url(customer, link, "?q=tea"), headers=headers)
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and "Tea" in html and "Coffee" not in html
    with assert_query_count(8):
        client.get(catalog_url(customer, link), headers=headers)


def test_another_companys_relationship_answers_404(client, login, world):
    customer, buyer, _link = world["client_of"]()
    _other, _other_buyer, other_link = world["client_of"]()
    login(buyer)
    assert client.get(catalog_url(customer, other_link)).status_code == 404


def test_a_product_page_says_where_the_price_came_from_and_the_earliest_delivery(
    client, login, world
):
    from models.schedules import create_schedule

    customer, buyer, link = world["client_of"]()
    schedule = create_schedule(
        world["admin"],
        world["supplier"],
        name="Daily",
        working_days=[1, 2, 3, 4, 5, 6, 7],
        cutoff=None,
        lead_days=2,
    )
    link.schedule = schedule
    link.save()
    login(buyer)
    listing = client.get(catalog_url(customer, link)).get_data(as_text=True)
    url = f"/p/{customer.id}/suppliers/{link.id}/catalog/{world['coffee'].id}"
    assert f'href="{url}"' in listing
    page = text_of(client.get(url))
    assert "Coffee" in page and "€10.00 excl. VAT" in page and "List price: €10.00" in page
    assert "it can be delivered at the earliest on" in page
    # an inactive product, or another supplier's, is not there
    from models.catalog import Product

    old = Product.get(Product.sku == "OLD-1")
    assert client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog/{old.id}").status_code == 404
    assert client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog/999999").status_code == 404


def _save_terms(client, world, link, **changes):
    """The client's terms form as the supplier's admin sends it, with changes."""
    supplier = world["supplier"]
    form = {
        "version": str(Relationship.get_by_id(link.id).version),
        "payment_method": "",
        "delinquency": "none",
        **changes,
    }
    return client.post(f"/p/{supplier.id}/clients/{link.id}/terms", data=form)


def test_a_vat_override_set_on_the_clients_terms_decides_the_catalogs_vat(
    client, login, world, make_party, make_member
):
    from models.vat_classes import classes_of

    customer, buyer, link = world["client_of"](customer_type="consumer")
    login(world["admin"])
    answer = _save_terms(client, world, link, vat_override="exempt")
    assert answer.status_code == 303
    shown = text_of(client.get(f"/p/{world['supplier'].id}/clients/{link.id}/"))
    assert "Exempt from VAT" in shown
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "VAT exempt" in page and "€10.00 incl. VAT" in page
    reduced = next(c for c in classes_of(world["supplier"]) if c.code == "reduced")
    login(world["admin"])
    assert _save_terms(client, world, link, vat_override=f"class:{reduced.id}").status_code == 303
    assert Relationship.get_by_id(link.id).vat_override_class_id == reduced.id
    login(buyer)
    assert "€10.90 incl. VAT" in text_of(client.get(catalog_url(customer, link)))  # 9 %
    # another supplier's class, or a made-up value: refused on the field, nothing written
    other = make_party()
    create_product(make_member(other, "admin"), other, sku="X-1", name_en="X", list_price=1)
    theirs = classes_of(other)[0]
    login(world["admin"])
    for value in (f"class:{theirs.id}", "class:abc", "zero"):
        refused = _save_terms(client, world, link, vat_override=value)
        assert refused.status_code == 422 and "Choose one of your VAT classes." in text_of(refused)
    assert Relationship.get_by_id(link.id).vat_override_class_id == reduced.id


def test_a_clients_own_delivery_costs_replace_the_suppliers(client, login, world):
    customer, buyer, link = world["client_of"]()
    login(world["admin"])
    refused = _save_terms(client, world, link, free_delivery_from="100")
    assert refused.status_code == 422
    assert "Enter the delivery costs charged below this amount." in text_of(refused)
    assert (
        _save_terms(client, world, link, delivery_cost="7,50", free_delivery_from="100").status_code
        == 303
    )
    saved = Relationship.get_by_id(link.id)
    assert (saved.delivery_cost_minor, saved.free_delivery_from_minor) == (750, 10_000)
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "Delivery costs €7.50; free delivery from €100.00." in page


def test_a_buyer_may_read_their_own_codes_instead_of_the_skus(client, login, world):
    customer, buyer, link = world["client_of"]()
    own_codes(world, link)  # the coffee has the own code CL-1001, the tea none
    login(buyer)
    page = text_of(client.get(catalog_url(customer, link)))
    assert "Your code: CL-1001" in page and "SKU COF-1" in page and "SKU TEA-1" in page

    account = text_of(client.get("/account/"))
    assert "show our own product codes instead of the supplier's SKU" in account
    saved = client.post(
        "/account/profile",
        data={"name": "Buyer", "language": "en", "own_codes_instead": "y"},
    )
    assert saved.status_code == 303
    page = text_of(client.get(catalog_url(customer, link)))
    assert "Your code: CL-1001" in page and "COF-1" not in page
    assert "SKU TEA-1" in page  # no own code: the supplier's SKU still
    product = text_of(client.get(catalog_url(customer, link, f"/{world['coffee'].id}")))
    assert "Your code: CL-1001" in product and "COF-1" not in product
    rows = client.get(
        catalog_url(customer, link, "?q=cl-1001"),
        headers={"HX-Request": "true", "HX-Target": "catalog-rows"},
    ).get_data(as_text=True)
    assert "CL-1001" in rows and "COF-1" not in rows
    assert User.get_by_id(buyer.id).own_codes_instead is True
