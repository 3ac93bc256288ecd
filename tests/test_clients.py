"""The client book's screens (issue 8, F14, F15): the list with search and filters, a client's
page with the terms and their source; scoped to the supplier, in the user's language."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playhouse.test_utils import assert_query_count

from models.audit import AuditEntry
from models.relationships import (
    Relationship,
    answer_request,
    connect_client,
    create_client,
    update_terms,
)
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
        ("q=cafe lumiere", ["Café Lumière"]),  # without its accents
        ("q=CAFÉ LUMIÈRE", ["Café Lumière"]),
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
        # the page: session, memberships, counts, groups, categories, the page and its count
        (f"/p/{supplier.id}/clients/", {}, 7),
        # the rows alone: session, membership, the page and its count
        (f"/p/{supplier.id}/clients/?q=client", {**HX, "HX-Target": "client-rows"}, 4),
        (f"/p/{supplier.id}/clients/?page=2", {**HX, "HX-Target": "client-rows"}, 4),
    ]:
        client.get(url, headers=headers)
        with assert_query_count(queries):
            assert client.get(url, headers=headers).status_code == 200


# --- terms, edited in place -----------------------------------------------------------------


def _terms_form(client, url):
    html = client.get(url, headers={**HX, "HX-Target": "client-terms"}).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="version"', html
    )
    return html, version.group(1)


def _terms(**values):
    base = {
        "delinquency": "none",
        "payment_method": "",
        "schedule_id": "",
        "group_id": "",
        "category_id": "",
    }
    return {**base, **values}


def test_a_supervisor_changes_the_credit_limit_in_place_as_their_language_writes_it(
    client, login, book
):
    supervisor = factories.make_member(book["supplier"], "supervisor", language="nl")
    login(supervisor)
    base = f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}"
    html, version = _terms_form(client, f"{base}/terms/edit")
    assert "<html" not in html and 'name="credit_limit"' in html
    response = client.post(
        f"{base}/terms",
        data=_terms(version=version, credit_limit="1.234,56", discount="2,5"),
        headers={**HX, "HX-Target": "client-terms"},
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "€ 1.234,56" in text and "2,5 %" in text
    saved = Relationship.get_by_id(book["lumiere"].id)
    assert (saved.credit_limit_minor, saved.discount_bp) == (123456, 250)
    entry = (
        AuditEntry.select()
        .where(AuditEntry.area == "client", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
        .first()
    )
    assert entry.actor_id == supervisor.id and "client.credit_limit" in entry.changes


def test_bad_terms_answer_422_on_their_field_and_write_nothing(client, login, book):
    login(book["admin"])
    base = f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}"
    _html, version = _terms_form(client, f"{base}/terms/edit")
    for values, message in [
        ({"credit_limit": "-5"}, "The amount cannot be negative."),
        ({"discount": "150"}, "A discount lies between 0 and 100 %."),
        ({"discount": "abc"}, "Enter a percentage, for example 2.5."),
        ({"payment_terms_days": "999"}, "Enter between 0 and 365 days."),
        (
            {
                "payment_method": "sepa",
                "sepa_iban": "TR330006100519786457841326",
                "sepa_mandate_ref": "M",
                "sepa_signed_on": "2024-01-01",
            },
            "only possible from an account in the SEPA zone",
        ),
        ({"group_id": "999999"}, "Choose one of your customer groups."),
        ({"client_code": "K-7"}, "Another client already has this client code."),
    ]:
        response = client.post(
            f"{base}/terms",
            data=_terms(version=version, **values),
            headers={**HX, "HX-Target": "client-terms"},
        )
        assert response.status_code == 422, values
        assert message in response.get_data(as_text=True), values
    saved = Relationship.get_by_id(book["lumiere"].id)
    assert (saved.credit_limit_minor, saved.discount_bp, saved.client_code, saved.version) == (
        None,
        None,
        None,
        int(version),
    )


def test_a_stale_terms_form_answers_409_with_the_saved_values(client, login, book):
    login(book["admin"])
    base = f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}"
    _html, version = _terms_form(client, f"{base}/terms/edit")
    first = client.post(
        f"{base}/terms", data=_terms(version=version, credit_limit="100"), headers=HX
    )
    assert first.status_code == 200
    second = client.post(
        f"{base}/terms", data=_terms(version=version, credit_limit="900"), headers=HX
    )
    assert second.status_code == 409
    text = text_of(second)
    assert (
        "Someone else changed this client" in text
        and "Saved meanwhile: Credit limit €100.00" in text
    )
    assert Relationship.get_by_id(book["lumiere"].id).credit_limit_minor == 10000


def test_without_javascript_saving_terms_goes_back_to_the_clients_page(client, login, book):
    login(book["admin"])
    base = f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}"
    page = client.get(f"{base}/terms/edit")
    assert "<html" in page.get_data(as_text=True)
    _html, version = _terms_form(client, f"{base}/terms/edit")
    response = client.post(f"{base}/terms", data=_terms(version=version, delinquency="do_not_sell"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{base}/")
    assert "The terms are saved." in text_of(client.get(f"{base}/"))
    assert Relationship.get_by_id(book["lumiere"].id).delinquency == "do_not_sell"


def test_employees_read_the_terms_but_do_not_edit_them_and_other_suppliers_ids_are_404(
    client, login, book
):
    login(book["staff"])
    base = f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}"
    assert "/terms/edit" not in client.get(f"{base}/").get_data(as_text=True)
    assert client.get(f"{base}/terms/edit").status_code == 403
    assert client.post(f"{base}/terms", data=_terms(version="1")).status_code == 403
    other = factories.make_party()
    other_admin = factories.make_member(other, "admin")
    client.post("/signout")
    login(other_admin)
    mine_in_their_url = f"/p/{other.id}/clients/{book['lumiere'].id}"
    assert client.get(f"{mine_in_their_url}/terms/edit").status_code == 404
    assert (
        client.post(
            f"{mine_in_their_url}/terms", data=_terms(version="1", credit_limit="5")
        ).status_code
        == 404
    )
    assert Relationship.get_by_id(book["lumiere"].id).credit_limit_minor is None


def test_a_supervisor_deactivates_and_activates_a_client_with_or_without_javascript(
    client, login, book
):
    supervisor = factories.make_member(book["supplier"], "supervisor")
    login(supervisor)
    base = f"/p/{book['supplier'].id}/clients/{book['lumiere'].id}"
    response = client.post(f"{base}/active", data={"active": "0"})
    assert response.status_code == 303
    assert not Relationship.get_by_id(book["lumiere"].id).active
    page = text_of(client.get(f"{base}/"))
    assert (
        "The client is deactivated: new orders are refused." in page and "Activate client" in page
    )
    htmx = client.post(f"{base}/active", data={"active": "1"}, headers=HX)
    assert htmx.headers["HX-Redirect"].endswith(f"{base}/")
    assert Relationship.get_by_id(book["lumiere"].id).active
    entries = AuditEntry.select().where(
        AuditEntry.area == "client", AuditEntry.changes.contains("client.active")
    )
    assert entries.count() == 2
    client.post("/signout")
    login(book["staff"])
    assert client.post(f"{base}/active", data={"active": "0"}).status_code == 403
    assert Relationship.get_by_id(book["lumiere"].id).active


def test_the_search_follows_a_customers_new_name_and_never_shows_a_pending_ones(
    client, login, book
):
    from models.company import update_company_profile

    login(book["staff"])
    base = f"/p/{book['supplier'].id}/clients/"
    hx = {**HX, "HX-Target": "client-rows"}
    customer = book["lumiere"].customer
    admin = factories.make_member(customer, "admin")
    update_company_profile(
        admin,
        customer,
        version=customer.version,
        legal_name=customer.legal_name,
        display_name="Lumière Bistro",
        customer_type=customer.customer_type,
        vat_number=customer.vat_number,
        country=customer.country,
        language=customer.language,
        currency=customer.currency,
        email=customer.email,
        phone=customer.phone,
    )
    assert "Lumière Bistro" in text_of(client.get(f"{base}?q=bistro", headers=hx))
    # a pending request: found by what was typed, not by the company's own name or VAT
    assert "hq@secret.example" in text_of(client.get(f"{base}?q=secret.example", headers=hx))
    assert "No clients match" in text_of(client.get(f"{base}?q=Secret Stores", headers=hx))
    assert "No clients match" in text_of(client.get(f"{base}?q=0403170701", headers=hx))
