"""The client book's groups and categories (F19, F20), filters by them, sorting, the CSV
export (F14) and the contact persons at a client (F15); over HTTP, scoped to the supplier."""

from __future__ import annotations

import csv
import io
import re

import pytest

from models.audit import AuditEntry
from models.relationships import (
    ClientContact,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    connect_client,
    create_client,
)
from tests import factories
from tests.conftest import text_of

ADDRESS = {
    "street": "Dorpsstraat 1",
    "postal_code": "1012 AB",
    "city": "Amsterdam",
    "country": "NL",
}


@pytest.fixture
def book(app):
    supplier = factories.make_party(display_name="Brouwer")
    admin = factories.make_member(supplier, "admin")
    staff = factories.make_member(supplier, "employee")
    horeca = CustomerGroup.create(supplier=supplier, name="Horeca", code="HOR", discount_bp=300)
    canteens = CustomerCategory.create(supplier=supplier, name="Canteens", code="CAN")

    def client_named(name, **terms):
        return factories.make_client(admin, supplier, name, **terms)

    return {
        "supplier": supplier,
        "admin": admin,
        "staff": staff,
        "horeca": horeca,
        "canteens": canteens,
        "zuid": client_named("Zuid Hotel", group_id=horeca.id, client_code="K-2"),
        "alfa": client_named("Alfa Kantine", category_id=canteens.id, client_code="K-1"),
        "beta": client_named('=HYPERLINK("http://evil.example")', tags="-risky"),
    }


def base(book) -> str:
    return f"/p/{book['supplier'].id}/clients"


# --- groups and categories ---------------------------------------------------------------------


def test_staff_see_groups_with_their_counts_but_only_admins_change_them(client, login, book):
    login(book["staff"])
    page = client.get(f"{base(book)}/groups/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Horeca" in text and "Canteens" in text and "Add group" not in text
    assert client.post(f"{base(book)}/groups/", data={"name": "X", "code": "X"}).status_code == 403
    gid = book["horeca"].id
    assert client.post(f"{base(book)}/groups/{gid}/delete").status_code == 403
    assert CustomerGroup.select().count() == 1


def test_admin_adds_edits_and_deletes_a_group(client, login, book):
    login(book["admin"])
    added = client.post(
        f"{base(book)}/groups/",
        data={
            "name": "Schools",
            "code": "edu",
            "discount": "5",
            "announcement": "Closed on Monday.",
        },
    )
    assert added.status_code == 303
    group = CustomerGroup.get(CustomerGroup.code == "EDU")
    assert (group.name, group.discount_bp, group.announcement) == (
        "Schools",
        500,
        "Closed on Monday.",
    )
    edit = client.get(f"{base(book)}/groups/{group.id}/edit")
    assert edit.status_code == 200 and "Closed on Monday." in text_of(edit)
    saved = client.post(
        f"{base(book)}/groups/{group.id}",
        data={"version": "1", "name": "Schools and universities", "code": "EDU", "discount": "7.5"},
    )
    assert saved.status_code == 303
    assert CustomerGroup.get_by_id(group.id).discount_bp == 750
    stale = client.post(
        f"{base(book)}/groups/{group.id}", data={"version": "1", "name": "Old", "code": "EDU"}
    )
    assert stale.status_code == 409
    assert "Schools and universities" in text_of(stale)
    assert CustomerGroup.get_by_id(group.id).name == "Schools and universities"
    assert client.get(f"{base(book)}/groups/{group.id}/delete/confirm").status_code == 200
    assert client.post(f"{base(book)}/groups/{group.id}/delete").status_code == 303
    assert not CustomerGroup.select().where(CustomerGroup.id == group.id).exists()
    assert AuditEntry.select().where(AuditEntry.area == "customer_group").count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Other", "code": "hor"}, "code"),  # taken, whatever the case
        ({"name": "", "code": "NEW"}, "name"),
        ({"name": "New", "code": "NEW", "discount": "101"}, "discount"),
        ({"name": "New", "code": "NEW", "discount": "-1"}, "discount"),
        ({"name": "New", "code": "NEW", "discount": "abc"}, "discount"),
    ],
)
def test_bad_group_input_is_refused_on_its_field(client, login, book, data, field):
    login(book["admin"])
    answer = client.post(f"{base(book)}/groups/", data=data)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in answer.get_data(as_text=True)
    assert CustomerGroup.select().count() == 1


def test_a_group_with_clients_is_kept_with_the_count(client, login, book):
    login(book["admin"])
    answer = client.post(f"{base(book)}/groups/{book['horeca'].id}/delete")
    assert answer.status_code == 303
    assert CustomerGroup.select().count() == 1
    assert "1 client is in this group" in text_of(client.get(answer.headers["Location"]))
    category = client.post(f"{base(book)}/categories/{book['canteens'].id}/delete")
    assert category.status_code == 303 and CustomerCategory.select().count() == 1


def test_another_suppliers_groups_answer_404(client, login, book):
    other = factories.make_party()
    login(factories.make_member(other, "admin"))
    gid = book["horeca"].id
    for method, url in [
        ("get", f"/p/{other.id}/clients/groups/{gid}/edit"),
        ("post", f"/p/{other.id}/clients/groups/{gid}"),
        ("post", f"/p/{other.id}/clients/groups/{gid}/delete"),
        ("post", f"/p/{other.id}/clients/categories/{book['canteens'].id}/delete"),
    ]:
        assert getattr(client, method)(url, data={"name": "X", "code": "X"}).status_code == 404
    assert CustomerGroup.get_by_id(gid).name == "Horeca"


def test_categories_are_added_and_edited(client, login, book):
    login(book["admin"])
    assert (
        client.post(f"{base(book)}/categories/", data={"name": "Hotels", "code": "hot"}).status_code
        == 303
    )
    category = CustomerCategory.get(CustomerCategory.code == "HOT")
    saved = client.post(
        f"{base(book)}/categories/{category.id}",
        data={"version": "1", "name": "Hotels & B&Bs", "code": "HOT"},
    )
    assert saved.status_code == 303
    assert CustomerCategory.get_by_id(category.id).name == "Hotels & B&Bs"


# --- filters, sorting, export ------------------------------------------------------------------


def names(response) -> list[str]:
    html = response.get_data(as_text=True)
    return re.findall(
        r'data-testid="client-row">\s*<td class="cell-name">\s*<a [^>]*><strong>([^<]*)</strong>',
        html,
    )


def test_the_list_filters_by_group_and_category_and_sorts(client, login, book):
    login(book["staff"])
    by_group = client.get(f"{base(book)}/?group={book['horeca'].id}")
    assert names(by_group) == ["Zuid Hotel"]
    by_category = client.get(
        f"{base(book)}/?category={book['canteens'].id}",
        headers={"HX-Request": "true", "HX-Target": "client-rows"},
    )
    assert names(by_category) == ["Alfa Kantine"]
    by_code = names(client.get(f"{base(book)}/?sort=code"))
    assert by_code[:2] == ["Alfa Kantine", "Zuid Hotel"]  # K-1, K-2, then those without a code
    by_name = names(client.get(f"{base(book)}/"))
    assert by_name == sorted(by_name, key=str.lower)
    # nonsense in the query string is ignored, never a 500
    assert client.get(f"{base(book)}/?group=abc&category=-1&sort=drop").status_code == 200


def test_the_export_has_the_filtered_clients_with_a_bom_and_formulas_neutralised(
    client, login, book
):
    login(book["staff"])
    answer = client.get(f"{base(book)}/export.csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    body = answer.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=") and evil["tags"] == "'-risky"
    zuid = next(r for r in rows if r["name"] == "Zuid Hotel")
    assert (zuid["client_code"], zuid["group"]) == ("K-2", "HOR")
    filtered = client.get(f"{base(book)}/export.csv?group={book['horeca'].id}")
    assert [
        r["name"] for r in csv.DictReader(io.StringIO(filtered.get_data().decode("utf-8-sig")))
    ] == ["Zuid Hotel"]


def test_the_export_shows_a_pending_request_only_as_typed(client, login, book):
    hidden = factories.make_party(display_name="Secret Stores", email="hq@secret.example")
    connect_client(book["admin"], book["supplier"], "hq@secret.example")
    login(book["admin"])
    body = client.get(f"{base(book)}/export.csv").get_data().decode("utf-8-sig")
    assert "hq@secret.example" in body and "Secret Stores" not in body
    assert hidden.display_name not in body


# --- contacts ----------------------------------------------------------------------------------


def test_staff_add_edit_and_delete_a_contact(client, login, book):
    login(book["staff"])
    rid = book["zuid"].id
    added = client.post(
        f"{base(book)}/{rid}/contacts",
        data={
            "name": "Jan de Vries",
            "role": "Purchasing",
            "email": "Jan@Zuid.example",
            "phone": "+31 6 1234 5678",
        },
    )
    assert added.status_code == 303
    contact = ClientContact.get()
    assert (contact.email, contact.relationship_id) == ("jan@zuid.example", rid)
    page = client.get(f"{base(book)}/{rid}/")
    html = page.get_data(as_text=True)
    assert "Jan de Vries" in text_of(page)
    assert 'href="mailto:jan@zuid.example"' in html and 'href="tel:+31612345678"' in html
    saved = client.post(
        f"{base(book)}/{rid}/contacts/{contact.id}",
        data={"version": "1", "name": "Jan de Vries", "role": "Kitchen"},
    )
    assert saved.status_code == 303 and ClientContact.get_by_id(contact.id).role == "Kitchen"
    stale = client.post(
        f"{base(book)}/{rid}/contacts/{contact.id}",
        data={"version": "1", "name": "Jan", "role": "Bar"},
    )
    assert stale.status_code == 409 and "Kitchen" in text_of(stale)
    assert client.post(f"{base(book)}/{rid}/contacts/{contact.id}/delete").status_code == 303
    assert not ClientContact.select().exists()
    assert AuditEntry.select().where(AuditEntry.area == "client_contact").count() == 3


def test_bad_contacts_are_refused_and_other_suppliers_contacts_answer_404(client, login, book):
    login(book["staff"])
    rid = book["zuid"].id
    bad = client.post(f"{base(book)}/{rid}/contacts", data={"name": "", "email": "not-an-email"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="name-error"' in html and 'id="email-error"' in html
    assert not ClientContact.select().exists()
    contact = ClientContact.create(relationship=book["zuid"], name="Piet")
    other = factories.make_party()
    login(factories.make_member(other, "admin"))
    assert client.get(f"/p/{other.id}/clients/{rid}/contacts/{contact.id}/edit").status_code == 404
    assert (
        client.post(f"/p/{other.id}/clients/{rid}/contacts/{contact.id}/delete").status_code == 404
    )
    # the contact of one client through another client's URL of the same supplier
    login(book["staff"])
    wrong = book["alfa"].id
    assert client.get(f"{base(book)}/{wrong}/contacts/{contact.id}/edit").status_code == 404
    assert ClientContact.select().count() == 1


# --- several clients at once -------------------------------------------------------------------


def test_a_supervisor_puts_selected_clients_in_a_group_with_a_tag(client, login, book):
    supervisor = factories.make_member(book["supplier"], "supervisor")
    login(supervisor)
    ids = [str(book["alfa"].id), str(book["beta"].id)]
    answer = client.post(
        f"{base(book)}/bulk",
        data={"ids": ids, "group": str(book["horeca"].id), "category": "keep", "tag": "Summer"},
    )
    assert answer.status_code == 303
    assert "2 clients changed." in text_of(client.get(answer.headers["Location"]))
    alfa, beta = Relationship.get_by_id(book["alfa"].id), Relationship.get_by_id(book["beta"].id)
    assert alfa.group_id == beta.group_id == book["horeca"].id
    assert alfa.category_id == book["canteens"].id  # kept
    assert "summer" in alfa.tag_list and beta.tag_list == ["-risky", "summer"]
    assert (
        AuditEntry.select()
        .where(AuditEntry.area == "client", AuditEntry.action == "update")
        .count()
        >= 2
    )
    taken_out = client.post(f"{base(book)}/bulk", data={"ids": ids, "group": "none"})
    assert taken_out.status_code == 303
    assert Relationship.get_by_id(book["alfa"].id).group_id is None


def test_bulk_changes_are_all_or_nothing_and_for_supervisors(client, login, book):
    theirs = factories.make_party()
    admin = factories.make_member(theirs, "admin")
    foreign, _ = create_client(
        admin,
        theirs,
        company={"legal_name": "Foreign", "country": "NL"},
        delivery=ADDRESS,
        invoice=ADDRESS,
    )
    foreign_group = CustomerGroup.create(supplier=theirs, name="Theirs", code="T")
    login(book["admin"])
    ids = [str(book["alfa"].id), str(foreign.id)]
    assert (
        client.post(
            f"{base(book)}/bulk", data={"ids": ids, "group": str(book["horeca"].id)}
        ).status_code
        == 404
    )
    assert Relationship.get_by_id(book["alfa"].id).group_id is None
    other_group = client.post(
        f"{base(book)}/bulk", data={"ids": [str(book["alfa"].id)], "group": str(foreign_group.id)}
    )
    assert other_group.status_code == 303
    assert Relationship.get_by_id(book["alfa"].id).group_id is None
    login(book["staff"])
    assert (
        client.post(
            f"{base(book)}/bulk", data={"ids": [str(book["alfa"].id)], "tag": "x"}
        ).status_code
        == 403
    )


# --- found by a review as a new user ---------------------------------------------------------


def test_the_deactivated_filter_shows_only_deactivated_clients(client, login, book):
    from models.relationships import set_active

    set_active(book["admin"], book["supplier"], book["zuid"].id, False)
    login(book["staff"])
    assert names(client.get(f"{base(book)}/?active=no")) == ["Zuid Hotel"]
    assert "Zuid Hotel" not in names(client.get(f"{base(book)}/?active=yes"))
    hx = {"HX-Request": "true", "HX-Target": "client-rows"}
    assert names(client.get(f"{base(book)}/?q=zuid&active=no", headers=hx)) == ["Zuid Hotel"]
    assert names(client.get(f"{base(book)}/?q=alfa&active=no", headers=hx)) == []


def test_macros_speak_each_readers_language(app, client, login, book):
    """A macro file imported without context is cached by Jinja: its texts must still follow
    each reader's language (the pager in Dutch for one, in German for the next)."""
    for n in range(30):
        create_client(
            book["admin"],
            book["supplier"],
            company={"legal_name": f"Extra {n}", "country": "NL"},
            delivery=ADDRESS,
            invoice=ADDRESS,
        )
    dutch = factories.make_member(book["supplier"], "employee", language="nl")
    german = factories.make_member(book["supplier"], "employee", language="de")
    login(dutch)
    assert "Pagina 1 van 2" in text_of(client.get(f"{base(book)}/"))
    login(german)
    page = text_of(client.get(f"{base(book)}/"))
    assert "Seite 1 von 2" in page and "Pagina" not in page


def test_a_garbled_form_version_is_stale_not_an_error(client, login, book):
    supervisor = factories.make_member(book["supplier"], "supervisor")
    login(supervisor)
    answer = client.post(
        f"{base(book)}/{book['zuid'].id}/terms",
        data={"version": "abc", "delinquency": "none", "client_code": "K-9"},
    )
    assert answer.status_code == 409
    assert Relationship.get_by_id(book["zuid"].id).client_code == "K-2"


@pytest.mark.parametrize("tag", ["a\x00b", "<script>x</script>"])
def test_a_bulk_tag_with_control_characters_or_markup_is_refused(client, login, book, tag):
    login(book["admin"])
    answer = client.post(f"{base(book)}/bulk", data={"ids": [str(book["alfa"].id)], "tag": tag})
    assert answer.status_code == 303
    assert "plain text" in text_of(client.get(answer.headers["Location"]))
    assert Relationship.get_by_id(book["alfa"].id).tags == ""


def test_a_declined_company_can_be_asked_again_and_its_name_stays_hidden(client, login, book):
    from models.relationships import answer_request

    party = factories.make_party(display_name="Secret Stores", email="hq@secret.example")
    party_admin = factories.make_member(party, "admin", name="Sara Secret")
    request = connect_client(book["admin"], book["supplier"], "hq@secret.example")
    answer_request(party_admin, party, request.id, False)
    login(book["admin"])
    page = text_of(client.get(f"{base(book)}/{request.id}/"))
    assert "declined your connection request" in page
    audit = text_of(client.get(f"/p/{book['supplier'].id}/audit/"))
    assert "Secret Stores" not in audit and "Sara Secret" not in audit
    again = client.post(f"{base(book)}/connect", data={"identifier": "hq@secret.example"})
    assert again.status_code == 303
    assert Relationship.get_by_id(request.id).status == "pending"
