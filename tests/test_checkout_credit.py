# ruff: noqa: F811 -- `shop` is a fixture imported from test_orders
"""Store credit at checkout (issue 11, F36): the buyer applies all or part of the balance, the
breakdown shows it, the order draws it in the same transaction, and cancelling or rejecting the
order gives back what it drew. Also: delivering an order earns its loyalty points (F38)."""

from __future__ import annotations

from models.base import utcnow
from models.ledger import owed_minor
from models.loyalty import LoyaltyEntry
from models.orders import Order
from models.store_credit import CreditEntry, balance_minor
from tests.conftest import text_of
from tests.test_budgets import make_budget
from tests.test_orders import add, base, checkout, shop  # noqa: F401

TOTAL = 2 * 1210  # two coffees, VAT included


def _credit(shop, minor):
    CreditEntry.create(
        relationship=shop["link"],
        kind="credit",
        amount_minor=minor,
        reason="Welcome",
        entry_date=utcnow().date(),
    )


def test_the_buyer_pays_part_of_an_order_with_store_credit(client, login, shop):
    _credit(shop, 15_00)
    shop["link"].payment_method = "on_account"
    shop["link"].save()
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    page = text_of(client.get(f"{base(shop)}/checkout"))
    assert "You have €15.00 in store credit" in page
    applied = text_of(client.get(f"{base(shop)}/checkout?balance_used=10,00"))
    assert "Store credit used -€10.00" in applied and "Left to pay €14.20" in applied
    response, _key = checkout(client, shop, balance_used="10.00")
    assert response.status_code == 303
    order = Order.get()
    assert (order.total_minor, order.balance_minor) == (TOTAL, 10_00)
    assert balance_minor(shop["link"].id) == 5_00
    assert owed_minor(shop["link"].id) == TOTAL - 10_00  # only the rest goes on account
    shown = text_of(client.get(response.headers["Location"]))
    assert "Paid with store credit -€10.00" in shown and "Left to pay €14.20" in shown


def test_too_much_store_credit_is_refused_on_its_field_and_nothing_is_written(client, login, shop):
    _credit(shop, 50_00)
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    for typed, message in (
        ("60", "Your store credit is €50.00"),
        ("30", "This order comes to €24.20"),
        ("-5", "above zero"),
        ("abc", "Enter an amount"),
    ):
        response, _key = checkout(client, shop, balance_used=typed)
        assert response.status_code == 422, typed
        assert message in text_of(response), typed
    assert Order.select().count() == 0 and balance_minor(shop["link"].id) == 50_00


def test_cancelling_gives_the_store_credit_back(client, login, shop):
    _credit(shop, 50_00)
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    checkout(client, shop, balance_used="20")
    order = Order.get()
    assert balance_minor(shop["link"].id) == 30_00
    client.post("/signout")
    login(shop["admin"])
    response = client.post(
        f"/p/{shop['supplier'].id}/sales/{order.id}/cancel", data={"reason": "Out of stock"}
    )
    assert response.status_code == 303
    assert balance_minor(shop["link"].id) == 50_00


def test_rejecting_a_waiting_order_gives_the_store_credit_back(client, login, shop):
    _credit(shop, 50_00)
    make_budget(shop, 1, action="approve")
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "2")
    checkout(client, shop, balance_used="20")
    order = Order.get()
    assert order.status == "awaiting_approval" and balance_minor(shop["link"].id) == 30_00
    client.post("/signout")
    login(shop["boss"])
    client.post(
        f"/p/{shop['customer'].id}/approvals/",
        data={"order_ids": [order.id], "decision": "reject", "comment": "Not now"},
    )
    assert Order.get_by_id(order.id).status == "rejected"
    assert balance_minor(shop["link"].id) == 50_00


def test_delivering_an_order_earns_its_loyalty_points(client, login, shop):
    from models.loyalty import LoyaltyRate

    LoyaltyRate.create(supplier=shop["supplier"], relationship=shop["link"], amount_minor=5_00)
    login(shop["buyer"])
    add(client, shop, shop["coffee"], "3")  # €30.00 net: six points at €5.00 a point
    checkout(client, shop)
    order = Order.get()
    client.post("/signout")
    login(shop["staff"])
    for action in ("confirm", "ship", "deliver"):
        assert client.post(f"/p/{shop['supplier'].id}/sales/{order.id}/{action}").status_code == 303
    entry = LoyaltyEntry.get()
    assert (entry.kind, entry.points, entry.order_id) == ("earned", 6, order.id)
