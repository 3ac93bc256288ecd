"""Product lists at scale (issue 9): counted up to a cap, searched along the trigram index with
each candidate checked (a code must be the reader's own), and sections tested by the products'
`restricted` flag, which the section verbs keep."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from models import product_lists
from models.base import is_sqlite
from models.catalog import Product, create_product
from models.price_lists import CategoryCode
from models.product_codes import set_category_codes
from models.product_lists import products_page
from models.relationships import CustomerCategory, CustomerGroup, Relationship
from models.search_index import has_index
from models.sections import create_section, set_product_sections, update_section
from tests.conftest import text_of


@pytest.fixture
def shop(make_party, make_member):
    supplier = make_party(language="en", country="NL")
    admin = make_member(supplier, "admin")
    return {"supplier": supplier, "admin": admin}


def add(shop, sku, name, **values):
    return create_product(
        shop["admin"], shop["supplier"], sku=sku, name_en=name, list_price=Decimal(3), **values
    )


def buyer(shop, make_party, make_member, **terms):
    customer = make_party()
    member = make_member(customer, "employee")
    link = Relationship.create(
        supplier=shop["supplier"], customer=customer, status="connected", **terms
    )
    return customer, member, link


def test_a_list_counts_up_to_the_cap_and_says_there_are_more(client, login, shop, monkeypatch):
    monkeypatch.setattr(product_lists, "COUNT_CAP", 4)
    for n in range(9):
        add(shop, f"TEA-{n}", f"Tea {n}")
    listing = products_page(shop["supplier"], per_page=2)
    assert (listing.total, listing.more) == (4, True)  # counted up to 4 only, and more
    assert [p.sku for p in listing] == ["TEA-0", "TEA-1"]
    # a page past the cap is counted as far as it lies, and still shows its rows
    far = products_page(shop["supplier"], per_page=2, page=4)
    assert (far.number, far.more, [p.sku for p in far]) == (4, True, ["TEA-6", "TEA-7"])
    last = products_page(shop["supplier"], per_page=2, page=5)
    assert (last.number, last.total, last.more, [p.sku for p in last]) == (5, 9, False, ["TEA-8"])
    # fewer than the cap: the exact count
    assert (products_page(shop["supplier"], search="tea 1").total, listing.pages) == (1, 3)

    for n in range(9, 27):  # more than a page of 25
        add(shop, f"TEA-{n}", f"Tea {n}")
    login(shop["admin"])
    page = text_of(client.get(f"/p/{shop['supplier'].id}/products/"))
    assert "Products 1–25 of more than 25" in page and "Page 1 of" not in page
    assert "Page 1" in page and "Next" in page


def test_more_matches_than_the_cap_still_show_every_page(shop, monkeypatch):
    monkeypatch.setattr(product_lists, "SEARCH_COUNT_CAP", 2)
    for n in range(5):
        add(shop, f"CUP-{n}", f"Cup {n}")
    add(shop, "SAU-1", "Saucer")
    seen = []
    for number in range(1, 4):
        listing = products_page(shop["supplier"], search="cup", per_page=2, page=number)
        seen += [p.sku for p in listing]
    assert sorted(seen) == [f"CUP-{n}" for n in range(5)]  # each once, the saucer never


def test_the_index_finds_names_skus_and_only_the_readers_own_codes(
    client, login, shop, make_party, make_member
):
    beans = add(shop, "KOF-1", "Coffee beans")
    add(shop, "THE-1", "Green tea")
    cafes = CustomerCategory.create(supplier=shop["supplier"], name="Cafés", code="CAF")
    hotels = CustomerCategory.create(supplier=shop["supplier"], name="Hotels", code="HOT")
    set_category_codes(
        shop["admin"],
        shop["supplier"],
        beans.id,
        {cafes.id: ("CL-77", "Huismelange"), hotels.id: ("HX-9", "Ontbijtkoffie")},
    )
    customer, member, link = buyer(shop, make_party, make_member, category=cafes)
    login(member)
    url = f"/p/{customer.id}/suppliers/{link.id}/catalog"
    for typed, found in (
        ("beans", True),
        ("kof-1", True),
        ("cl-77", True),
        ("huismel", True),
        ("hx-9", False),  # the hotels' code: not this client's
        ("ontbijt", False),
        ("green", False),
    ):
        page = text_of(client.get(f"{url}?q={typed}"))
        assert ("Coffee beans" in page) is found, typed
    assert has_index("product") is is_sqlite()


def test_the_index_follows_codes_set_by_the_form_and_the_import(
    client, login, shop, make_party, make_member
):
    beans = add(shop, "KOF-1", "Coffee beans")
    cafes = CustomerCategory.create(supplier=shop["supplier"], name="Cafés", code="CAF")
    set_category_codes(shop["admin"], shop["supplier"], beans.id, {cafes.id: ("CL-1", "")})
    version = Product.get_by_id(beans.id).version
    set_category_codes(shop["admin"], shop["supplier"], beans.id, {cafes.id: ("CL-2", "")}, version)
    customer, member, link = buyer(shop, make_party, make_member, category=cafes)
    login(shop["admin"])
    csv = b"category_code;sku;own_code;own_description\nCAF;KOF-1;ZZ-42;Zwarte bonen\n"
    upload = client.post(
        f"/p/{shop['supplier'].id}/products/codes/import/",
        data={"file": (io.BytesIO(csv), "codes.csv")},
        content_type="multipart/form-data",
    )
    assert client.post(upload.headers["Location"]).status_code == 303
    assert CategoryCode.get(CategoryCode.product == beans.id).code == "ZZ-42"
    login(member)
    url = f"/p/{customer.id}/suppliers/{link.id}/catalog"
    assert "Coffee beans" in text_of(client.get(f"{url}?q=zz-42"))
    assert "Coffee beans" in text_of(client.get(f"{url}?q=zwarte"))
    assert "Coffee beans" not in text_of(client.get(f"{url}?q=cl-2"))  # replaced


def test_restricted_follows_the_sections_and_their_groups(
    client, login, shop, make_party, make_member
):
    supplier, admin = shop["supplier"], shop["admin"]
    horeca = CustomerGroup.create(supplier=supplier, name="Horeca", code="HOR")
    pro = create_section(admin, supplier, name="Professional", group_ids=[horeca.id])
    drinks = create_section(admin, supplier, name="Drinks")
    machine = add(shop, "MAC-1", "Espresso machine")
    both = add(shop, "MIX-1", "Syrup")

    def restricted(product):
        return Product.get_by_id(product.id).restricted

    set_product_sections(admin, supplier, machine.id, [pro.id])
    set_product_sections(admin, supplier, both.id, [pro.id, drinks.id])
    assert (restricted(machine), restricted(both)) == (True, False)
    # the section is opened to everyone: nothing in it is limited any more
    update_section(admin, supplier, pro.id, 1, name="Professional", group_ids=[])
    assert restricted(machine) is False
    # limited again
    update_section(admin, supplier, pro.id, 2, name="Professional", group_ids=[horeca.id])
    assert restricted(machine) is True
    # a section under a limited one is limited as well
    inner = create_section(admin, supplier, name="Grinders", parent_id=pro.id)
    set_product_sections(admin, supplier, both.id, [inner.id])
    assert restricted(both) is True

    outsider, outsider_member, outsider_link = buyer(shop, make_party, make_member)
    insider, insider_member, insider_link = buyer(shop, make_party, make_member, group=horeca)
    login(outsider_member)
    page = text_of(client.get(f"/p/{outsider.id}/suppliers/{outsider_link.id}/catalog"))
    assert "Espresso machine" not in page and "Syrup" not in page
    login(insider_member)
    page = text_of(client.get(f"/p/{insider.id}/suppliers/{insider_link.id}/catalog"))
    assert "Espresso machine" in page and "Syrup" in page


def test_a_catalog_is_sorted_in_its_readers_language(client, login, make_party, make_member):
    """A Dutch supplier's catalog read in English lists "Apple juice" before "Dish soap"
    (in Dutch, "Afwasmiddel" comes before "Appelsap"); a product without an English name
    is sorted by its Dutch one, the name the English reader sees."""
    supplier = make_party(language="nl", country="NL")
    admin = make_member(supplier, "admin", language="nl")
    for sku, names in (
        ("AFW", {"name_nl": "Afwasmiddel", "name_en": "Dish soap"}),
        ("APS", {"name_nl": "Appelsap", "name_en": "Apple juice"}),
        ("BOT", {"name_nl": "Boter"}),
    ):
        create_product(admin, supplier, sku=sku, list_price=Decimal(2), **names)
    # the supplier's own list: in its own language
    assert [p.sku for p in products_page(supplier)] == ["AFW", "APS", "BOT"]
    customer = make_party()
    link = Relationship.create(supplier=supplier, customer=customer, status="connected")
    for language, expected in (
        ("en", ["Apple juice", "Boter", "Dish soap"]),
        ("nl", ["Afwasmiddel", "Appelsap", "Boter"]),
    ):
        reader = make_member(customer, "employee", language=language)
        login(reader)
        html = client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog").get_data(as_text=True)
        shown = [name for name in expected if name in html]
        assert shown == expected and sorted(html.index(n) for n in shown) == [
            html.index(n) for n in expected
        ], language
    # an import that renames keeps the keys: "Afwasmiddel" becomes "Zeep", last in Dutch
    login(admin)
    csv = b"sku;name_nl;name_en;list_price\nAFW;Zeep;Dish soap;2\n"
    upload = client.post(
        f"/p/{supplier.id}/products/import/",
        data={"file": (io.BytesIO(csv), "products.csv")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    done = client.post(upload.headers["Location"])
    assert done.status_code == 303
    assert [p.sku for p in products_page(supplier)] == ["APS", "BOT", "AFW"]
    renamed = Product.get(Product.sku == "AFW")
    assert (renamed.sort_nl, renamed.sort_en, renamed.sort_de) == ("zeep", "dish soap", "zeep")


def test_a_catalog_search_past_the_cap_says_there_are_more(
    client, login, shop, make_party, make_member, monkeypatch
):
    monkeypatch.setattr(product_lists, "SEARCH_COUNT_CAP", 25)  # a page of the catalog: 24
    for n in range(26):
        add(shop, f"CUP-{n:02}", f"Cup {n:02}")
    customer, member, link = buyer(shop, make_party, make_member)
    login(member)
    url = f"/p/{customer.id}/suppliers/{link.id}/catalog?q=cup"
    page = text_of(client.get(url))
    assert "More than 25 products match." in page and "Page 1 " in page
    assert "Page 1 of" not in page and "Next" in page
    last = text_of(client.get(f"{url}&page=2"))
    assert "Cup 24" in last and "Cup 25" in last and "Next" not in last


def test_searches_and_sorts_ignore_accents(client, login, shop, make_party, make_member):
    """ "cafe" finds "Café", "kase" "Käse", "12 x 250" "12 × 250"; "Éclair" files under E."""
    from models.identifiers import fold

    assert fold("Café Crème 12 × 250 g") == "cafe creme 12 x 250 g"
    add(shop, "CAF-1", "Café crème")
    add(shop, "KAS-1", "Käse 12 × 250 g")
    add(shop, "ECL-1", "Éclair")
    add(shop, "FIG-1", "Figs")
    for typed, sku in (
        ("cafe", "CAF-1"),
        ("CAFÉ", "CAF-1"),
        ("kase", "KAS-1"),
        ("12 x 250", "KAS-1"),
    ):
        assert [p.sku for p in products_page(shop["supplier"], search=typed)] == [sku], typed
    customer, member, link = buyer(shop, make_party, make_member)
    login(member)
    page = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog"))
    assert page.index("Café crème") < page.index("Éclair") < page.index("Figs") < page.index("Käse")
    found = text_of(client.get(f"/p/{customer.id}/suppliers/{link.id}/catalog?q=creme"))
    assert "Café crème" in found and "Figs" not in found


def test_the_index_only_narrows_each_match_is_checked(shop):
    """The index is asked for a text's trigrams side by side, not the phrase: a product that
    holds them apart ("nge … ora") is a candidate, never a match."""
    from models.search_index import narrowing_query

    assert narrowing_query(["orange juice"]) == '("ora" AND "nge" AND " ju" AND "ice")'
    assert narrowing_query(["abcd"]) == '("abc" AND "bcd")' and narrowing_query(["ab"]) is None
    add(shop, "OJ-1", "Orange juice")
    add(shop, "NO-1", "Nge ora juice")  # both hold "ora", "nge", " ju" and "ice", apart
    add(shop, "NO-2", "Ice orange nge ju")
    found = products_page(shop["supplier"], search="orange juice")
    assert [p.sku for p in found] == ["OJ-1"] and found.total == 1
