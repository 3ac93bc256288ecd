"""Emails about relationships: a supplier's connection request reaches the customer's admins
(F12). Sent after the transaction that made the request; the request waits on the customer's
"My suppliers" page whether or not the email arrives."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from .mail import MailError, absolute_url, language_or_default, render_message, send
from .parties import Membership, User
from .relationships import Relationship

log = logging.getLogger(__name__)


def request_message(relationship: Relationship, admin: User):
    """The connection request email to one admin of the customer, in their language."""
    supplier, customer = relationship.supplier, relationship.customer
    return render_message(
        admin.email,
        "connection_request",
        language_or_default(admin.language, customer.language),
        _l(
            "%(supplier)s asks to add %(customer)s as a client",
            supplier=supplier.display_name,
            customer=customer.display_name,
        ),
        supplier=supplier,
        customer=customer,
        requester=relationship.requested_by.name if relationship.requested_by else "",
        link=absolute_url("suppliers.index", party_id=customer.id),
    )


def notify_request(relationship: Relationship) -> int:
    """Email the request to every admin of the customer; returns how many were sent (a mail
    server that fails is logged: the request itself is kept and shown in the portal)."""
    admins = (
        User.select()
        .join(Membership)
        .where(
            Membership.party == relationship.customer_id,
            Membership.role == "admin",
            User.active == True,  # noqa: E712
        )
        .order_by(User.id)
    )
    sent = 0
    for admin in admins:
        try:
            send(request_message(relationship, admin))
        except MailError:
            log.exception(
                "connection request %s: email to admin %s failed", relationship.id, admin.id
            )
        else:
            sent += 1
    return sent
