"""Ordering (issue 10): the cart, quick order, checkout with its checks, orders on both sides
with their status flow, and the on-account ledger the credit limit reads."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest

from models.addresses import Address, DeliveryPoint
from models.catalog import create_product
from models.ledger import AccountEntry, owed_minor, record_entry
from models.orders import CartLine, Order, OrderEvent, OrderLine
from models.price_lists import CategoryCode
from models.relationships import CustomerCategory, Relationship
from tests import factories
from tests.conftest import text_of


@pytest.fixture
def shop(app):
    supplier = factories.make_party(
        display_name="Brouwer", language="en", country="NL", phone="+31 20 123 4567"
    )
    admin = factories.make_member(supplier, "admin")
    staff = factories.make_member(supplier, "employee")
    coffee = create_product(admin, supplier, sku="COF-1", name_en="Coffee", list_price=10)
    tea = create_product(admin, supplier, sku="TEA-1", name_en="Tea", list_price=4)
    customer = factories.make_party(display_name="Kantoor", country="NL")
    buyer = factories.make_member(customer, "employee")
    boss = factories.make_member(customer, "supervisor")
    home = Address.create(
        party=customer,
        kind="delivery",
        street="Damrak 1",
        postal_code="1012 LG",
        city="Amsterdam",
        country="NL",
        is_default=True,
    )
    dock = DeliveryPoint.create(address=home, name="Dock 3")
    link = Relationship.create(supplier=supplier, customer=customer, status="connected")
    return {
        "supplier": supplier,
        "admin": admin,
        "staff": staff,
        "coffee": coffee,
        "tea": tea,
        "customer": customer,
        "buyer": buyer,
        "boss": boss,
        "home": home,
        "dock": dock,
        "link": link,
    }


def base(shop):
    return f"/p/{shop['customer'].id}/suppliers/{shop['link'].id}"


def add(client, shop, product, quantity="1", **headers):
    return client.post(
        f"{base(shop)}/cart/add",
        data={"product_id": product.id, "quantity": quantity},
        headers=headers,
    )


def checkout(client, shop, **values):
    """The checkout form sent as the buyer would (its key from the page; a client who may not
    order is sent back to the cart, and a form sent anyway gets a key of its own)."""
    page = client.get(f"{base(shop)}/checkout")
    if page.status_code == 200:
        key = re.search(r'name="key" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    else:
        assert page.status_code == 303 and page.headers["Location"].endswith("/cart")
        key = secrets.token_urlsafe(24)
    data = {"key": key, **values}
    return client.post(f"{base(shop)}/checkout", data=data), key


# --- cart ---------------------------------------------------------------------------------


def test_a_buyer_adds_from_the_catalog_and_reads_the_cart_at_todays_prices(client, login, shop):
    login(shop["buyer"])
    assert add(client, shop, shop["coffee"], "3").status_code == 303
    response = add(client, shop, shop["coffee"], "2", **{"HX-Request": "true"})
    assert response.status_code == 200 and "Added." in text_of(response)
    assert 'id="cart-count"' in response.get_data(as_text=True)  # the tab's count, out of band
    line = CartLine.get()
    assert line.quantity == 5 and line.seen_unit_minor == 1000
    cart = text_of(client.get(f"{base(shop)}/cart"))
    assert "Coffee" in cart and "€50.00" in cart and "Total to pay €60.50" in cart


def test_each_buyer_has_their_own_cart_kept_across_sessions(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["tea"], "2")
    client.post("/signout")
    login(shop["boss"])
    assert "Your cart is empty." in text_of(client.get(f"{base(shop)}/cart"))
    client.post("/signout")
    login(shop["buyer"])  # a new session (another device): the cart is still there
    assert "Tea" in text_of(client.get(f"{base(shop)}/cart"))


def test_quantities_are_changed_in_place_and_bad_ones_refused(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    line = CartLine.get()
    url = f"{base(shop)}/cart/lines/{line.id}"
    for bad in ("0", "-1", "1000000000000", "abc", ""):
        response = client.post(url, data={"quantity": bad})
        assert response.status_code == 422, bad
        assert 'class="error"' in response.get_data(as_text=True)
    assert CartLine.get().quantity == 1  # nothing written
    response = client.post(url, data={"quantity": "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert CartLine.get().quantity == 4
    assert client.post(f"{url}/remove").status_code == 303
    assert CartLine.select().count() == 0


def test_adding_refuses_bad_quantities_and_other_suppliers_products(client, login, shop):
    login(shop["buyer"])
    for bad in ("0", "-3", "10" * 7, "abc"):
        assert add(client, shop, shop["coffee"], bad, **{"HX-Request": "true"}).status_code == 422
    other = factories.make_party(display_name="Other")
    theirs = create_product(
        factories.make_member(other, "admin"),
        other,
        sku="X-1",
        list_price=1,
        name_en="X",
        name_nl="X",
    )
    assert add(client, shop, theirs).status_code == 404
    assert CartLine.select().count() == 0


def test_a_line_whose_price_changed_says_so(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    shop["coffee"].list_price_minor = 1200
    shop["coffee"].save()
    page = text_of(client.get(f"{base(shop)}/cart"))
    assert "was €10.00" in page and "€12.00" in page
    client.post(f"{base(shop)}/cart/accept-prices")
    assert "was €10.00" not in text_of(client.get(f"{base(shop)}/cart"))


def test_another_buyers_or_companys_cart_line_is_404(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    line = CartLine.get()
    client.post("/signout")
    login(shop["boss"])  # a colleague does not change the buyer's cart
    assert (
        client.post(f"{base(shop)}/cart/lines/{line.id}", data={"quantity": "9"}).status_code == 404
    )
    client.post("/signout")
    stranger_party = factories.make_party()
    stranger = factories.make_member(stranger_party, "admin")
    Relationship.create(supplier=shop["supplier"], customer=stranger_party, status="connected")
    client.post("/signout")
    login(stranger)
    own = Relationship.get(Relationship.customer == stranger_party)
    url = f"/p/{stranger_party.id}/suppliers/{own.id}/cart/lines/{line.id}"
    assert client.post(url, data={"quantity": "9"}).status_code == 404
    assert client.post(f"{url}/remove").status_code == 404
    assert CartLine.get().quantity == 1


# --- quick order ----------------------------------------------------------------------------


def test_quick_order_takes_skus_and_own_codes_and_lists_the_lines_it_cannot_match(
    client, login, shop
):
    category = CustomerCategory.create(supplier=shop["supplier"], name="Offices", code="OFF")
    CategoryCode.create(
        category=category,
        product=shop["tea"],
        code="MY-TEA",
        code_key="my-tea",
        search_key="my-tea",
    )
    shop["link"].category = category
    shop["link"].save()
    login(shop["buyer"])
    text = "COF-1 2\nmy-tea\t3\n\nNOPE 1\ncof-1;1\nTEA-1 abc\n"
    rows = {"HX-Request": "true", "HX-Target": "cart-body"}
    response = client.post(f"{base(shop)}/cart/quick", data={"lines": text}, headers=rows)
    page = text_of(response)
    assert response.status_code == 200
    assert "NOPE 1\nTEA-1 abc</textarea>" in response.get_data(as_text=True)  # to correct
    assert "3 lines added to your cart." in page
    assert "Line 4: NOPE — No product has this code." in page
    assert "Line 6: TEA-1 — Enter a whole number, such as 3." in page
    quantities = {line.product_id: line.quantity for line in CartLine.select()}
    assert quantities == {shop["coffee"].id: 3, shop["tea"].id: 3}
    # without JavaScript the cart's own page says it (a reload adds nothing again)
    plain = client.post(f"{base(shop)}/cart/quick", data={"lines": "COF-1 1\nNOPE 2"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith("/cart")
    page = text_of(client.get(plain.headers["Location"]))
    assert "1 line added to your cart." in page and "Line 2: NOPE — No product" in page


def test_a_scan_is_one_code_and_enter(client, login, shop):
    login(shop["buyer"])
    for _ in range(3):
        response = client.post(
            f"{base(shop)}/cart/quick", data={"code": "TEA-1"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "autofocus" in response.get_data(as_text=True)  # the field takes the next scan
    assert CartLine.get().quantity == 3


def test_a_code_of_two_products_is_ambiguous(client, login, shop):
    category = CustomerCategory.create(supplier=shop["supplier"], name="Offices", code="OFF")
    CategoryCode.create(
        category=category, product=shop["tea"], code="COF-1", code_key="cof-1", search_key="cof-1"
    )
    shop["link"].category = category
    shop["link"].save()
    login(shop["buyer"])
    response = client.post(f"{base(shop)}/cart/quick", data={"lines": "COF-1 1"})
    assert response.status_code == 422
    assert "more than one product" in text_of(response)
    assert CartLine.select().count() == 0


def test_a_huge_paste_is_refused_without_writing(client, login, shop):
    login(shop["buyer"])
    response = client.post(f"{base(shop)}/cart/quick", data={"lines": "COF-1 1\n" * 40_000})
    assert response.status_code in (413, 422)
    assert CartLine.select().count() == 0


def test_a_csv_file_goes_into_the_cart(client, login, shop):
    import io

    login(shop["buyer"])
    data = {"file": (io.BytesIO(b"code;quantity\nCOF-1;2\nTEA-1;1\n"), "order.csv")}
    response = client.post(
        f"{base(shop)}/cart/quick", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 303  # back to the cart, which says what was added
    assert CartLine.select().count() == 2


# --- checkout and its checks -----------------------------------------------------------------


def test_checkout_places_one_order_with_its_lines_and_empties_the_cart(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    add(client, shop, shop["tea"], "1")
    page = text_of(client.get(f"{base(shop)}/checkout"))
    assert "Damrak 1" in page and "Dock 3" in page and "On delivery" in page
    response, key = checkout(
        client,
        shop,
        delivery_address=shop["home"].id,
        delivery_point=shop["dock"].id,
        po_reference="PO-77",
    )
    assert response.status_code == 303
    order = Order.get()
    assert (order.status, order.subtotal_minor, order.vat_minor, order.total_minor) == (
        "placed",
        2400,
        504,
        2904,
    )
    assert order.delivery_point_text == "Dock 3" and order.po_reference == "PO-77"
    assert OrderLine.select().count() == 2 and CartLine.select().count() == 0
    assert OrderEvent.get().status == "placed"
    # the same form again (a double click, a retried request): the same order, no second one
    again = client.post(f"{base(shop)}/checkout", data={"key": key})
    assert again.status_code == 303 and Order.select().count() == 1
    detail = text_of(client.get(response.headers["Location"]))
    assert "PO-77" in detail and "Coffee" in detail and "€29.04" in detail


def test_an_email_tells_the_buyer_the_order_is_placed(app, client, login, shop, tmp_path):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    checkout(client, shop)
    mails = list((tmp_path / "outbox").glob("*.eml"))
    assert mails and "is placed" in mails[-1].read_text()


def test_below_the_minimum_order_value_is_refused_naming_the_amounts(client, login, shop):
    shop["link"].min_order_minor = 5000
    shop["link"].save()
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    response, _key = checkout(client, shop)
    assert response.status_code == 422
    assert (
        "The minimum order value is €50.00; this order comes to €20.00. Add €30.00 more."
        in text_of(response)
    )
    assert Order.select().count() == 0 and CartLine.select().count() == 1


def test_the_credit_limit_reads_the_ledger(client, login, shop):
    shop["link"].payment_method = "on_account"
    shop["link"].credit_limit_minor = 5000
    shop["link"].save()
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "3")  # 36.30 incl. VAT
    response, _key = checkout(client, shop)
    assert response.status_code == 303
    assert owed_minor(shop["link"].id) == 3630
    add(client, shop, shop["coffee"], "2")  # 24.20: 60.50 > 50.00
    response, _key = checkout(client, shop)
    assert response.status_code == 422
    assert (
        "This order exceeds your credit limit: limit €50.00, owed €36.30, this order €24.20, "
        "available €13.70." in text_of(response)
    )
    # a payment recorded by the supplier makes room
    record_entry(shop["admin"], shop["link"], "payment", "30", dt.date.today(), "Bank 1")
    response, _key = checkout(client, shop)
    assert response.status_code == 303
    assert owed_minor(shop["link"].id) == 3630 - 3000 + 2420


def test_do_not_sell_lets_the_buyer_browse_but_not_order(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    shop["link"].delinquency = "do_not_sell"
    shop["link"].save()
    assert client.get(f"{base(shop)}/catalog").status_code == 200
    response, _key = checkout(client, shop)
    assert response.status_code == 422
    page = text_of(response)
    assert "Please contact the supplier" in page and "+31 20 123 4567" in page
    assert Order.select().count() == 0
    # nothing more goes into the cart, and the cart says why
    add(client, shop, shop["tea"])
    assert CartLine.select().count() == 1
    cart = text_of(client.get(f"{base(shop)}/cart"))
    assert "Please contact the supplier" in cart and "+31 20 123 4567" in cart
    assert "Check out" not in cart and 'id="quick-code"' not in cart


def test_an_inactive_relationship_cannot_order(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    shop["link"].active = False
    shop["link"].save()
    response, _key = checkout(client, shop)
    assert response.status_code == 422 and "paused your account" in text_of(response)
    assert Order.select().count() == 0


def test_a_price_changed_since_the_checkout_was_opened_is_not_placed_unseen(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    page = client.get(f"{base(shop)}/checkout").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="seen_total" value="([^"]+)"', page).group(1)
    shop["coffee"].list_price_minor = 1100
    shop["coffee"].save()
    response = client.post(f"{base(shop)}/checkout", data={"key": key, "seen_total": seen})
    assert response.status_code == 409 and "Prices changed" in text_of(response)
    # a tampered price field is never believed: the order is placed at the engine's price
    response = client.post(f"{base(shop)}/checkout", data={"key": key, "seen_total": ""})
    assert response.status_code == 303 and Order.get().subtotal_minor == 1100


def test_another_partys_address_or_point_is_404(client, login, shop):
    other = factories.make_party()
    theirs = Address.create(
        party=other, kind="delivery", street="X 1", postal_code="1000 AA", city="A", country="NL"
    )
    their_point = DeliveryPoint.create(address=theirs, name="Back door")
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    response, _key = checkout(client, shop, delivery_address=theirs.id)
    assert response.status_code == 404
    response, _key = checkout(client, shop, delivery_point=their_point.id)
    assert response.status_code == 404
    assert Order.select().count() == 0


def test_a_delivery_date_outside_the_schedule_is_refused(client, login, shop):
    from models.schedules import TimeFrame, create_schedule

    schedule = create_schedule(
        shop["admin"],
        shop["supplier"],
        name="Weekdays",
        working_days=[1, 2, 3, 4, 5],
        cutoff=None,
        lead_days=1,
    )
    TimeFrame.create(schedule=schedule, weekdays=0b11111, start="08:00", end="12:00")
    shop["link"].schedule = schedule
    shop["link"].save()
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    page = client.get(f"{base(shop)}/checkout").get_data(as_text=True)
    slots = re.findall(r'<option value="(\d{4}-\d\d-\d\d\|[^"]+)"', page)
    assert len(slots) > 2
    response, _key = checkout(client, shop, slot="2001-01-01|08:00|12:00")
    assert response.status_code == 422 and "not available" in text_of(response)
    response, _key = checkout(client, shop, slot=slots[2])  # a later slot
    assert response.status_code == 303
    order = Order.get()
    assert order.delivery_date.isoformat() == slots[2][:10] and order.frame_start == "08:00"


def test_a_supervisor_adds_a_delivery_address_at_checkout_an_employee_cannot(client, login, shop):
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    new = {
        "delivery_address": "new",
        "new_street": "Kade 5",
        "new_postal_code": "3011AA",
        "new_city": "Rotterdam",
        "new_country": "NL",
    }
    response, _key = checkout(client, shop, **new)
    assert response.status_code == 422 and Order.select().count() == 0
    client.post("/signout")
    login(shop["boss"])
    add(client, shop, shop["coffee"])
    response, _key = checkout(client, shop, **{**new, "new_street": ""})
    assert response.status_code == 422 and "Enter the street and number." in text_of(response)
    assert Address.select().where(Address.city == "Rotterdam").count() == 0
    response, _key = checkout(client, shop, **new)
    assert response.status_code == 303
    assert "Kade 5" in Order.get().delivery_address_text


# --- orders on both sides ------------------------------------------------------------------


def placed(client, login, shop, quantity="1"):
    login(shop["buyer"])
    add(client, shop, shop["coffee"], quantity)
    response, _key = checkout(client, shop)
    assert response.status_code == 303
    client.post("/signout")
    return Order.select().order_by(Order.id.desc()).first()


def test_the_supplier_confirms_ships_and_delivers_and_the_buyer_sees_it(client, login, shop):
    order = placed(client, login, shop)
    login(shop["staff"])
    sales = f"/p/{shop['supplier'].id}/sales"
    assert "Kantoor" in text_of(client.get(f"{sales}/"))
    for action in ("confirm", "ship", "deliver"):
        assert client.post(f"{sales}/{order.id}/{action}").status_code == 303
    assert Order.get_by_id(order.id).status == "delivered"
    assert [e.status for e in OrderEvent.select().order_by(OrderEvent.id)] == [
        "placed",
        "confirmed",
        "shipped",
        "delivered",
    ]
    # an illegal transition is refused
    assert client.post(f"{sales}/{order.id}/ship").status_code == 409
    client.post("/signout")
    login(shop["buyer"])
    page = text_of(client.get(f"/p/{shop['customer'].id}/orders/{order.id}"))
    assert "Delivered" in page and "Shipped" in page


def test_every_illegal_transition_is_refused(client, login, shop):
    order = placed(client, login, shop)
    login(shop["admin"])
    sales = f"/p/{shop['supplier'].id}/sales/{order.id}"
    assert client.post(f"{sales}/ship").status_code == 409
    assert client.post(f"{sales}/deliver").status_code == 409
    client.post(f"{sales}/cancel", data={"reason": "Out of stock"})
    for action in ("confirm", "ship", "deliver", "cancel", "reject"):
        response = client.post(f"{sales}/{action}", data={"reason": "x"})
        assert response.status_code == 409, action
    assert Order.get_by_id(order.id).status == "cancelled"


def test_cancelling_needs_a_supervisor_and_a_reason_and_gives_the_credit_back(client, login, shop):
    shop["link"].payment_method = "on_account"
    shop["link"].save()
    order = placed(client, login, shop, "2")
    assert owed_minor(shop["link"].id) == 2420
    sales = f"/p/{shop['supplier'].id}/sales/{order.id}"
    login(shop["staff"])
    assert client.post(f"{sales}/cancel", data={"reason": "x"}).status_code == 403
    client.post("/signout")
    login(shop["admin"])
    assert client.post(f"{sales}/cancel", data={"reason": ""}).status_code == 422
    assert client.post(f"{sales}/cancel", data={"reason": "Out of stock"}).status_code == 303
    assert owed_minor(shop["link"].id) == 0
    assert [e.kind for e in AccountEntry.select().order_by(AccountEntry.id)] == [
        "order",
        "cancellation",
    ]


def test_orders_are_scoped_to_their_parties(client, login, shop):
    order = placed(client, login, shop)
    other = factories.make_party()
    login(factories.make_member(other, "admin"))
    assert client.get(f"/p/{other.id}/orders/{order.id}").status_code == 404
    assert client.get(f"/p/{other.id}/sales/{order.id}").status_code == 404
    assert client.post(f"/p/{other.id}/sales/{order.id}/confirm").status_code == 404
    assert client.post(f"/p/{other.id}/orders/{order.id}/reorder").status_code == 404
    assert Order.get_by_id(order.id).status == "placed"


def test_lists_filter_by_status_and_search_by_number_and_reference(client, login, shop):
    first = placed(client, login, shop)
    login(shop["buyer"])
    add(client, shop, shop["tea"])
    checkout(client, shop, po_reference="Q-4711")
    buyer_list = f"/p/{shop['customer'].id}/orders/"
    assert "Q-4711" in text_of(client.get(f"{buyer_list}?q=q-4711"))
    assert "Q-4711" in text_of(client.get(f"{buyer_list}?q=471"))  # a buyer's: any part
    supplier_list = f"/p/{shop['supplier'].id}/sales/"
    client.post("/signout")
    login(shop["admin"])
    assert "Q-4711" in text_of(client.get(f"{supplier_list}?q=Q-4711"))
    assert "Q-4711" not in text_of(client.get(f"{supplier_list}?q=471"))  # as written
    client.post("/signout")
    login(shop["buyer"])
    found = text_of(client.get(f"{buyer_list}?q={first.number}"))
    assert first.number in found and "Q-4711" not in found
    response = client.get(f"{buyer_list}?status=delivered", headers={"HX-Request": "true"})
    assert "No orders match." in text_of(response) and "<html" not in response.get_data(
        as_text=True
    )


def test_reorder_puts_the_lines_back_and_names_what_is_gone(client, login, shop):
    order = placed(client, login, shop, "4")
    shop["coffee"].active = False
    shop["coffee"].save()
    login(shop["buyer"])
    response = client.post(
        f"/p/{shop['customer'].id}/orders/{order.id}/reorder", follow_redirects=True
    )
    assert "no longer available" in text_of(response) and "COF-1" in text_of(response)
    shop["coffee"].active = True
    shop["coffee"].save()
    client.post(f"/p/{shop['customer'].id}/orders/{order.id}/reorder")
    assert CartLine.get().quantity == 4


def test_a_client_with_open_orders_cannot_be_removed(client, login, shop):
    placed(client, login, shop)
    login(shop["admin"])
    response = client.post(
        f"/p/{shop['supplier'].id}/clients/{shop['link'].id}/remove", follow_redirects=True
    )
    assert "This client has 1 open orders" in text_of(response)
    assert Relationship.select().where(Relationship.id == shop["link"].id).exists()


# --- the ledger -----------------------------------------------------------------------------


def test_payments_and_corrections_are_entries_with_their_reasons(app, shop):
    from models.base import DomainError

    record_entry(
        shop["admin"], shop["link"], "correction", "125,50", dt.date.today(), "", "Old debt"
    )
    record_entry(shop["admin"], shop["link"], "payment", "100", dt.date.today(), "Bank 12")
    assert owed_minor(shop["link"].id) == 2550
    for kind, amount, reason in (
        ("payment", "-5", ""),
        ("payment", "0", ""),
        ("payment", "abc", ""),
        ("correction", "10", ""),
        ("payment", "1e12", ""),
        ("payment", "1e3", ""),
    ):
        with pytest.raises(DomainError):
            record_entry(shop["admin"], shop["link"], kind, amount, dt.date.today(), "", reason)
    assert AccountEntry.select().count() == 2


def test_the_client_page_shows_its_orders_with_items_and_its_account(client, login, shop):
    shop["link"].payment_method = "on_account"
    shop["link"].credit_limit_minor = 10000
    shop["link"].save()
    placed(client, login, shop, "2")
    placed(client, login, shop, "4")
    login(shop["admin"])
    url = f"/p/{shop['supplier'].id}/clients/{shop['link'].id}"
    page = text_of(client.get(f"{url}/orders"))
    assert "Orders placed 2" in page and "Average order size €36.30" in page
    assert "2 × COF-1 Coffee" not in page
    assert "2 × COF-1 Coffee" in text_of(client.get(f"{url}/orders?items=1"))
    account = text_of(client.get(f"{url}/account"))
    assert "Owed on account €72.60" in account and "Available credit €27.40" in account
    today = dt.date.today().isoformat()
    bad = client.post(
        f"{url}/account",
        data={"kind": "correction", "amount": "5", "entry_date": today, "reason": ""},
    )
    assert bad.status_code == 422 and "Say why the balance is corrected." in text_of(bad)
    good = client.post(
        f"{url}/account",
        data={"kind": "payment", "amount": "50,00", "entry_date": today, "reference": "B-9"},
    )
    assert good.status_code == 303 and owed_minor(shop["link"].id) == 2260
    client.post("/signout")
    login(shop["staff"])  # employees read the account but record nothing
    assert client.get(f"{url}/account").status_code == 200
    assert client.post(f"{url}/account", data={"kind": "payment", "amount": "1"}).status_code == 403
    assert AccountEntry.select().where(AccountEntry.kind == "payment").count() == 1


def _many_orders(shop, count: int) -> None:
    """`count` orders of the shop's client, written straight into the tables."""
    from models.base import utcnow

    now = utcnow()
    for n in range(count):
        order = Order.create(
            relationship=shop["link"],
            supplier=shop["supplier"],
            customer=shop["customer"],
            status=("placed", "confirmed", "delivered")[n % 3],
            placed_by=shop["buyer"],
            placed_at=now - dt.timedelta(hours=n),
            currency="EUR",
            payment_method="on_delivery",
            subtotal_minor=1000,
            net_minor=1000,
            vat_minor=210,
            total_minor=1210,
            line_count=1,
            po_reference=f"PO-{n}",
            search_text=f"po-{n}",
            idempotency_key=f"k-{n}",
        )
        OrderLine.create(
            order=order,
            position=1,
            sku="COF-1",
            name="Coffee",
            quantity=1,
            unit_minor=1000,
            line_minor=1000,
            vat_rate_bp=2100,
        )


@pytest.mark.parametrize("count", [30, 300])
def test_order_lists_take_the_same_few_queries_at_any_size(client, login, shop, count):
    from playhouse.test_utils import assert_query_count

    from models.relationships import index_text

    link = shop["link"]
    link.sort_name, link.search_text = index_text(link, shop["customer"])
    link.save()
    _many_orders(shop, count)
    rows = {"HX-Request": "true", "HX-Target": "order-rows"}
    login(shop["admin"])
    sales = f"/p/{shop['supplier'].id}/sales/"
    client.get(sales)
    with assert_query_count(5):  # session, membership, partners, count, page
        page = client.get(sales)
    assert text_of(page).count("Kantoor") >= 25
    with assert_query_count(4):
        client.get(f"{sales}?page=2&status=placed", headers=rows)
    client.get(f"{sales}?q=PO-1", headers=rows)  # once: is there a trigram index
    with assert_query_count(5):  # and the clients whose name matches
        found = client.get(f"{sales}?q=PO-7", headers=rows)
    assert "PO-7" in text_of(found) and "PO-17" not in text_of(found)
    by_client = text_of(client.get(f"{sales}?q=kantoor", headers=rows))
    assert f"{min(count, 500)} orders" in by_client or "More than 500" in by_client
    narrowed = text_of(client.get(f"{sales}?q=kantoor&status=confirmed", headers=rows))
    assert f"{count // 3} orders" in narrowed and "Placed" not in narrowed.split("Total", 1)[1]
    first = Order.select().first().id
    with assert_query_count(5):  # and the order, its lines, its history
        client.get(f"{sales}{first}")
    client.post("/signout")
    login(shop["buyer"])
    purchases = f"/p/{shop['customer'].id}/orders/"
    client.get(purchases)
    with assert_query_count(5):
        client.get(purchases)
    with assert_query_count(4):
        client.get(f"{purchases}?page=2", headers=rows)


def test_the_buyer_is_emailed_each_change_of_status_in_their_language(
    client, login, shop, tmp_path
):
    shop["buyer"].language = "de"
    shop["buyer"].save()
    order = placed(client, login, shop)
    login(shop["admin"])
    sales = f"/p/{shop['supplier'].id}/sales/{order.id}"
    client.post(f"{sales}/confirm")
    client.post(f"{sales}/cancel", data={"reason": "Nicht lieferbar"})
    mails = sorted((tmp_path / "outbox").glob("*.eml"))
    texts = [m.read_text() for m in mails]
    assert len(texts) == 3  # placed, confirmed, cancelled
    assert all("Bestellung" in text for text in texts)
    assert sum("Nicht lieferbar" in text for text in texts) == 1


def test_a_50_mb_paste_is_refused_as_too_large(client, login, shop):
    login(shop["buyer"])
    response = client.post(
        f"{base(shop)}/cart/quick", data={"lines": "COF-1 1\n" * (50 * 1024 * 1024 // 8)}
    )
    assert response.status_code == 413 and "too large" in text_of(response).lower()
    assert CartLine.select().count() == 0


def test_a_cart_line_of_another_supplier_is_404_there(client, login, shop):
    other = factories.make_party(display_name="Other", country="NL")
    other_admin = factories.make_member(other, "admin")
    create_product(other_admin, other, sku="X-1", name_en="X", list_price=3)
    other_link = Relationship.create(supplier=other, customer=shop["customer"], status="connected")
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    line = CartLine.get()
    url = f"/p/{shop['customer'].id}/suppliers/{other_link.id}/cart/lines/{line.id}"
    assert client.post(url, data={"quantity": "7"}).status_code == 404
    assert client.post(f"{url}/remove").status_code == 404
    assert CartLine.get().quantity == 1


def test_a_closed_day_cannot_be_chosen_for_delivery(client, login, shop):
    from models.schedules import ClosedDate, TimeFrame, create_schedule

    schedule = create_schedule(
        shop["admin"],
        shop["supplier"],
        name="All week",
        working_days=range(1, 8),
        cutoff=None,
        lead_days=1,
    )
    TimeFrame.create(schedule=schedule, weekdays=0b1111111, start="08:00", end="12:00")
    shop["link"].schedule = schedule
    shop["link"].save()
    login(shop["buyer"])
    add(client, shop, shop["coffee"])
    page = client.get(f"{base(shop)}/checkout").get_data(as_text=True)
    third = re.findall(r'<option value="(\d{4}-\d\d-\d\d)\|', page)[2]
    ClosedDate.create(schedule=schedule, day=dt.date.fromisoformat(third))
    response, _key = checkout(client, shop, slot=f"{third}|08:00|12:00")
    assert response.status_code == 422 and "not available" in text_of(response)
    assert Order.select().count() == 0


def test_my_suppliers_shows_the_credit_left(client, login, shop):
    shop["link"].payment_method = "on_account"
    shop["link"].credit_limit_minor = 10000
    shop["link"].save()
    placed(client, login, shop, "2")  # 24.20
    login(shop["buyer"])
    page = text_of(client.get(f"/p/{shop['customer'].id}/suppliers/"))
    assert "€75.80 of €100.00" in page
    overview = text_of(client.get(f"{base(shop)}/"))
    assert "Owed on account €24.20" in overview and "Available credit €75.80" in overview


def test_the_supplier_reads_the_order_lines_in_its_own_language(client, login, shop):
    supplier = factories.make_party(display_name="Bakker", language="nl", country="NL")
    admin = factories.make_member(supplier, "admin")
    bread = create_product(
        admin, supplier, sku="BR-1", name_nl="Brood", name_en="Bread", list_price=3
    )
    link = Relationship.create(supplier=supplier, customer=shop["customer"], status="connected")
    login(shop["buyer"])  # reads English
    url = f"/p/{shop['customer'].id}/suppliers/{link.id}"
    client.post(f"{url}/cart/add", data={"product_id": bread.id, "quantity": "2"})
    page = client.get(f"{url}/checkout").get_data(as_text=True)
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    assert client.post(f"{url}/checkout", data={"key": key}).status_code == 303
    order = Order.get(Order.supplier == supplier)
    assert "Bread" in text_of(client.get(f"/p/{shop['customer'].id}/orders/{order.id}"))
    client.post("/signout")
    login(admin)
    assert "Brood" in text_of(client.get(f"/p/{supplier.id}/sales/{order.id}"))


def test_removing_a_client_keeps_its_past_orders_for_both_sides(client, login, shop):
    order = placed(client, login, shop)
    login(shop["admin"])
    client.post(f"/p/{shop['supplier'].id}/sales/{order.id}/confirm")
    client.post(f"/p/{shop['supplier'].id}/sales/{order.id}/ship")
    client.post(f"/p/{shop['supplier'].id}/sales/{order.id}/deliver")
    response = client.post(f"/p/{shop['supplier'].id}/clients/{shop['link'].id}/remove")
    assert response.status_code == 303
    assert not Relationship.select().where(Relationship.id == shop["link"].id).exists()
    kept = Order.get_by_id(order.id)
    assert kept.relationship_id is None and OrderLine.select().count() == 1
    assert client.get(f"/p/{shop['supplier'].id}/sales/{order.id}").status_code == 200
    client.post("/signout")
    login(shop["buyer"])
    page = text_of(client.get(f"/p/{shop['customer'].id}/orders/{order.id}"))
    assert "Brouwer" in page and "Coffee" in page
