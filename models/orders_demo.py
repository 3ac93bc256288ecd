"""The demo's orders (issue 10, F45): a year of orders for Brouwer's clients (so the sales graph
has something to show), orders in every status, carts with lines, on-account balances with
their payments, one client near its credit limit (Café Lumière) and one *do not sell* client
whose buyer can browse but not order (Valcárcel, valcarcel-buyer@example.com)."""

from __future__ import annotations

import datetime as dt
import random

from .buyer_catalog import priced_by_id
from .catalog import Product
from .catalog_terms import conditions_for
from .ledger import AccountEntry
from .orders import (
    CartLine,
    Order,
    OrderEvent,
    OrderLine,
    _address_text,
    _own_name,
    order_amounts,
)
from .parties import Membership, Party, User
from .pricing import order_totals, whole
from .relationships import Relationship, effective_terms

DAYS = 365
GENERATED_CLIENTS = 40  # of Brouwer's 200 clients, the first ones order through the year


def add_demo(parties: dict, users: dict) -> None:
    brouwer = parties["brouwer"]
    anne = users["supplier-admin@example.com"]
    rng = random.Random(20261207)
    from .relationships_demo import _connect

    # Valcárcel buys from Brouwer but is on *do not sell*: its buyer browses, cannot order
    _connect(anne, brouwer, parties["valcarcel"], users["valcarcel-buyer@example.com"])
    Relationship.update(delinquency="do_not_sell").where(
        Relationship.supplier == brouwer, Relationship.customer == parties["valcarcel"]
    ).execute()
    # Café Lumière pays on account, with a limit it is close to
    Relationship.update(payment_method="on_account", credit_limit_minor=250_000).where(
        Relationship.supplier == brouwer, Relationship.customer == parties["lumiere"]
    ).execute()

    product_ids = [
        p.id
        for p in Product.select(Product.id)
        .where(Product.supplier == brouwer, Product.active == True)  # noqa: E712
        .order_by(Product.id)
        .limit(120)
    ]
    named = ["lumiere", "nordhavn", "thistle", "devries"]
    links = [
        Relationship.get(Relationship.supplier == brouwer, Relationship.customer == parties[key])
        for key in named
    ]
    links += list(
        Relationship.select()
        .where(
            Relationship.supplier == brouwer,
            Relationship.status == "connected",
            Relationship.customer.not_in([parties[k].id for k in (*named, "valcarcel")]),
            Relationship.delinquency != "do_not_sell",
        )
        .order_by(Relationship.id)
        .limit(GENERATED_CLIENTS)
    )
    today = dt.datetime.utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
    for index, link in enumerate(links):
        per_year = 24 if index == 0 else (12 if index < 4 else rng.randint(4, 12))
        _orders_of(link, product_ids, per_year, today, rng, users)
    lumiere = links[0]
    _near_the_limit(lumiere, anne, 215_000)
    # carts waiting at checkout
    carts = (
        (links[0], users["buyer@example.com"], 3),
        (links[0], users["supervisor@example.com"], 2),
        (links[1], users["both@example.com"], 2),
    )
    for link, user, count in carts:
        for product_id in rng.sample(product_ids, count):
            CartLine.create(
                relationship=link,
                user=user,
                product=product_id,
                quantity=rng.randint(1, 6),
                added_by=user,
            )


def _buyer_of(customer_id: int, users: dict) -> User | None:
    member = (
        Membership.select(Membership, User)
        .join(User)
        .where(Membership.party == customer_id)
        .order_by(Membership.id)
        .first()
    )
    return member.user if member else None


def _orders_of(link, product_ids, per_year, today, rng, users) -> None:
    supplier = Party.get_by_id(link.supplier_id)
    customer = Party.get_by_id(link.customer_id)
    link.supplier, link.customer = supplier, customer
    link.group = link.group if link.group_id else None
    chosen = rng.sample(product_ids, 14)
    priced, decision = priced_by_id(link, {pid: 1 for pid in chosen}, customer.language or "en")
    chosen = [pid for pid in chosen if pid in priced and priced[pid].quote is not None]
    if not chosen:
        return
    conditions = conditions_for(supplier, link, link.group)
    terms = effective_terms(link, supplier)
    method = terms.payment_method.value
    buyer = _buyer_of(customer.id, users)
    from .addresses import default_address

    address = default_address(customer, "delivery")
    invoice = default_address(customer, "invoice") or address
    for number in range(per_year):
        days_ago = int(DAYS * (number + rng.random()) / per_year)
        placed_at = today - dt.timedelta(days=DAYS - days_ago, hours=rng.randint(0, 8))
        age = (today - placed_at).days
        lines = []
        for position, pid in enumerate(rng.sample(chosen, rng.randint(2, 7)), start=1):
            item = priced[pid]
            quantity = rng.choice((1, 2, 2, 3, 4, 6, 10, 12))
            net_line = whole(item.quote.net_unit * quantity)
            lines.append((position, item, quantity, net_line))
        totals = order_totals(
            [(net, item.quote.vat_rate) for _p, item, _q, net in lines], conditions
        )
        if age > 14:
            status = "cancelled" if rng.random() < 0.05 else "delivered"
        else:
            status = rng.choice(("placed", "confirmed", "shipped", "placed", "rejected"))
        order = Order.create(
            relationship=link,
            supplier=supplier,
            customer=customer,
            status=status,
            placed_by=buyer,
            placed_at=placed_at,
            currency=supplier.currency,
            gross=customer.customer_type == "consumer",
            payment_method=method,
            tax_regime=decision.regime if decision else "domestic",
            delivery_address=address,
            delivery_address_text=_address_text(address) if address else "",
            invoice_address_text=_address_text(invoice) if invoice else "",
            delivery_date=(placed_at + dt.timedelta(days=2)).date(),
            po_reference=f"PO-{placed_at:%y%m}-{number + 1:02d}" if number % 3 == 0 else "",
            **order_amounts(totals, len(lines)),
            search_text=f"po-{placed_at:%y%m}-{number + 1:02d}" if number % 3 == 0 else "",
            idempotency_key=f"demo-{link.id}-{number}",
            cancel_reason={"cancelled": "Niet meer leverbaar", "rejected": "Adres onbekend"}.get(
                status, ""
            ),
        )
        add_lines(order.id, lines)
        flow = {
            "placed": ["placed"],
            "confirmed": ["placed", "confirmed"],
            "shipped": ["placed", "confirmed", "shipped"],
            "delivered": ["placed", "confirmed", "shipped", "delivered"],
            "cancelled": ["placed", "cancelled"],
            "rejected": ["placed", "rejected"],
        }[status]
        OrderEvent.insert_many(
            [
                {
                    "order": order.id,
                    "status": step,
                    "actor": buyer.id if step == "placed" and buyer else None,
                    "note": order.cancel_reason if step in ("cancelled", "rejected") else "",
                    "created_at": placed_at + dt.timedelta(hours=6 * i),
                }
                for i, step in enumerate(flow)
            ]
        ).execute()
        if method == "on_account":
            AccountEntry.create(
                relationship=link,
                kind="order",
                amount_minor=order.total_minor,
                order_id=order.id,
                entry_date=placed_at.date(),
                reference=order.number,
            )
            if status in ("cancelled", "rejected"):
                AccountEntry.create(
                    relationship=link,
                    kind="cancellation",
                    amount_minor=-order.total_minor,
                    order_id=order.id,
                    entry_date=placed_at.date(),
                    reference=order.number,
                )
            elif age > 30:  # paid within the month
                AccountEntry.create(
                    relationship=link,
                    kind="payment",
                    amount_minor=-order.total_minor,
                    entry_date=(placed_at + dt.timedelta(days=rng.randint(10, 30))).date(),
                    reference=f"NL{rng.randint(10**7, 10**8 - 1)}",
                )


def add_lines(order_id: int, lines) -> None:
    """An order's lines as placing it writes them: (position, priced item, quantity, net)."""
    OrderLine.insert_many(
        [
            {
                "order": order_id,
                "product": item.product.id,
                "position": position,
                "sku": item.product.sku,
                "name": (item.text.name if item.text else item.product.sku)[:200],
                "name_own": _own_name(item)[:200],
                "own_code": item.own_code.code if item.own_code else "",
                "quantity": quantity,
                "unit_minor": whole(item.quote.net_unit),
                "unit_hundredths": whole(item.quote.net_unit * 100),
                "line_minor": net,
                "vat_rate_bp": int(item.quote.vat_rate * 100),
                "price_source": item.quote.source,
            }
            for position, item, quantity, net in lines
        ]
    ).execute()


def _near_the_limit(link, actor, owed_target: int) -> None:
    """An opening balance that leaves the client just below its credit limit."""
    from .ledger import owed_minor

    owed = owed_minor(link.id)
    if owed < owed_target:
        AccountEntry.create(
            relationship=link,
            kind="correction",
            amount_minor=owed_target - owed,
            entry_date=dt.date.today() - dt.timedelta(days=40),
            reason="Openstaand saldo uit het vorige systeem",
            actor=actor,
        )
