"""The demo's seasons (F22, F45): the orders demo spreads each client's orders evenly over the
year, which draws a flat sales graph. Here Brouwer's clients order more when their trade
does -- horeca in the terrace months and before Christmas, shops in November and December,
schools when term starts again and not in the summer holidays -- so the graphs show a year a
wholesaler would recognise. The extra orders repeat one of the client's own earlier orders
(its lines at the prices it paid), placed on a day of the season's month; clients who pay on
account get none, so their ledgers and credit stay as the orders demo set them."""

from __future__ import annotations

import datetime as dt
import random

from .ledger import AccountEntry
from .orders import Order, OrderEvent, OrderLine
from .relationships import CustomerGroup, Relationship, effective_terms

DAYS = 365
# extra orders per client in each month of the year, by the client's group
SEASONS = {
    "Horeca": (0, 0, 0.3, 0.8, 1.5, 2.2, 2.8, 2.6, 1.2, 0.4, 0.5, 1.6),
    "Retail": (0, 0, 0.2, 0.2, 0.3, 0.3, 0.2, 0.2, 0.4, 0.6, 1.6, 2.6),
    "Schools": (0.6, 0.8, 0.8, 0.6, 0.8, 0.4, 0, 0, 2.2, 1.0, 0.8, 0.4),
    None: (0, 0, 0.2, 0.4, 0.6, 0.8, 1.0, 0.9, 0.5, 0.3, 0.6, 1.2),
}
STATUS_FLOW = {
    "placed": ["placed"],
    "confirmed": ["placed", "confirmed"],
    "shipped": ["placed", "confirmed", "shipped"],
    "delivered": ["placed", "confirmed", "shipped", "delivered"],
}


def add_demo(parties: dict, users: dict) -> None:
    brouwer = parties["brouwer"]
    rng = random.Random(20261208)
    today = dt.datetime.utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
    groups = {g.id: g.name for g in CustomerGroup.select().where(CustomerGroup.supplier == brouwer)}
    on_account = {
        e.relationship_id for e in AccountEntry.select(AccountEntry.relationship).distinct()
    }
    links = (
        Relationship.select()
        .where(Relationship.supplier == brouwer, Relationship.status == "connected")
        .order_by(Relationship.id)
    )
    for link in links:
        if link.id in on_account:
            continue
        if effective_terms(link, brouwer).payment_method.value == "on_account":
            continue
        earlier = list(
            Order.select()
            .where(Order.relationship == link, Order.status == "delivered")
            .order_by(Order.id)
        )
        if earlier:
            season = SEASONS.get(groups.get(link.group_id), SEASONS[None])
            _seasonal_orders(link, earlier, season, today, rng)


def _days_by_month(today: dt.datetime) -> dict[int, list[dt.datetime]]:
    """The past year's days (the last one yesterday), by month."""
    months: dict[int, list[dt.datetime]] = {}
    for back in range(DAYS - 1, 0, -1):
        day = today - dt.timedelta(days=back)
        months.setdefault(day.month, []).append(day)
    return months


def _seasonal_orders(link, earlier, season, today, rng) -> None:
    number = 0
    for month, days in _days_by_month(today).items():
        # each month's share of its season, for the days of it the past year holds
        expected = season[month - 1] * len(days) / 30
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        for _ in range(count):
            number += 1
            template = rng.choice(earlier)
            placed_at = rng.choice(days) - dt.timedelta(hours=rng.randint(0, 8))
            age = (today - placed_at).days
            status = "delivered" if age > 14 else rng.choice(("placed", "confirmed", "shipped"))
            _repeat(link, template, placed_at, status, f"season-{link.id}-{number}")


def _repeat(link, template: Order, placed_at: dt.datetime, status: str, key: str) -> None:
    """A new order of the client with the lines and amounts of `template`."""
    amounts = {
        name: getattr(template, name)
        for name in (
            "subtotal_minor",
            "discount_minor",
            "discount_bp",
            "delivery_minor",
            "net_minor",
            "vat_minor",
            "total_minor",
            "line_count",
        )
    }
    order = Order.create(
        relationship=link,
        supplier=template.supplier_id,
        customer=template.customer_id,
        status=status,
        placed_by=template.placed_by_id,
        placed_at=placed_at,
        currency=template.currency,
        gross=template.gross,
        payment_method=template.payment_method,
        tax_regime=template.tax_regime,
        delivery_address=template.delivery_address_id,
        delivery_address_text=template.delivery_address_text,
        invoice_address_text=template.invoice_address_text,
        delivery_date=(placed_at + dt.timedelta(days=2)).date(),
        idempotency_key=key,
        **amounts,
    )
    lines = OrderLine.select().where(OrderLine.order == template).order_by(OrderLine.position)
    OrderLine.insert_many(
        [
            {
                "order": order.id,
                "product": line.product_id,
                "position": line.position,
                "sku": line.sku,
                "name": line.name,
                "name_own": line.name_own,
                "own_code": line.own_code,
                "quantity": line.quantity,
                "unit_minor": line.unit_minor,
                "unit_hundredths": line.unit_hundredths,
                "line_minor": line.line_minor,
                "vat_rate_bp": line.vat_rate_bp,
                "price_source": line.price_source,
            }
            for line in lines
        ]
    ).execute()
    OrderEvent.insert_many(
        [
            {
                "order": order.id,
                "status": step,
                "actor": template.placed_by_id if step == "placed" else None,
                "created_at": placed_at + dt.timedelta(hours=6 * i),
            }
            for i, step in enumerate(STATUS_FLOW[status])
        ]
    ).execute()
