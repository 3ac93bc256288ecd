"""Emails about orders (F39): the buyer who placed an order is told when it is placed and at
each change of its status, in their own language. Sent after the transaction; a mail server
that fails is logged -- the order and its status are in the portal either way."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from .mail import MailError, absolute_url, language_or_default, render_message, send
from .orders import Order, OrderLine
from .parties import Party, User

log = logging.getLogger(__name__)


def _message(order: Order, buyer: User, template: str, subject, **extra):
    supplier = Party.get_by_id(order.supplier_id)
    customer = Party.get_by_id(order.customer_id)
    lines = list(OrderLine.select().where(OrderLine.order == order).order_by(OrderLine.position))
    return render_message(
        buyer.email,
        template,
        language_or_default(buyer.language, customer.language),
        subject,
        order=order,
        lines=lines,
        supplier=supplier,
        customer=customer,
        link=absolute_url("orders.show", party_id=customer.id, order_id=order.id),
        **extra,
    )


def _send(order: Order, template: str, subject, **extra) -> bool:
    if not order.placed_by_id:
        return False
    buyer = User.get_or_none(User.id == order.placed_by_id, User.active == True)  # noqa: E712
    if buyer is None:
        return False
    try:
        send(_message(order, buyer, template, subject, **extra))
    except MailError:
        log.exception("order %s: email to user %s failed", order.id, buyer.id)
        return False
    return True


def notify_placed(order: Order) -> bool:
    """Tell the buyer the order is placed (or waits for a supervisor's approval, F35), with
    its lines and total."""
    if order.status == "awaiting_approval":
        subject = _l("Your order %(number)s waits for approval", number=order.number)
    else:
        subject = _l("Your order %(number)s is placed", number=order.number)
    return _send(order, "order_placed", subject)


def notify_approval_problem(order: Order, problem) -> bool:
    """Tell the buyer a supervisor's approval found a check failing: the order still waits."""
    return _send(
        order,
        "order_approval_problem",
        _l("Your order %(number)s could not be approved yet", number=order.number),
        problem=problem,
    )


def notify_status(order: Order) -> bool:
    """Tell the buyer the order's new status (and, when cancelled or rejected, why)."""
    return _send(
        order,
        "order_status",
        _l(
            "Your order %(number)s is now “%(status)s”",
            number=order.number,
            status=order.status_label,
        ),
    )
