"""Adding a client (issue 8, F12): created on the spot with its addresses and an invited first
admin, or a connection request found only by an exact VAT number or email, answered by the
customer's admins on "My suppliers"; removing a client (F13). Over HTTP, as the users click."""

from __future__ import annotations

import re

import pytest

from models.addresses import Address
from models.audit import AuditEntry
from models.invitations import Invitation
from models.parties import Membership, Party
from models.relationships import Relationship, connect_client, update_terms
from tests import factories
from tests.conftest import text_of

CREATE = {
    "legal_name": "Bakkerij Jansen B.V.",
    "display_name": "Bakkerij Jansen",
    "customer_type": "business",
    "country": "NL",
    "vat_number": "NL 8104.33941.B01",
    "language": "nl",
    "currency": "EUR",
    "email": "info@jansen.example",
    "phone": "+31 20 555 0101",
    "delivery-street": "Dorpsstraat 1",
    "delivery-postal_code": "1012ab",
    "delivery-city": "Amsterdam",
    "delivery-country": "NL",
    "invoice_same": "y",
    "admin_email": "Owner@Jansen.example",
}


@pytest.fixture
def supplier(app, tmp_path):
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["MAIL_SERVER"] = None
    party = factories.make_party(display_name="Brouwer", vat_number="NL004495445B01")
    return {
        "party": party,
        "admin": factories.make_member(party, "admin", name="Anne Brouwer"),
        "supervisor": factories.make_member(party, "supervisor"),
        "employee": factories.make_member(party, "employee"),
        "outbox": tmp_path / "outbox",
    }


@pytest.fixture
def customer(app):
    party = factories.make_party(
        display_name="Café Lumière",
        email="cafe@lumiere.example",
        vat_number="BE0403170701",
        country="BE",
    )
    return {
        "party": party,
        "admin": factories.make_member(party, "admin", language="en"),
        "second_admin": factories.make_member(party, "admin", language="fr"),
        "employee": factories.make_member(party, "employee"),
    }


def emails(outbox) -> list[str]:
    return [p.read_text() for p in sorted(outbox.glob("*.eml"))] if outbox.exists() else []


def link_in(message: str, part: str) -> str:
    match = re.search(rf"https?://\S+{part}\S*", message)
    assert match, message
    return match.group(0)


# --- creating a client on the spot -------------------------------------------------------------


def test_the_admin_creates_a_client_and_its_first_admin_joins_from_the_email(
    app, client, login, supplier
):
    login(supplier["admin"])
    page = client.get(f"/p/{supplier['party'].id}/clients/new")
    assert page.status_code == 200
    assert "Connect to a company on the portal" in text_of(page)
    answer = client.post(f"/p/{supplier['party'].id}/clients/create", data=CREATE)
    assert answer.status_code == 303
    relationship = Relationship.get(Relationship.supplier == supplier["party"])
    assert answer.headers["Location"] == f"/p/{supplier['party'].id}/clients/{relationship.id}/"
    customer = relationship.customer
    assert (customer.legal_name, customer.vat_number, customer.language) == (
        "Bakkerij Jansen B.V.",
        "NL810433941B01",
        "nl",
    )
    assert relationship.status == "connected" and relationship.created_on_spot
    # one delivery and one invoice address, both the one typed
    kinds = sorted(
        (a.kind, a.street, a.postal_code, a.is_default)
        for a in Address.select().where(Address.party == customer)
    )
    assert kinds == [
        ("delivery", "Dorpsstraat 1", "1012 AB", True),
        ("invoice", "Dorpsstraat 1", "1012 AB", True),
    ]
    shown = text_of(client.get(answer.headers["Location"]))
    assert (
        "Bakkerij Jansen is your client now; owner@jansen.example is invited as its admin." in shown
    )
    assert "Dorpsstraat 1" in shown
    assert (
        AuditEntry.select()
        .where(AuditEntry.party == supplier["party"], AuditEntry.action == "create")
        .exists()
    )
    # the invitation email, in the client's language, opens a page to join as its admin
    [message] = emails(supplier["outbox"])
    assert "To: owner@jansen.example" in message and "Content-Language: nl" in message
    link = link_in(message, "/invitations/")
    visitor = app.test_client()
    joined = visitor.post(
        link,
        data={"name": "Ria Jansen", "password": "a-long-password", "confirm": "a-long-password"},
    )
    assert joined.status_code == 303
    member = Membership.get(Membership.party == customer)
    assert (member.user.email, member.role) == ("owner@jansen.example", "admin")
    # ... and she sees Brouwer among her suppliers
    assert "Brouwer" in text_of(visitor.get(f"/p/{customer.id}/suppliers/"))


def test_a_separate_invoice_address_when_the_box_is_not_ticked(client, login, supplier):
    login(supplier["admin"])
    data = {**CREATE, "invoice_same": "", "admin_email": ""}
    data.update(
        {
            "invoice-street": "Postbus 12",
            "invoice-postal_code": "1000 AA",
            "invoice-city": "Amsterdam",
            "invoice-country": "NL",
        }
    )
    assert client.post(f"/p/{supplier['party'].id}/clients/create", data=data).status_code == 303
    customer = Relationship.get().customer
    assert {a.kind: a.street for a in Address.select().where(Address.party == customer)} == {
        "delivery": "Dorpsstraat 1",
        "invoice": "Postbus 12",
    }
    assert not Invitation.select().exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"legal_name": ""}, "legal_name", "This field is required."),
        ({"delivery-city": ""}, "delivery-city", "This field is required."),
        ({"delivery-postal_code": "12"}, "delivery-postal_code", "1234 AB"),
        ({"invoice_same": "", "invoice-street": ""}, "invoice-street", "This field is required."),
        ({"vat_number": "NL123"}, "vat_number", "VAT"),
        ({"vat_number": "NL004495445B01"}, "vat_number", "connect to it instead"),
        ({"admin_email": "not-an-email"}, "admin_email", "email"),
        ({"legal_name": "<script>alert(1)</script>\x00"}, "legal_name", "control characters"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(
    client, login, supplier, change, field, message
):
    login(supplier["admin"])
    parties = Party.select().count()
    answer = client.post(f"/p/{supplier['party'].id}/clients/create", data={**CREATE, **change})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</p>', html)
    assert error, html
    assert message.lower() in error.group(1).lower()
    assert Party.select().count() == parties
    assert not Relationship.select().exists() and not Invitation.select().exists()
    assert "<script>alert" not in html


def test_the_new_client_page_answers_in_the_users_language(client, login, supplier):
    supplier["admin"].language = "de"
    supplier["admin"].save()
    login(supplier["admin"])
    answer = client.post(
        f"/p/{supplier['party'].id}/clients/create", data={**CREATE, "legal_name": ""}
    )
    assert answer.status_code == 422
    from babel.support import Translations

    from config import BASE_DIR

    german = Translations.load(str(BASE_DIR / "translations"), ["de"])
    for msgid in ("Add client", "Create the client", "Send connection request"):
        assert german.ugettext(msgid) != msgid
        assert german.ugettext(msgid) in text_of(answer)


@pytest.mark.parametrize("role", ["employee", "supervisor"])
def test_only_admins_add_clients(client, login, supplier, role):
    login(supplier[role])
    base = f"/p/{supplier['party'].id}/clients"
    assert client.get(f"{base}/new").status_code == 403
    assert client.post(f"{base}/create", data=CREATE).status_code == 403
    assert client.post(f"{base}/connect", data={"identifier": "x@y.example"}).status_code == 403
    assert not Relationship.select().exists()
    assert "Add client" not in text_of(client.get(f"{base}/"))


# --- connecting to a company on the portal -----------------------------------------------------


def test_connecting_sends_a_request_to_each_admin_and_shows_only_what_was_typed(
    app, client, login, supplier, customer
):
    login(supplier["admin"])
    answer = client.post(
        f"/p/{supplier['party'].id}/clients/connect", data={"identifier": " CAFE@lumiere.example "}
    )
    assert answer.status_code == 303
    relationship = Relationship.get()
    assert (relationship.status, relationship.customer_id) == ("pending", customer["party"].id)
    page = text_of(client.get(answer.headers["Location"]))
    assert "Connection request sent to cafe@lumiere.example" in page
    assert "Café Lumière" not in page  # its name comes with the answer
    # an email to each admin, in each one's language, with the link to My suppliers
    messages = emails(supplier["outbox"])
    assert len(messages) == 2
    french = next(m for m in messages if customer["second_admin"].email in m)
    assert "Content-Language: fr" in french
    english = next(m for m in messages if customer["admin"].email in m)
    assert "Content-Language: en" in english and "Brouwer asks to add" in english
    assert f"/p/{customer['party'].id}/suppliers/" in french
    assert not any(customer["employee"].email in m for m in messages)


def test_connecting_by_exact_vat_number_only(client, login, supplier, customer):
    login(supplier["admin"])
    base = f"/p/{supplier['party'].id}/clients/connect"
    for typed in ("BE 0403", "Lumière", "cafe@lumiere"):
        answer = client.post(base, data={"identifier": typed})
        assert answer.status_code == 422, typed
        assert 'id="identifier-error"' in answer.get_data(as_text=True)
    assert not Relationship.select().exists()
    assert client.post(base, data={"identifier": "be0403.170.701"}).status_code == 303
    assert Relationship.get().customer_id == customer["party"].id


def test_connecting_oneself_or_twice_is_refused(client, login, supplier, customer):
    login(supplier["admin"])
    base = f"/p/{supplier['party'].id}/clients/connect"
    oneself = client.post(base, data={"identifier": "NL004495445B01"})
    assert oneself.status_code == 422 and "its own client" in text_of(oneself)
    assert client.post(base, data={"identifier": "cafe@lumiere.example"}).status_code == 303
    twice = client.post(base, data={"identifier": "BE0403170701"})
    assert twice.status_code == 422
    assert Relationship.select().count() == 1


# --- the customer's side: My suppliers ----------------------------------------------------------


def test_the_customers_admin_accepts_and_the_supplier_then_sees_the_company(
    app, client, login, supplier, customer
):
    request = connect_client(supplier["admin"], supplier["party"], "cafe@lumiere.example")
    login(customer["employee"])
    base = f"/p/{customer['party'].id}/suppliers"
    listing = text_of(client.get(f"{base}/"))
    assert "Brouwer" in listing and "An admin of your company accepts or declines" in listing
    assert client.post(f"{base}/{request.id}/answer", data={"accept": "1"}).status_code == 403
    login(customer["admin"])
    home = text_of(client.get(f"/p/{customer['party'].id}/"))
    assert "1 supplier asks to add your company as a client." in home
    answer = client.post(f"{base}/{request.id}/answer", data={"accept": "1"})
    assert answer.status_code == 303
    assert Relationship.get_by_id(request.id).status == "connected"
    assert "You are a client of Brouwer now." in text_of(client.get(answer.headers["Location"]))
    assert (
        AuditEntry.select()
        .where(AuditEntry.party == customer["party"], AuditEntry.action == "answer")
        .exists()
    )
    # the supplier now sees the company's name and details
    login(supplier["admin"])
    page = text_of(client.get(f"/p/{supplier['party'].id}/clients/{request.id}/"))
    assert "Café Lumière" in page and "BE0403170701" in page


def test_a_declined_request_disappears_and_cannot_be_answered_again(
    client, login, supplier, customer
):
    request = connect_client(supplier["admin"], supplier["party"], "cafe@lumiere.example")
    login(customer["admin"])
    base = f"/p/{customer['party'].id}/suppliers"
    answer = client.post(f"{base}/{request.id}/answer", data={"accept": "0"})
    assert answer.status_code == 303
    assert Relationship.get_by_id(request.id).status == "declined"
    listing = text_of(client.get(f"{base}/"))
    assert "You declined the request of Brouwer." in listing
    assert "Connection requests" not in listing
    assert client.get(f"{base}/{request.id}/").status_code == 404
    again = client.post(f"{base}/{request.id}/answer", data={"accept": "1"})
    assert again.status_code == 303
    assert Relationship.get_by_id(request.id).status == "declined"


def test_my_suppliers_shows_the_terms_but_never_the_suppliers_own_notes(
    client, login, supplier, customer
):
    from decimal import Decimal

    from models.relationships import CustomerGroup, answer_request

    request = connect_client(supplier["admin"], supplier["party"], "cafe@lumiere.example")
    answer_request(customer["admin"], customer["party"], request.id, True)
    group = CustomerGroup.create(
        supplier=supplier["party"],
        name="Horeca",
        code="HOR",
        discount_bp=300,
        announcement="Fresh croissants every Tuesday.",
    )
    update_terms(
        supplier["admin"],
        supplier["party"],
        request.id,
        Relationship.get_by_id(request.id).version,
        min_order=Decimal("150"),
        payment_method="on_account",
        payment_terms_days=30,
        client_code="SECRET-CODE",
        tags="late-payer",
        notes="Watch this one",
        delinquency="debtor",
        group_id=group.id,
    )
    login(customer["employee"])
    base = f"/p/{customer['party'].id}/suppliers"
    listing = text_of(client.get(f"{base}/"))
    assert "Fresh croissants every Tuesday." in listing
    assert "On account" in listing and "€150.00" in listing
    page = text_of(client.get(f"{base}/{request.id}/"))
    for shown in ("€150.00", "On account", "30 days", "Fresh croissants every Tuesday.", "3"):
        assert shown in page
    for hidden in ("SECRET-CODE", "late-payer", "Watch this one", "Debtor", "debtor"):
        assert hidden not in page and hidden not in listing


def test_another_partys_supplier_links_answer_404(client, login, supplier, customer):
    request = connect_client(supplier["admin"], supplier["party"], "cafe@lumiere.example")
    other = factories.make_party()
    login(factories.make_member(other, "admin"))
    base = f"/p/{other.id}/suppliers/{request.id}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/answer", data={"accept": "1"}).status_code == 404
    assert Relationship.get_by_id(request.id).status == "pending"


# --- removing a client -------------------------------------------------------------------------


def test_the_admin_removes_a_client_after_confirming(client, login, supplier, customer):
    request = connect_client(supplier["admin"], supplier["party"], "cafe@lumiere.example")
    base = f"/p/{supplier['party'].id}/clients/{request.id}/remove"
    login(supplier["supervisor"])
    assert client.post(base).status_code == 403
    login(supplier["admin"])
    confirm = client.get(f"{base}/confirm")
    assert confirm.status_code == 200 and "Remove client" in text_of(confirm)
    assert Relationship.select().exists()  # the GET changes nothing
    answer = client.post(base)
    assert answer.status_code == 303
    assert not Relationship.select().exists()
    assert Party.get_by_id(customer["party"].id)  # the company stays
    assert "The client is removed." in text_of(client.get(answer.headers["Location"]))


def test_removal_is_refused_while_orders_are_open(client, login, supplier, customer, monkeypatch):
    from models import relationships

    monkeypatch.setattr(relationships, "open_orders_of", lambda r: 2)
    request = connect_client(supplier["admin"], supplier["party"], "cafe@lumiere.example")
    login(supplier["admin"])
    answer = client.post(f"/p/{supplier['party'].id}/clients/{request.id}/remove")
    assert answer.status_code == 303
    assert Relationship.select().exists()
    assert "This client has 2 open orders" in text_of(client.get(answer.headers["Location"]))


def test_an_email_of_a_company_on_the_portal_is_refused_when_creating(
    client, login, supplier, customer
):
    login(supplier["admin"])
    answer = client.post(
        f"/p/{supplier['party'].id}/clients/create",
        data={**CREATE, "vat_number": "", "email": "cafe@lumiere.example"},
    )
    assert answer.status_code == 422
    assert "connect to it instead" in answer.get_data(as_text=True)
    assert not Relationship.select().exists()


def test_removing_a_client_made_here_before_anyone_joined_ends_its_invitation(
    app, client, login, supplier
):
    login(supplier["admin"])
    client.post(f"/p/{supplier['party'].id}/clients/create", data=CREATE)
    relationship = Relationship.get()
    [message] = emails(supplier["outbox"])
    assert (
        client.post(f"/p/{supplier['party'].id}/clients/{relationship.id}/remove").status_code
        == 303
    )
    visitor = app.test_client()
    assert visitor.get(link_in(message, "/invitations/")).status_code in (404, 410)
