"""Approvals (F35): an order that went over a budget whose action is *ask a supervisor* waits,
as *awaiting approval*, for a supervisor or admin of the ordering party.

Approving places the order as if it were just submitted: inside the relationship's lock every
check runs again on today's values -- the relationship may order, its products are still in
the client's catalog, the minimum order value, the credit limit (what is owed now), and the
budgets (block ones refuse; the order's own amount is not counted twice). A check that fails
leaves the order waiting and is reported to the approver (the answer) and the buyer (email and
a step of the order's history, written in each reader's language). The order keeps the prices it was submitted at: the buyer
agreed to them and the supplier sees them.

Nobody approves their own order. Who approved (or rejected) what is on the order, in its
history and in the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from . import audit
from .base import DomainError, NotFound, retrying, transaction, utcnow
from .budgets import record_checks
from .buyer_catalog import priced_by_id
from .ledger import AccountEntry
from .mail import language_or_default
from .orders import (
    IllegalTransition,
    Order,
    OrderEvent,
    OrderLine,
    OrderRefused,
    _check_budgets,
    _check_credit,
    _check_minimum,
    _check_orderable,
    _order_in,
    _terms_minor,
    clean_text_block,
    refusal_note,
    relationship_now,
)
from .parties import Party, User
from .relationships import Relationship
from .store_credit import return_for_order

log = logging.getLogger(__name__)

MAX_AT_ONCE = 100

audit.AREA_LABELS["order"] = _l("Orders")
audit.ACTION_LABELS.update({"approve": _l("approved"), "reject": _l("rejected")})


def queue_of(party: Party, limit: int = 200) -> list[Order]:
    """The party's orders waiting for approval, oldest first, with buyer and supplier."""
    supplier = Party.alias("other")
    return list(
        Order.select(Order, User, supplier)
        .join(User, JOIN.LEFT_OUTER, on=(Order.placed_by == User.id), attr="buyer")
        .switch(Order)
        .join(supplier, on=(Order.supplier == supplier.id), attr="other")
        .where(Order.customer == party, Order.status == "awaiting_approval")
        .order_by(Order.placed_at, Order.id)
        .limit(limit)
    )


def waiting_count(party_id: int) -> int:
    return (
        Order.select()
        .where(Order.customer == party_id, Order.status == "awaiting_approval")
        .count()
    )


def _relationship_of(order: Order) -> Relationship:
    relationship = Relationship.get_or_none(Relationship.id == order.relationship_id)
    if relationship is None:
        raise IllegalTransition(
            _l("An order that is “%(status)s” cannot be changed that way."),
            status=order.status_label,
        )
    return relationship


def _waiting(order_id: int) -> Order:
    """The order as it is now, after the lock; one no longer waiting is refused (409)."""
    order = Order.get_by_id(order_id)
    if order.status != "awaiting_approval":
        raise IllegalTransition(
            _l("Order %(number)s is “%(status)s”: it no longer waits for approval."),
            number=order.number,
            status=order.status_label,
        )
    return order


def _recheck(order: Order, relationship: Relationship):
    """Every check of placing an order, again, on today's values (see the module's text)."""
    current = relationship_now(relationship)
    _check_orderable(current)
    lines = list(OrderLine.select().where(OrderLine.order == order))
    wanted = {line.product_id: line.quantity for line in lines if line.product_id}
    buyer = User.get_or_none(User.id == order.placed_by_id)
    language = language_or_default(buyer.language if buyer else None, current.customer.language)
    priced, _decision = priced_by_id(current, wanted, language) if wanted else ({}, None)
    gone = [
        line.sku
        for line in lines
        if line.product_id not in priced or priced[line.product_id].quote is None
    ]
    if gone:
        raise OrderRefused(
            "unavailable",
            _l("%(count)s products of this order can no longer be ordered: %(names)s."),
            count=len(gone),
            names=", ".join(gone),
        )
    min_order, limit = _terms_minor(current)
    _check_minimum(min_order, order.subtotal_minor, order.currency)
    if order.payment_method == "on_account":
        _check_credit(current.id, limit, order.total_minor - order.balance_minor, order.currency)
    return _check_budgets(
        order.placed_by_id, order.customer_id, order.currency, order.total_minor, order.id
    )


@dataclass
class Decision:
    """What became of one order of an approver's decision."""

    order: Order
    done: bool
    problem: DomainError | None = None


def _check_not_own(actor: User, order: Order) -> None:
    if order.placed_by_id == actor.id:
        raise DomainError(
            _l("You cannot approve your own order %(number)s: another supervisor or admin has to."),
            "order_ids",
            number=order.number,
        )


@retrying
def approve(actor: User, party: Party, order_id, comment: str = "") -> Decision:
    """Approve one waiting order: it is placed if every check still passes; otherwise it keeps
    waiting and the problem is told to the approver and (in its history) the buyer."""
    comment = _comment(comment, required=False)
    order = _order_in(party, "purchases", order_id)
    _check_not_own(actor, order)
    relationship = _relationship_of(order)
    with transaction(lock=relationship):
        order = _waiting(order.id)
        try:
            with transaction():  # a savepoint: a failed check writes nothing of the approval
                checks = _recheck(order, relationship)
        except OrderRefused as refusal:
            OrderEvent.create(
                order=order, status="approval_failed", actor=actor, note=refusal_note(refusal)
            )
            return Decision(order, False, refusal)
        order.status = "placed"
        order.held = False  # now it goes to the supplier
        order.approved_by = actor
        order.approved_at = utcnow()
        order.version += 1
        order.save()
        OrderEvent.create(order=order, status="placed", actor=actor, note=comment)
        record_checks(order.id, checks)
        if order.payment_method == "on_account" and order.total_minor > order.balance_minor:
            AccountEntry.create(
                relationship=relationship,
                kind="order",
                amount_minor=order.total_minor - order.balance_minor,
                order_id=order.id,
                entry_date=utcnow().date(),
                reference=order.number,
                actor=actor,
            )
        audit.record(actor, party, "order", "approve", order.number)
    return Decision(order, True)


@retrying
def reject(actor: User, party: Party, order_id, comment: str) -> Decision:
    """Reject one waiting order, saying why (the buyer reads it)."""
    comment = _comment(comment, required=True)
    order = _order_in(party, "purchases", order_id)
    relationship = _relationship_of(order)
    with transaction(lock=relationship):
        order = _waiting(order.id)
        order.status = "rejected"
        order.approved_by = actor
        order.approved_at = utcnow()
        order.cancel_reason = comment
        order.version += 1
        order.save()
        OrderEvent.create(order=order, status="rejected", actor=actor, note=comment)
        return_for_order(relationship, order.id, actor)  # the store credit it drew
        audit.record(actor, party, "order", "reject", order.number)
    return Decision(order, True)


def _comment(value, required: bool) -> str:
    comment = clean_text_block(value, 501)
    if required and not comment:
        raise DomainError(_l("Say why, so that the buyer knows."), "comment")
    if len(comment) > 500:
        raise DomainError(_l("Use at most 500 characters."), "comment")
    return comment


def order_ids(values) -> list[int]:
    """The orders ticked in the queue (at least one, at most MAX_AT_ONCE)."""
    ids = []
    for value in values or []:
        text = str(value).strip()
        if not text.isdigit() or not 0 < int(text) < 2**63:
            raise NotFound(_l("This order does not exist."))
        ids.append(int(text))
    if not ids:
        raise DomainError(_l("Tick at least one order."), "order_ids")
    if len(ids) > MAX_AT_ONCE:
        raise DomainError(_l("Choose at most %(count)s.", count=MAX_AT_ONCE), "order_ids")
    return list(dict.fromkeys(ids))


def decide(actor: User, party: Party, ids: list[int], decision: str, comment: str):
    """Approve or reject several orders, one transaction each (one order's problem does not
    hold up the others); every order id must be the party's (else NotFound, nothing done)."""
    for order_id in ids:
        _order_in(party, "purchases", order_id)
    if decision == "reject":
        _comment(comment, required=True)
    else:
        _comment(comment, required=False)
    results = []
    for order_id in ids:
        try:
            if decision == "approve":
                results.append(approve(actor, party, order_id, comment))
            else:
                results.append(reject(actor, party, order_id, comment))
        except (IllegalTransition, DomainError) as problem:
            results.append(Decision(_order_in(party, "purchases", order_id), False, problem))
    return results


def notify(decision: Decision) -> None:
    """Tell the buyer (after the transaction): placed, rejected, or why it still waits."""
    from .order_mail import notify_approval_problem, notify_status

    if decision.done:
        notify_status(decision.order)
    elif isinstance(decision.problem, OrderRefused):
        notify_approval_problem(decision.order, decision.problem)
