"""What a client owes its supplier on account (F37): a ledger of entries, never a bare number.

An order paid on account adds its total when it is placed; a cancelled one takes it off again;
the supplier records payments (amount, date, reference) and corrections (with a reason). The
amount owed is the sum of the entries, and it is what the credit limit is checked against
(models/orders.py reads it inside the transaction that places an order, after the lock).
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from . import audit, imports
from .base import BaseModel, DomainError, from_minor, retrying, transaction, utcnow
from .identifiers import check_amount, clean_text
from .parties import User
from .relationships import Relationship

ENTRY_KINDS = ("order", "payment", "correction", "cancellation")
ENTRY_LABELS = {
    "order": _l("Order"),
    "payment": _l("Payment"),
    "correction": _l("Correction"),
    "cancellation": _l("Order cancelled"),
}


class AccountEntry(BaseModel):
    """One entry of a client's on-account ledger: + adds to what it owes, - takes off."""

    relationship = ForeignKeyField(Relationship, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=16)
    amount_minor = IntegerField()
    order_id = IntegerField(null=True)  # the order it came from (sales_order; orders.py)
    entry_date = DateField()
    reference = CharField(max_length=80, default="")
    reason = TextField(default="")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "account_entry"

    @property
    def kind_label(self):
        return ENTRY_LABELS.get(self.kind, self.kind)


audit.register_fields({"account.owed": _l("Owed on account")})


def owed_minor(relationship_id: int) -> int:
    """What the client owes on account: the sum of its ledger (integers: exact on both
    databases)."""
    total = (
        AccountEntry.select(fn.COALESCE(fn.SUM(AccountEntry.amount_minor), 0))
        .where(AccountEntry.relationship == relationship_id)
        .scalar()
    )
    return int(total or 0)


def owed_by(relationship_ids: list[int]) -> dict[int, int]:
    """What each of these clients owes (one query)."""
    if not relationship_ids:
        return {}
    rows = (
        AccountEntry.select(AccountEntry.relationship, fn.SUM(AccountEntry.amount_minor))
        .where(AccountEntry.relationship.in_(relationship_ids))
        .group_by(AccountEntry.relationship)
        .tuples()
    )
    return {relationship_id: int(total or 0) for relationship_id, total in rows}


def entries_of(relationship: Relationship, limit: int = 50) -> list[AccountEntry]:
    """The client's ledger, newest first."""
    return list(
        AccountEntry.select(AccountEntry, User)
        .join(User, JOIN.LEFT_OUTER, on=(AccountEntry.actor == User.id))
        .where(AccountEntry.relationship == relationship)
        .order_by(AccountEntry.entry_date.desc(), AccountEntry.id.desc())
        .limit(limit)
    )


def _amount(value, currency: str, field: str, allow_negative: bool) -> int:
    """A typed amount ("125.50", "1.234,50", "-20" for a correction) in minor units."""
    text = clean_text(value, 40)
    if not re.fullmatch(r"-?[0-9][0-9., ]*", text or "0"):  # digits, separators, a sign
        raise DomainError(_l("Enter an amount such as 125.50."), field)
    try:
        amount = imports.amount(text)
    except DomainError:
        raise DomainError(_l("Enter an amount such as 125.50."), field) from None
    if amount is None:
        raise DomainError(_l("Enter an amount."), field)
    if not amount.is_finite():
        raise DomainError(_l("Enter an amount such as 125.50."), field)
    if amount == 0 or (amount < 0 and not allow_negative):
        message = (
            _l("Enter an amount other than zero.")
            if allow_negative
            else _l("Enter an amount above zero.")
        )
        raise DomainError(message, field)
    minor = check_amount(abs(amount), currency, field)
    return minor if amount > 0 else -minor


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(clean_text(value, 10))
    except ValueError:
        raise DomainError(_l("Enter a date."), field) from None


@retrying
def record_entry(
    actor: User, relationship: Relationship, kind: str, amount, entry_date, reference="", reason=""
) -> AccountEntry:
    """The supplier records a payment received (takes off what the client owes) or a
    correction (either way, with a reason); audited."""
    if kind not in ("payment", "correction"):
        raise DomainError(_l("Choose a payment or a correction."), "kind")
    currency = relationship.supplier.currency
    minor = _amount(amount, currency, "amount", allow_negative=kind == "correction")
    day = _date(entry_date, "entry_date")
    if day > dt.date.today() + dt.timedelta(days=1):
        raise DomainError(
            _l("A payment or correction cannot be dated in the future."), "entry_date"
        )
    reference = clean_text(reference, 81)
    if len(reference) > 80:
        raise DomainError(_l("Use at most 80 characters."), "reference")
    reason = clean_text(reason, 501)
    if kind == "correction" and not reason:
        raise DomainError(_l("Say why the balance is corrected."), "reason")
    if len(reason) > 500:
        raise DomainError(_l("Use at most 500 characters."), "reason")
    with transaction(lock=relationship):
        before = owed_minor(relationship.id)
        entry = AccountEntry.create(
            relationship=relationship,
            kind=kind,
            amount_minor=-minor if kind == "payment" else minor,
            entry_date=day,
            reference=reference,
            reason=reason,
            actor=actor,
        )
        audit.record(
            actor,
            relationship.supplier,
            "client",
            kind,
            relationship.customer.display_name,
            audit.diff(
                {"account.owed": str(from_minor(before, currency))},
                {"account.owed": str(from_minor(before + entry.amount_minor, currency))},
            ),
            record_id=relationship.id,
        )
    return entry
