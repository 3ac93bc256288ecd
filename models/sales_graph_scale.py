"""The sales graph at scale (`flask demo scale --graph-orders`, `make bench`): the issue's case
of one client with 10,000 orders over three years. The client is the party's first connected
client (by id); its orders are bulk-inserted in the caller's transaction, one line each, with
net amounts from 50.00 to 2,000.00 and a few cancelled or rejected ones; again with the same
count adds nothing."""

from __future__ import annotations

import datetime as dt
import random

from .base import BulkInsert, utcnow
from .catalog import Product
from .parties import Party
from .relationships import Relationship

YEARS = 3
KEY = "graph-"  # their idempotency keys: "graph-<n>"


def graph_client(party: Party) -> Relationship | None:
    """The client whose graph the bench measures: the party's first connected client."""
    return (
        Relationship.select()
        .where(Relationship.supplier == party, Relationship.status == "connected")
        .order_by(Relationship.id)
        .first()
    )


def grow_graph_orders(party: Party, count: int, rng: random.Random) -> Relationship | None:
    """`count` orders of the graph client over the last three years (those it has already
    count)."""
    from .orders import Order, OrderEvent, OrderLine

    link = graph_client(party)
    product = (
        Product.select(Product.id, Product.sku)
        .where(Product.supplier == party)
        .order_by(Product.id)
        .first()
    )
    if link is None or product is None:
        return link
    have = (
        Order.select()
        .where(Order.relationship == link, Order.idempotency_key.startswith(KEY))
        .count()
    )
    now = utcnow()
    span = YEARS * 365 * 24 * 60  # minutes
    orders, lines, events = BulkInsert(Order), BulkInsert(OrderLine), BulkInsert(OrderEvent)
    line_rows, event_rows = [], []
    for n in range(have, count):
        placed_at = now - dt.timedelta(minutes=int(span * (count - n) / count))
        net = rng.randrange(5_000, 200_000)
        vat = (net * 21 + 50) // 100
        status = "delivered" if n < count - 50 else rng.choice(("placed", "confirmed", "shipped"))
        if n % 40 == 7:
            status = rng.choice(("cancelled", "rejected"))
        order_id = orders.one(
            {
                "relationship": link.id,
                "supplier": party.id,
                "customer": link.customer_id,
                "status": status,
                "placed_at": placed_at,
                "currency": party.currency,
                "payment_method": "on_delivery",
                "subtotal_minor": net,
                "net_minor": net,
                "vat_minor": vat,
                "total_minor": net + vat,
                "line_count": 1,
                "idempotency_key": f"{KEY}{n}",
            }
        )
        line_rows.append(
            {
                "order": order_id,
                "product": product.id,
                "position": 1,
                "sku": product.sku,
                "name": product.sku,
                "quantity": 1,
                "unit_minor": net,
                "unit_hundredths": net * 100,
                "line_minor": net,
                "vat_rate_bp": 2100,
            }
        )
        event_rows.append({"order": order_id, "status": "placed", "created_at": placed_at})
    lines.many(line_rows)
    events.many(event_rows)
    return link
