"""The access matrix of the relationship routes (issue 8): for every route of the client book,
the groups and My suppliers, who gets in (supplier employee / supervisor / admin; the client's
own users; another supplier; a stranger), and another supplier's ids inside one's own URLs
answer 404 and write nothing."""

from __future__ import annotations

import pytest

from models.imports import ImportBatch
from models.messages import Message
from models.parties import role_rank
from models.relationships import (
    ClientContact,
    CustomerCategory,
    CustomerGroup,
    Relationship,
    answer_request,
    connect_client,
)
from tests import factories
from views.access import policy_of

AREAS = ("clients.", "client_groups.", "client_import.", "suppliers.", "messages.")


def area_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(AREAS)]


def methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def world():
    """Two suppliers, each with a client, a group, a category and a contact."""

    def supplier_with_client(name):
        supplier = factories.make_party(display_name=name)
        members = {
            role: factories.make_member(supplier, role)
            for role in ("employee", "supervisor", "admin")
        }
        customer = factories.make_party(
            display_name=f"Client of {name}", email=f"buy@{name}.example"
        )
        customer_members = {
            role: factories.make_member(customer, role) for role in ("employee", "admin")
        }
        request = connect_client(members["admin"], supplier, f"buy@{name}.example")
        link = answer_request(customer_members["admin"], customer, request.id, True)
        return {
            "supplier": supplier,
            "members": members,
            "customer": customer,
            "customer_members": customer_members,
            "link": link,
            "group": CustomerGroup.create(supplier=supplier, name="G", code="G"),
            "category": CustomerCategory.create(supplier=supplier, name="C", code="C"),
            "contact": ClientContact.create(relationship=link, name="Contact"),
            "batch": ImportBatch.create(
                party=supplier,
                kind="clients",
                filename="x.csv",
                digest="0" * 64,
                content="client_code,name,country,street,postal_code,city\n",
            ),
        }

    return supplier_with_client("mine"), supplier_with_client("theirs")


def url_of(rule, party_id, ids):
    values = {"party_id": party_id, **ids}
    path = rule.rule
    for arg in rule.arguments:
        path = path.replace(f"<int:{arg}>", str(values[arg]))
    return path


def ids_of(side, rule):
    """The ids a rule takes, from one side of the world (a group or a category as row_id)."""
    row = side["category"] if "categor" in rule.rule else side["group"]
    return {
        "relationship_id": side["link"].id,
        "contact_id": side["contact"].id,
        "row_id": row.id,
        "batch_id": side["batch"].id,
    }


def snapshot():
    return (
        [
            (r.id, r.status, r.version, r.active)
            for r in Relationship.select().order_by(Relationship.id)
        ],
        [(g.id, g.name, g.version) for g in CustomerGroup.select().order_by(CustomerGroup.id)],
        [
            (c.id, c.name, c.version)
            for c in CustomerCategory.select().order_by(CustomerCategory.id)
        ],
        [(c.id, c.name, c.version) for c in ClientContact.select().order_by(ClientContact.id)],
        [(b.id, b.status) for b in ImportBatch.select().order_by(ImportBatch.id)],
        Message.select().count(),
    )


@pytest.mark.parametrize("role", ["employee", "supervisor", "admin"])
def test_supplier_roles_get_what_their_policy_allows(app, client, login, role):
    mine, _ = world()
    login(mine["members"][role])
    for rule in area_rules(app):
        if rule.endpoint.startswith("suppliers."):
            continue  # the customer's side, below
        policy = policy_of(rule.endpoint, app)
        allowed = role_rank(role) >= role_rank(policy.role)
        for method in methods(rule):
            if (
                method == "POST"
                and "delete" in rule.rule
                or "remove" in rule.rule
                and method == "POST"
            ):
                continue  # destructive posts are covered by their own tests
            status = client.open(
                url_of(rule, mine["supplier"].id, ids_of(mine, rule)), method=method
            ).status_code
            if allowed:
                assert status not in (403, 404, 500), (role, method, rule.rule, status)
            else:
                assert status == 403, (role, method, rule.rule, status)


@pytest.mark.parametrize("role", ["employee", "supervisor", "admin"])
def test_another_suppliers_ids_inside_ones_own_urls_answer_404_and_write_nothing(
    app, client, login, role
):
    mine, theirs = world()
    login(mine["members"][role])
    before = snapshot()
    for rule in area_rules(app):
        if rule.arguments == {"party_id"} or rule.endpoint.startswith("suppliers."):
            continue
        policy = policy_of(rule.endpoint, app)
        if role_rank(role) < role_rank(policy.role):
            continue
        for method in methods(rule):
            url = url_of(rule, mine["supplier"].id, ids_of(theirs, rule))
            status = client.open(
                url, method=method, data={"name": "X", "code": "X", "accept": "1", "body": "Hi"}
            ).status_code
            assert status == 404, (role, method, rule.rule, status)
    assert snapshot() == before


def test_the_clients_own_users_see_my_suppliers_and_only_admins_answer(app, client, login):
    mine, theirs = world()
    customer, link = mine["customer"], mine["link"]
    # the other supplier asks mine's customer too: a request that waits
    pending = connect_client(theirs["members"]["admin"], theirs["supplier"], "buy@mine.example")
    login(mine["customer_members"]["employee"])
    base = f"/p/{customer.id}/suppliers"
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/{link.id}/").status_code == 200
    assert client.get(f"{base}/{link.id}/messages").status_code == 200
    assert client.post(f"{base}/{link.id}/messages", data={"body": "Hello"}).status_code == 303
    assert client.post(f"{base}/{pending.id}/answer", data={"accept": "1"}).status_code == 403
    assert client.get(f"{base}/{pending.id}/messages").status_code == 404  # not connected
    # the client's users are not the supplier's: its client book answers 404
    assert client.get(f"/p/{mine['supplier'].id}/clients/").status_code == 404
    assert client.get(f"/p/{mine['supplier'].id}/clients/{link.id}/").status_code == 404
    login(mine["customer_members"]["admin"])
    other_link = theirs["link"]  # theirs and its own customer
    for url in (f"{base}/{other_link.id}/", f"{base}/{other_link.id}/messages"):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}/{other_link.id}/answer", data={"accept": "0"}).status_code == 404
    assert Relationship.get_by_id(other_link.id).status == "connected"
    assert client.post(f"{base}/{pending.id}/answer", data={"accept": "1"}).status_code == 303
    assert Relationship.get_by_id(pending.id).status == "connected"


def test_another_supplier_and_a_stranger_get_404_or_sign_in(app, client, login):
    mine, theirs = world()
    urls = [
        f"/p/{mine['supplier'].id}/clients/",
        f"/p/{mine['supplier'].id}/clients/{mine['link'].id}/",
        f"/p/{mine['supplier'].id}/clients/groups/",
        f"/p/{mine['supplier'].id}/clients/export.csv",
        f"/p/{mine['customer'].id}/suppliers/",
    ]
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 303 and "/signin" in anonymous.headers["Location"]
    login(theirs["members"]["admin"])
    for url in urls:
        assert client.get(url).status_code == 404, url
    login(factories.make_member(factories.make_party(), "admin"))
    for url in urls:
        assert client.get(url).status_code == 404, url
