"""Ordering under concurrency (issue 10, F32), on SQLite and on PostgreSQL: twenty buyers of one
client, each in their own session, put a product in their cart and check out at the same
moment against the client's one credit limit. Exactly as many orders as the limit allows are
placed, no request fails with a 5xx, every refusal names the credit limit, and every line is
either in exactly one order or still in its buyer's cart."""

from __future__ import annotations

import secrets

from models.base import db
from models.catalog import create_product
from models.ledger import owed_minor
from models.orders import CartLine, Order, OrderLine
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

LIMIT_MINOR = 10_000  # €100.00: room for eight lines of €12.10 (VAT included), not twenty


def test_twenty_buyers_checking_out_at_once_never_exceed_the_credit_limit(live):  # noqa: F811
    supplier = factories.make_party(display_name="Brouwer", country="NL")
    admin = factories.make_member(supplier, "admin")
    coffee = create_product(admin, supplier, sku="COF-1", name_en="Coffee", list_price=10)
    customer = factories.make_party(display_name="Kantoor", country="NL")
    buyers = [factories.make_member(customer, "employee") for _ in range(PARALLEL)]
    link = Relationship.create(
        supplier=supplier,
        customer=customer,
        status="connected",
        payment_method="on_account",
        credit_limit_minor=LIMIT_MINOR,
    )
    db.close()  # the server's threads open their own connections
    base = f"/p/{customer.id}/suppliers/{link.id}"
    cookies = [_signed_in(live, buyer) for buyer in buyers]
    keys = [secrets.token_urlsafe(24) for _ in cookies]  # each checkout form's own key

    def buy(i):
        status, body, _c = _post(
            live, f"{base}/cart/add", {"product_id": coffee.id, "quantity": "1"}, cookies[i]
        )
        assert status == 303, status
        return _post(live, f"{base}/checkout", {"key": keys[i]}, cookies[i])

    results = {}

    def send(i):
        results[i] = buy(i)
        return results[i]

    statuses = _all_at_once(send)
    _no_server_errors(statuses)
    refusals = [results[i][1] for i in results if results[i][0] != 303]
    for body in refusals:
        assert "exceeds your credit limit" in body, body[:300]
    db.connect(reuse_if_open=True)
    placed_total = sum(o.total_minor for o in Order.select())
    assert owed_minor(link.id) == placed_total <= LIMIT_MINOR
    assert Order.select().count() == LIMIT_MINOR // 1210 == PARALLEL - len(refusals)
    # every line added is in exactly one order, or still in the cart
    in_orders = sum(line.quantity for line in OrderLine.select())
    in_cart = sum(line.quantity for line in CartLine.select())
    assert in_orders + in_cart == PARALLEL
