"""The supplier's products pages (F24): list, search, add, edit, stale forms, bad input, access."""

from __future__ import annotations

import pytest
from playhouse.test_utils import assert_query_count

from models.audit import AuditEntry
from models.catalog import Product, ProductText, create_product
from tests.conftest import text_of

FORM = {
    "sku": "COF-1",
    "unit": "box",
    "pack_size": "12",
    "list_price": "1.234,50",  # as a Dutch user writes it
    "purchase_price": "800",
    "name_nl": "Koffiebonen",
    "name_en": "Coffee beans",
    "description_nl": "Gebrand in Utrecht.",
    "active": "y",
}


@pytest.fixture
def shop(make_party, make_member):
    party = make_party(language="nl", currency="EUR", country="NL")
    return party, make_member(party, "admin")


def test_a_supervisor_adds_a_product_typed_the_dutch_way(client, login, shop, make_member):
    party, _admin = shop
    supervisor = make_member(party, "supervisor")
    supervisor.language = "nl"
    supervisor.save()
    login(supervisor)
    form = client.get(f"/p/{party.id}/products/new")
    assert form.status_code == 200 and "Naam (Nederlands)" in text_of(form)
    response = client.post(f"/p/{party.id}/products/", data=FORM)
    assert response.status_code == 303
    product = Product.get(Product.supplier == party)
    assert (product.list_price_minor, product.purchase_price_minor, product.pack_size) == (
        123_450,
        80_000,
        12,
    )
    listing = text_of(client.get(f"/p/{party.id}/products/"))
    assert "COF-1" in listing and "Koffiebonen" in listing and "€ 1.234,50" in listing
    assert "Doos van 12" in listing
    assert AuditEntry.get(AuditEntry.area == "product").action == "create"


def test_bad_input_answers_422_on_its_field_and_writes_nothing(client, login, shop):
    party, admin = shop
    login(admin)
    response = client.post(f"/p/{party.id}/products/", data={**FORM, "list_price": "-5"})
    assert response.status_code == 422
    assert "The amount cannot be negative." in text_of(response)
    response = client.post(f"/p/{party.id}/products/", data={**FORM, "name_nl": "a\x00b"})
    assert response.status_code == 422
    response = client.post(f"/p/{party.id}/products/", data={**FORM, "vat_class": "999999"})
    assert response.status_code == 422
    assert Product.select().count() == 0


def test_editing_saves_and_a_stale_form_shows_the_saved_values(client, login, shop):
    party, admin = shop
    login(admin)
    client.post(f"/p/{party.id}/products/", data=FORM)
    product = Product.get()
    page = client.get(f"/p/{party.id}/products/{product.id}/edit")
    assert 'value="1,234.50"' in page.get_data(as_text=True)  # the admin reads English
    fields = {
        **FORM,
        "version": str(product.version),
        "name_nl": "Bonen",
        "vat_class": str(product.vat_class_id),
    }
    assert client.post(f"/p/{party.id}/products/{product.id}", data=fields).status_code == 303
    assert (
        ProductText.get(ProductText.product == product, ProductText.language == "nl").name
        == "Bonen"
    )
    stale = client.post(f"/p/{party.id}/products/{product.id}", data={**fields, "name_nl": "Oud"})
    assert stale.status_code == 409
    assert "Bonen" in stale.get_data(as_text=True)


def test_search_narrows_the_list_in_place_with_bounded_queries(client, login, shop):
    party, admin = shop
    for i in range(30):
        create_product(admin, party, sku=f"P-{i:02}", name_nl=f"Thee {i}", list_price=1)
    create_product(admin, party, sku="COF-9", name_nl="Koffie", name_en="Coffee", list_price=1)
    login(admin)
    client.get(f"/p/{party.id}/products/?q=tee")  # once: is there a search index
    with assert_query_count(4):
        fragment = client.get(
            f"/p/{party.id}/products/?q=coffee",
            headers={"HX-Request": "true", "HX-Target": "product-rows"},
        )
    html = fragment.get_data(as_text=True)
    assert (
        "<html" not in html
        and 'id="product-rows"' in html
        and "COF-9" in html
        and "P-01" not in html
    )
    page_two = client.get(f"/p/{party.id}/products/?page=2")
    assert text_of(page_two).count("Thee") >= 6


def test_another_suppliers_product_answers_404(client, login, shop, make_party, make_member):
    party, admin = shop
    other = make_party()
    theirs = create_product(
        make_member(other, "admin"), other, sku="X-1", name_en="X", list_price=1
    )
    login(admin)
    assert client.get(f"/p/{party.id}/products/{theirs.id}/edit").status_code == 404
    assert client.post(f"/p/{party.id}/products/{theirs.id}", data=FORM).status_code == 404
    assert ProductText.get(ProductText.product == theirs).name == "X"


def test_employees_read_the_list_but_do_not_edit(client, login, shop, make_member):
    party, admin = shop
    create_product(admin, party, sku="A-1", name_nl="Appel", list_price=1)
    login(make_member(party, "employee"))
    listing = client.get(f"/p/{party.id}/products/")
    assert listing.status_code == 200 and "Appel" in text_of(listing)
    assert "/products/new" not in listing.get_data(as_text=True)
    assert client.get(f"/p/{party.id}/products/new").status_code == 403


def test_a_product_gets_its_own_code_per_customer_category(client, login, shop, make_party):
    from models.price_lists import CategoryCode
    from models.relationships import CustomerCategory

    party, admin = shop
    product = create_product(admin, party, sku="A-1", name_nl="Appel", list_price=1)
    other = create_product(admin, party, sku="B-1", name_nl="Peer", list_price=1)
    cafes = CustomerCategory.create(supplier=party, name="Cafés", code="CAF")
    theirs = CustomerCategory.create(supplier=make_party(), name="X", code="X")
    login(admin)
    url = f"/p/{party.id}/products/{product.id}/codes"

    def post(target, **data):
        version = Product.get_by_id(target.id).version
        return client.post(
            f"/p/{party.id}/products/{target.id}/codes", data={"version": version, **data}
        )

    page = client.get(f"/p/{party.id}/products/{product.id}/edit")
    assert f'name="code_{cafes.id}"' in page.get_data(as_text=True)
    response = post(product, **{f"code_{cafes.id}": "CL-1", f"description_{cafes.id}": "Appels"})
    assert response.status_code == 303
    row = CategoryCode.get(CategoryCode.product == product)
    assert (row.code, row.description, row.category_id) == ("CL-1", "Appels", cafes.id)
    # the same code on another product of the category is refused on its field
    taken = post(other, **{f"code_{cafes.id}": "cl-1"})
    assert taken.status_code == 422 and "already has this code" in text_of(taken)
    # another supplier's category in the form is ignored (not a field of this form)
    post(product, **{f"code_{cafes.id}": "CL-1", f"code_{theirs.id}": "HACK"})
    assert CategoryCode.select().where(CategoryCode.category == theirs).count() == 0
    # a form loaded before another save is stale, and shows the saved code
    stale = client.post(url, data={"version": "1", f"code_{cafes.id}": "OLD"})
    assert stale.status_code == 409 and 'value="CL-1"' in stale.get_data(as_text=True)
    # control characters are refused; an empty code removes it
    assert post(product, **{f"code_{cafes.id}": "CL\x002"}).status_code == 422
    assert post(product, **{f"code_{cafes.id}": ""}).status_code == 303
    assert CategoryCode.select().count() == 0
