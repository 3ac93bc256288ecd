"""Orders at scale, for measuring speed (`flask demo scale --order-lines`, `make bench`): a
year of orders over many of the party's clients (ten lines each), the bench buyer's own
orders, and the buyers the concurrency run signs in as. Bulk inserts in the caller's
transaction; prices are the products' list prices (what the lists read does not depend on
them)."""

from __future__ import annotations

import datetime as dt
import random

from .base import BulkInsert, utcnow
from .catalog import Product
from .parties import Membership, Party, User
from .relationships import Relationship

LINES_PER_ORDER = 10
BUYER_ORDERS = 500  # the bench buyer's own orders (its Orders page)
STATUSES = ("delivered",) * 17 + ("placed", "confirmed", "shipped")


def grow_orders(
    party: Party,
    order_lines: int,
    order_clients: int,
    buyers: int,
    password_hash: str,
    buyer_email: str | None,
    rng: random.Random,
) -> None:
    """`order_lines` order lines over `order_clients` of the party's clients (and the bench
    buyer), and `buyers` more users in the bench buyer's company."""
    from .ledger import AccountEntry  # noqa: F401 - the table the checkout reads
    from .orders import Order, OrderEvent, OrderLine

    have = (
        OrderLine.select().join(Order).where(Order.supplier == party).count() if order_lines else 0
    )
    wanted = max(order_lines - have, 0) // LINES_PER_ORDER
    buyer_link = None
    if buyer_email:
        buyer_user = User.get(User.email == buyer_email)
        buyer_link = Relationship.get(
            Relationship.supplier == party, Relationship.customer == buyer_user.last_party_id
        )
        _more_buyers(buyer_link, buyers, password_hash)
    if not wanted:
        return
    links = [
        (r.id, r.customer_id)
        for r in Relationship.select(Relationship.id, Relationship.customer)
        .where(Relationship.supplier == party, Relationship.status == "connected")
        .order_by(Relationship.id)
        .limit(order_clients)
    ]
    products = [
        (p.id, p.sku, p.sort_name or p.sku, p.list_price_minor)
        for p in Product.select(
            Product.id, Product.sku, Product.sort_name, Product.list_price_minor
        )
        .where(Product.supplier == party, Product.active == True)  # noqa: E712
        .order_by(Product.id)
        .limit(2000)
    ]
    if not links or not products:
        return
    now = utcnow()
    orders, lines, events = BulkInsert(Order), BulkInsert(OrderLine), BulkInsert(OrderEvent)
    line_rows, event_rows = [], []
    for n in range(wanted):
        if buyer_link is not None and n < BUYER_ORDERS:
            relationship_id, customer_id = buyer_link.id, buyer_link.customer_id
        else:
            relationship_id, customer_id = links[n % len(links)]
        placed_at = now - dt.timedelta(minutes=int(525_600 * (wanted - n) / wanted))
        chosen = rng.sample(products, LINES_PER_ORDER)
        rows, subtotal = [], 0
        for position, (product_id, sku, name, price) in enumerate(chosen, start=1):
            quantity = rng.choice((1, 2, 3, 5, 10))
            subtotal += price * quantity
            rows.append(
                {
                    "order": None,  # the order's id, below
                    "product": product_id,
                    "position": position,
                    "sku": sku,
                    "name": name[:200],
                    "quantity": quantity,
                    "unit_minor": price,
                    "unit_hundredths": price * 100,
                    "line_minor": price * quantity,
                    "vat_rate_bp": 2100,
                }
            )
        vat = (subtotal * 21 + 50) // 100
        status = STATUSES[n % len(STATUSES)] if n > wanted - 2000 else "delivered"
        order_id = orders.one(
            {
                "relationship": relationship_id,
                "supplier": party.id,
                "customer": customer_id,
                "status": status,
                "placed_at": placed_at,
                "currency": party.currency,
                "payment_method": "on_delivery",
                "subtotal_minor": subtotal,
                "net_minor": subtotal,
                "vat_minor": vat,
                "total_minor": subtotal + vat,
                "line_count": LINES_PER_ORDER,
                "search_text": f"po-{n:07d}" if n % 4 == 0 else "",
                "po_reference": f"PO-{n:07d}" if n % 4 == 0 else "",
                "idempotency_key": f"scale-{n}-{relationship_id}",
            }
        )
        for row in rows:
            row["order"] = order_id
        line_rows += rows
        event_rows.append({"order": order_id, "status": "placed", "created_at": placed_at})
        if len(line_rows) >= 20_000:
            lines.many(line_rows)
            events.many(event_rows)
            line_rows, event_rows = [], []
    lines.many(line_rows)
    events.many(event_rows)


def _more_buyers(link: Relationship, count: int, password_hash: str) -> None:
    """`count` buyers of the bench buyer's company: bench-buyer-<i>-<supplier>@example.com."""
    existing = Membership.select().where(Membership.party == link.customer_id).count()
    if existing > count:
        return
    emails = [f"bench-buyer-{i}-{link.supplier_id}@example.com" for i in range(existing - 1, count)]
    BulkInsert(User).many(
        [
            {
                "email": email,
                "name": email.split("@")[0],
                "password_hash": password_hash,
                "language": "en",
                "last_party": link.customer_id,
            }
            for email in emails
        ]
    )
    ids = [u.id for u in User.select(User.id).where(User.email.in_(emails))]
    BulkInsert(Membership).many(
        [{"user": uid, "party": link.customer_id, "role": "employee"} for uid in ids]
    )
