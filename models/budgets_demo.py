"""The demo's budgets and approvals (issue 11, F34, F35, F45): Café Lumière keeps a budget per
order (buyer@example.com's) and a monthly one that buyer@example.com and lumiere-admin@example.com
share (over it, an order waits for approval by supervisor@example.com); Bodega Olivares keeps a yearly one that only warns. Two orders of
buyer@example.com went over the monthly budget and wait for supervisor@example.com -- approving
both would take Café Lumière over its credit limit, so the second shows a check failing."""

from __future__ import annotations

import datetime as dt

from .budgets import Budget, BudgetParty, BudgetUser, check_budgets, record_checks, window_of
from .budgets import spent_minor as budget_spent
from .buyer_catalog import priced_by_id
from .catalog import Product
from .catalog_terms import conditions_for
from .ledger import owed_minor
from .orders import (
    Order,
    OrderEvent,
    _address_text,
    _terms_minor,
    order_amounts,
)
from .orders_demo import add_lines
from .parties import Party
from .pricing import order_totals, whole
from .relationships import Relationship, effective_terms


def _budget(owner, name, period, limit_minor, action, users, parties=None) -> Budget:
    budget = Budget.create(
        owner=owner,
        name=name,
        currency=owner.currency,
        period=period,
        limit_minor=limit_minor,
        action=action,
    )
    for party in parties or [owner]:
        BudgetParty.create(budget=budget, party=party)
    for user in users:
        BudgetUser.create(budget=budget, user=user)
    return budget


def add_demo(parties: dict, users: dict) -> None:
    lumiere, olivares = parties["lumiere"], parties["olivares"]
    buyer, louis = users["buyer@example.com"], users["lumiere-admin@example.com"]
    claire = users["supervisor@example.com"]
    _budget(lumiere, "Par commande", "order", 400_00, "block", [buyer])
    monthly = _budget(lumiere, "Cuisine, par mois", "month", 300_00, "approve", [buyer, louis])
    # €150 to €200 above what the year of orders already spent this month, in steps of €50: the
    # first waiting order goes over it and still fits in the credit left on account
    spent = budget_spent(monthly, window_of(monthly))
    monthly.limit_minor = (spent + 200_00) // 50_00 * 50_00
    monthly.save()
    # one well within its limit: upkeep by the quarter, for the supervisor too (warn only)
    _budget(
        lumiere, "Entretien, par trimestre", "quarter", 3_000_00, "warn", [buyer, claire, louis]
    )
    _budget(olivares, "Presupuesto anual", "year", 6_000_00, "warn", [buyer])
    link = Relationship.get(
        Relationship.supplier == parties["brouwer"], Relationship.customer == lumiere
    )
    now = dt.datetime.utcnow().replace(second=0, microsecond=0)
    # the first goes over what is left of the budget; the second too, and both together go
    # over the credit left on account, which approving the first one uses
    room = monthly.limit_minor - budget_spent(monthly, window_of(monthly))
    credit_left = (link.credit_limit_minor or 0) - owed_minor(link.id)
    link.supplier = parties["brouwer"]
    minimum = (_terms_minor(link)[0] or 0) * 13 // 10  # the goods' minimum, VAT included
    first = _waiting_order(link, buyer, now - dt.timedelta(hours=26), max(room + 20_00, minimum), 0)
    _waiting_order(
        link, buyer, now - dt.timedelta(hours=3), max(credit_left - first + 20_00, minimum), 1
    )


def _waiting_order(link, buyer, placed_at, at_least: int, which: int) -> int:
    """An order of `buyer` of at least `at_least` that waits for approval (built as
    place_order leaves it: the supplier's products a few at a time until it comes to that);
    returns its total."""
    supplier = Party.get_by_id(link.supplier_id)
    customer = Party.get_by_id(link.customer_id)
    link.supplier, link.customer = supplier, customer
    link.group = link.group if link.group_id else None
    ids = [
        p.id
        for p in Product.select(Product.id)
        .where(Product.supplier == supplier, Product.active == True)  # noqa: E712
        .order_by(Product.id)
        .limit(40)
    ]
    priced, decision = priced_by_id(link, {pid: 1 for pid in ids}, customer.language or "en")
    items = [priced[pid] for pid in ids if pid in priced and priced[pid].quote is not None]
    items = items[which * 4 : which * 4 + 4]
    conditions = conditions_for(supplier, link, link.group)
    quantities = [0] * len(items)
    for step in range(400):  # one more of the next product until the order comes to enough
        quantities[step % len(items)] += 1
        lines = [
            (position, item, quantity, whole(item.quote.net_unit * quantity))
            for position, (item, quantity) in enumerate(zip(items, quantities, strict=True), 1)
            if quantity
        ]
        totals = order_totals([(net, i.quote.vat_rate) for _p, i, _q, net in lines], conditions)
        if totals.total >= at_least:
            break
    from .addresses import default_address

    address = default_address(customer, "delivery")
    order = Order.create(
        relationship=link,
        supplier=supplier,
        customer=customer,
        status="awaiting_approval",
        held=True,
        placed_by=buyer,
        placed_at=placed_at,
        currency=supplier.currency,
        payment_method=effective_terms(link, supplier).payment_method.value,
        tax_regime=decision.regime if decision else "domestic",
        delivery_address=address,
        delivery_address_text=_address_text(address) if address else "",
        invoice_address_text=_address_text(address) if address else "",
        po_reference=f"CUISINE-{placed_at:%m%d}",
        search_text=f"cuisine-{placed_at:%m%d}",
        **order_amounts(totals, len(lines)),
        idempotency_key=f"demo-approval-{which}",
    )
    add_lines(order.id, lines)
    OrderEvent.create(order=order, status="awaiting_approval", actor=buyer, created_at=placed_at)
    checks = check_budgets(
        buyer.id, customer.id, order.currency, order.total_minor, placed_at, order.id
    )
    record_checks(order.id, checks)
    return order.total_minor
