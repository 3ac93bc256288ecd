"""The demo's loyalty points (issue 11, F38): Brouwer runs a programme for its Horeca group (one
point per €10.00 net; Café Lumière, the demo buyer's party, is in it) and gives Nordhavn Supply a
rate of its own (one point per €5.00). The points are those the rule gives for the demo's
delivered orders -- computed from them, never made up -- plus one welcome bonus."""

from __future__ import annotations

from .loyalty import LoyaltyEntry, LoyaltyRate, points_for, rate_of
from .orders import Order, OrderEvent
from .relationships import CustomerGroup, Relationship

HORECA_AMOUNT_MINOR = 1_000  # one point per €10.00
NORDHAVN_AMOUNT_MINOR = 500  # one point per €5.00


def add_demo(parties: dict, users: dict) -> None:
    brouwer = parties["brouwer"]
    horeca = CustomerGroup.get_or_none(
        CustomerGroup.supplier == brouwer, CustomerGroup.code == "HOR"
    )
    if horeca is not None:
        LoyaltyRate.create(supplier=brouwer, group=horeca, amount_minor=HORECA_AMOUNT_MINOR)
    nordhavn = Relationship.get_or_none(
        Relationship.supplier == brouwer, Relationship.customer == parties["nordhavn"]
    )
    if nordhavn is not None:
        LoyaltyRate.create(
            supplier=brouwer, relationship=nordhavn, amount_minor=NORDHAVN_AMOUNT_MINOR
        )
    links = Relationship.select().where(
        Relationship.supplier == brouwer,
        (Relationship.group == horeca) | (Relationship.id == (nordhavn.id if nordhavn else 0)),
    )
    delivered_at = {
        event.order_id: event.created_at
        for event in OrderEvent.select(OrderEvent.order, OrderEvent.created_at)
        .join(Order)
        .where(Order.supplier == brouwer, OrderEvent.status == "delivered")
    }
    rows = []
    for link in links:
        rate = rate_of(link, brouwer.currency)
        if rate is None:
            continue
        orders = Order.select().where(Order.relationship == link, Order.status == "delivered")
        for order in orders.order_by(Order.placed_at):
            points = points_for(order.net_minor, rate.amount_minor)
            if points > 0:
                rows.append(
                    {
                        "relationship": link.id,
                        "kind": "earned",
                        "points": points,
                        "order_id": order.id,
                        "amount_minor": order.net_minor,
                        "rate_minor": rate.amount_minor,
                        "created_at": delivered_at.get(order.id, order.placed_at),
                    }
                )
    if rows:
        LoyaltyEntry.insert_many(rows).execute()
    lumiere = Relationship.get_or_none(
        Relationship.supplier == brouwer, Relationship.customer == parties["lumiere"]
    )
    if lumiere is not None:
        LoyaltyEntry.create(
            relationship=lumiere,
            kind="adjustment",
            points=100,
            actor=users["supplier-admin@example.com"],
            reason="Welkomstbonus",
        )
