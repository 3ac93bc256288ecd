"""The client book's screens (issue 8, F14, F15): the list with search and filters, a client's
page with the terms and their source; scoped to the supplier, in the user's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playhouse.test_utils import assert_query_count

from models.relationships import answer_request, connect_client, create_client, update_terms
from tests import factories
from tests.conftest import text_of

ADDRESS = {
    "street": "Dorpsstraat 1",
    "postal_code": "1012 AB",
    "city": "Amsterdam",
    "country": "NL",
}
HX = {"HX-Request": "true"}


@pytest.fixture
def book(app):
    """A supplier with three clients: one connected by request, two created on the spot
    (one a debtor with a VAT number, one *do not sell*), and a pending request."""
    supplier = factories.make_party(display_name="Brouwer", default_credit_limit_minor=250000)
    admin = factories.make_member(supplier, "admin")
    staff = factories.make_member(supplier, "employee")
    buyer_party = factories.make_party(display_name="Café Lumière", email="cafe@lumiere.example")
    buyer_admin = factories.make_member(buyer_party, "admin")
    request = connect_client(admin, supplier, "cafe@lumiere.example")
    lumiere = answer_request(buyer_admin, buyer_party, request.id, True)
    debtor, _ = create_client(
        admin,
        supplier,
        company={
            "legal_name": "Bakkerij Jansen",
            "country": "NL",
            "vat_number": "NL004495445B01",
            "phone": "+31 20 555 0101",
        },
        delivery=ADDRESS,
        invoice=ADDRESS,
    )
    debtor = update_terms(
        admin,
        supplier,
        debtor.id,
        debtor.version,
        delinquency="debtor",
        client_code="K-7",
        tags="vip",
        credit_limit=Decimal("900"),
    )
    blocked, _ = create_client(
        admin,
        supplier,
        company={"legal_name": "Hotel Zuid", "country": "NL"},
        delivery=ADDRESS,
        invoice=ADDRESS,
    )
    blocked = update_terms(admin, supplier, blocked.id, blocked.version, delinquency="do_not_sell")
    hidden = factories.make_party(
        display_name="Secret Stores",
        email="hq@secret.example",
        vat_number="BE0403170701",
        country="BE",
    )
    pending = connect_client(admin, supplier, "hq@secret.example")
    return {
        "supplier": supplier,
        "admin": admin,
        "staff": staff,
        "lumiere": lumiere,
        "debtor": debtor,
        "blocked": blocked,
        "pending": pending,
        "hidden": hidden,
    }


def test_staff_see_the_list_with_warnings_and_the_pending_request_as_typed(client, login, book):
    login(book["staff"])
    response = client.get(f"/p/{book['supplier'].id}/clients/")
    assert response.status_code == 200
    text = text_of(response)
    for name in ("Café Lumière", "Bakkerij Jansen", "Hotel Zuid", "hq@secret.example"):
        assert name in text
    assert "Secret Stores" not in text  # not accepted yet: only what the supplier typed
    html = response.get_data(as_text=True)
    assert html.count('data-testid="client-row"') == 4
    assert html.count('data-testid="delinquency-warning"') == 1
    assert html.count('data-testid="do-not-sell"') == 1
    assert "1 connection request pending" in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=4495445", ["Bakkerij Jansen"]),  # part of the VAT number
        ("q=K-7", ["Bakkerij Jansen"]),  # the client code
        ("q=vip", ["Bakkerij Jansen"]),  # a tag
        ("q=lumiere.example", ["Café Lumière"]),  # the email
        ("q=secret", ["hq@secret.example"]),  # what was typed, never the hidden name
        ("q=0403170701", []),  # the pending party's VAT number is not the supplier's to search
        ("delinquency=do_not_sell", ["Hotel Zuid"]),
        (
            "delinquency=nonsense",
            ["Café Lumière", "Bakkerij Jansen", "Hotel Zuid", "hq@secret.example"],
        ),
    ],
)
def test_search_and_filters_narrow_the_list_in_place(client, login, book, query, expected):
    login(book["staff"])
    response = client.get(
        f"/p/{book['supplier'].id}/clients/?{query}", headers={**HX, "HX-Target": "client-rows"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="client-rows"' in html
    assert html.count('data-testid="client-row"') == len(expected)
    for name in expected:
        assert name in html


def test_without_javascript_the_search_is_a_page_with_the_query_in_its_url(client, login, book):
    login(book["staff"])
    response = client.get(f"/p/{book['supplier'].id}/clients/?q=K-7")
    html = response.get_data(as_text=True)
    assert "<html" in html and 'value="K-7"' in html
    assert html.count('data-testid="client-row"') == 1


def test_a_clients_page_shows_each_term_with_its_source(client, login, book):
    login(book["staff"])
    debtor = book["debtor"]
    response = client.get(f"/p/{book['supplier'].id}/clients/{debtor.id}/")
    text = text_of(response)
    assert response.status_code == 200
    assert "Credit limit €900.00 (set for this client)" in text
    assert "Payment method On delivery (standard)" in text
    assert "Payment warning: this client is marked “Debtor”." in text
    html = response.get_data(as_text=True)
    assert 'href="tel:+31205550101"' in html  # the call button
    lumiere = client.get(f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}/")
    assert "Credit limit €2,500.00 (your default)" in text_of(lumiere)
    blocked = client.get(f"/p/{book['supplier'].id}/clients/{book['blocked'].id}/")
    assert "Do not sell: this client can browse your catalog but cannot place orders." in text_of(
        blocked
    )


def test_a_pending_request_shows_only_what_was_typed(client, login, book):
    login(book["staff"])
    response = client.get(f"/p/{book['supplier'].id}/clients/{book['pending'].id}/")
    text = text_of(response)
    assert "hq@secret.example" in text and "Connection request pending" in text
    assert "Secret Stores" not in text and "BE0403170701" not in text


def test_the_page_is_in_the_users_language(client, login, book):
    staff = book["staff"]
    staff.language = "de"
    staff.save()
    login(staff)
    text = text_of(client.get(f"/p/{book['supplier'].id}/clients/{book['debtor'].id}/"))
    assert "Kreditlimit 900,00 € (für diesen Kunden festgelegt)" in text


def test_another_suppliers_client_is_not_found_and_customers_see_no_client_book(
    client, login, book
):
    other = factories.make_party(display_name="Other supplier")
    login(factories.make_member(other, "admin"))
    response = client.get(f"/p/{other.id}/clients/{book['debtor'].id}/")
    assert response.status_code == 404
    listing = client.get(f"/p/{other.id}/clients/")
    assert listing.status_code == 200 and "Bakkerij" not in listing.get_data(as_text=True)
    assert "No clients yet." in text_of(listing)


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_and_its_search_take_the_same_queries_at_any_size(client, login, app, size):
    supplier = factories.make_party(display_name="Big")
    admin = factories.make_member(supplier, "admin")
    for n in range(size):
        create_client(
            admin,
            supplier,
            company={"legal_name": f"Client {n}", "country": "NL"},
            delivery=ADDRESS,
            invoice=ADDRESS,
        )
    login(admin)
    for url, headers, queries in [
        (f"/p/{supplier.id}/clients/", {}, 5),
        (f"/p/{supplier.id}/clients/?q=client", {**HX, "HX-Target": "client-rows"}, 5),
        (f"/p/{supplier.id}/clients/?page=2", {**HX, "HX-Target": "client-rows"}, 5),
    ]:
        client.get(url, headers=headers)
        with assert_query_count(queries):
            assert client.get(url, headers=headers).status_code == 200
