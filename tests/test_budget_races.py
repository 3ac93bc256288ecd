"""Budgets under concurrency (issue 11, F32, F34), on SQLite and on PostgreSQL: twenty buyers
sharing one monthly budget check out at the same moment. With *block*, spending never goes
over the limit and every refusal names the budget; with *require approval*, every order that
would take it over waits for approval. No request fails with a 5xx."""

from __future__ import annotations

import secrets

import pytest

from models.base import db
from models.budgets import Budget, BudgetParty, BudgetUser
from models.catalog import create_product
from models.orders import Order
from models.relationships import Relationship
from tests import factories
from tests.test_races import (  # noqa: F401,F811 - live is a fixture
    PARALLEL,
    _all_at_once,
    _no_server_errors,
    _post,
    _signed_in,
    live,
)

LIMIT_MINOR = 10_000  # €100.00: room for eight orders of €12.10 (VAT included), not twenty
ORDER_MINOR = 1210


def _shared_budget_checkouts(live, action):  # noqa: F811
    supplier = factories.make_party(display_name="Brouwer", country="NL")
    admin = factories.make_member(supplier, "admin")
    coffee = create_product(admin, supplier, sku="COF-1", name_en="Coffee", list_price=10)
    customer = factories.make_party(display_name="Kantoor", country="NL")
    buyers = [factories.make_member(customer, "employee") for _ in range(PARALLEL)]
    link = Relationship.create(supplier=supplier, customer=customer, status="connected")
    budget = Budget.create(
        owner=customer,
        name="Shared",
        currency="EUR",
        period="month",
        limit_minor=LIMIT_MINOR,
        action=action,
    )
    BudgetParty.create(budget=budget, party=customer)
    for buyer in buyers:
        BudgetUser.create(budget=budget, user=buyer)
    db.close()  # the server's threads open their own connections
    base = f"/p/{customer.id}/suppliers/{link.id}"
    cookies = [_signed_in(live, buyer) for buyer in buyers]
    keys = [secrets.token_urlsafe(24) for _ in cookies]
    for i in range(PARALLEL):  # the carts first: only the checkouts race
        status, _body, _c = _post(
            live, f"{base}/cart/add", {"product_id": coffee.id, "quantity": "1"}, cookies[i]
        )
        assert status == 303, status
    results = {}

    def send(i):
        results[i] = _post(live, f"{base}/checkout", {"key": keys[i]}, cookies[i])
        return results[i]

    _no_server_errors(_all_at_once(send))
    db.connect(reuse_if_open=True)
    return results


@pytest.mark.parametrize("action", ["block", "approve"])
def test_twenty_buyers_sharing_a_budget_never_overspend_it(live, action):  # noqa: F811
    results = _shared_budget_checkouts(live, action)
    fits = LIMIT_MINOR // ORDER_MINOR  # 8
    placed = list(Order.select().where(Order.status == "placed"))
    waiting = list(Order.select().where(Order.status == "awaiting_approval"))
    assert len(placed) == fits
    assert sum(o.total_minor for o in placed) <= LIMIT_MINOR
    if action == "block":
        refused = [body for status, body, _c in results.values() if status != 303]
        assert len(refused) == PARALLEL - fits and not waiting
        for body in refused:
            assert "exceeds the budget “Shared”" in body, body[:300]
    else:
        assert all(status == 303 for status, _b, _c in results.values())
        assert len(waiting) == PARALLEL - fits
