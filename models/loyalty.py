"""Loyalty points (F38): a client earns points on what it buys from a supplier, at a rate the
supplier sets for the client or for its customer group, kept as a ledger (never a bare number).

The rate is an amount per point in the supplier's currency ("1 point per €10.00"), stored in
minor units (1000). A client's own rate wins over its group's; without either, there is no
programme and nothing is earned.

The rule: when an order is delivered the client earns floor(net / amount per point) points,
where net is the order's net amount (before VAT, after discounts, delivery costs included) --
whole points only, the remainder is not carried over to the next order; the rate in force at
delivery counts. When an order that earned points is cancelled, the same points are taken off
again. An order earns once and is reversed once: a unique index on (order, kind) makes a retry
or a race a no-op. The supplier may also adjust a balance by hand, with a reason (audited); a
balance never goes below zero by an adjustment.

`on_delivered(order, actor)` and `on_cancelled(order, actor)` are called by the order's status
change (models/orders.py change_status), inside its transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    TextField,
    fn,
)

from . import audit, imports
from .base import (
    BaseModel,
    DomainError,
    NotFound,
    StaleForm,
    db,
    from_minor,
    retrying,
    transaction,
    utcnow,
)
from .identifiers import check_amount, clean_text
from .parties import Party, User
from .relationships import CustomerGroup, Relationship

KINDS = ("earned", "reversed", "adjustment")
KIND_LABELS = {
    "earned": _l("Earned"),
    "reversed": _l("Order cancelled"),
    "adjustment": _l("Adjustment"),
}
MAX_AMOUNT_PER_POINT = Decimal(100_000)  # in currency units: beyond it no client earns a point
MAX_ADJUSTMENT = 1_000_000  # points in one adjustment
SOURCE_RELATIONSHIP = "relationship"
SOURCE_GROUP = "group"

STALE = _l(
    "Someone else changed this meanwhile; the saved values are shown. Save again to overwrite them."
)


class LoyaltyRate(BaseModel):
    """The amount per point a supplier set for one client or one customer group."""

    supplier = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    relationship = ForeignKeyField(Relationship, null=True, backref="+", on_delete="CASCADE")
    group = ForeignKeyField(CustomerGroup, null=True, backref="+", on_delete="CASCADE")
    amount_minor = IntegerField(null=True)  # None: no programme of its own
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "loyalty_rate"


class LoyaltyEntry(BaseModel):
    """One entry of a client's points: + earned, - reversed, an adjustment either way."""

    relationship = ForeignKeyField(Relationship, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=16)
    points = IntegerField()
    order_id = IntegerField(null=True)  # the order it came from (sales_order; orders.py)
    amount_minor = IntegerField(null=True)  # the net amount the points were counted on
    rate_minor = IntegerField(null=True)  # the amount per point in force then
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    reason = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "loyalty_entry"

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def order_number(self) -> str:
        return f"{self.order_id:06d}" if self.order_id else ""


audit.register_fields(
    {
        "client.loyalty_rate": _l("Loyalty: amount per point"),
        "client.loyalty_points": _l("Loyalty points"),
        "group.loyalty_rate": _l("Loyalty: amount per point"),
    }
)


# --- the rule ----------------------------------------------------------------------------------


def points_for(net_minor: int | None, amount_minor: int | None) -> int:
    """The points an order of `net_minor` earns at `amount_minor` per point: whole points,
    rounded down (floor); none without a rate, at a rate of 0 or for nothing spent."""
    if not amount_minor or amount_minor <= 0 or not net_minor or net_minor <= 0:
        return 0
    return int(net_minor) // int(amount_minor)


@dataclass(frozen=True)
class Rate:
    """The rate that applies to a client: the amount per point (minor units), where it came
    from (the client's own or its group's) and the group's name."""

    amount_minor: int
    currency: str
    source: str
    group_name: str = ""

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)


def rate_of(relationship: Relationship, currency: str | None = None) -> Rate | None:
    """The rate in force for this client: its own, else its group's, else None (no
    programme). One query."""
    condition = LoyaltyRate.relationship == relationship.id
    if relationship.group_id:
        condition |= LoyaltyRate.group == relationship.group_id
    rows = list(
        LoyaltyRate.select(LoyaltyRate, CustomerGroup.name)
        .join(CustomerGroup, JOIN.LEFT_OUTER, on=(LoyaltyRate.group == CustomerGroup.id))
        .where(condition, LoyaltyRate.supplier == relationship.supplier_id)
        .objects()
    )
    if currency is None:
        currency = Party.select(Party.currency).where(Party.id == relationship.supplier_id).scalar()
    own = next((r for r in rows if r.relationship_id == relationship.id), None)
    if own is not None and own.amount_minor:
        return Rate(own.amount_minor, currency, SOURCE_RELATIONSHIP)
    group = next((r for r in rows if r.group_id and r.group_id == relationship.group_id), None)
    if group is not None and group.amount_minor:
        return Rate(group.amount_minor, currency, SOURCE_GROUP, group.name or "")
    return None


def own_rate(target) -> LoyaltyRate | None:
    """The rate row of a client (a Relationship) or a group (a CustomerGroup), if any."""
    if isinstance(target, Relationship):
        return LoyaltyRate.get_or_none(LoyaltyRate.relationship == target.id)
    return LoyaltyRate.get_or_none(LoyaltyRate.group == target.id)


# --- balance and history -----------------------------------------------------------------------


def balance(relationship_id: int) -> int:
    """The client's points: the sum of its entries (integers, exact on both databases)."""
    total = (
        LoyaltyEntry.select(fn.COALESCE(fn.SUM(LoyaltyEntry.points), 0))
        .where(LoyaltyEntry.relationship == relationship_id)
        .scalar()
    )
    return int(total or 0)


def history(relationship_id: int, limit: int = 50) -> list[LoyaltyEntry]:
    """The client's entries, newest first."""
    return list(
        LoyaltyEntry.select()
        .where(LoyaltyEntry.relationship == relationship_id)
        .order_by(LoyaltyEntry.created_at.desc(), LoyaltyEntry.id.desc())
        .limit(limit)
    )


@dataclass(frozen=True)
class Summary:
    """What a page shows about a client's points: the rate (None: no programme), the balance
    and the latest entries."""

    rate: Rate | None
    balance: int
    entries: list

    @property
    def shown(self) -> bool:
        """Worth showing: a programme runs, or the client has points from one that did."""
        return self.rate is not None or bool(self.entries)


def summary_of(relationship: Relationship, currency: str, limit: int = 50) -> Summary:
    """The rate, balance and latest entries of one client."""
    return Summary(
        rate_of(relationship, currency), balance(relationship.id), history(relationship.id, limit)
    )


# --- the hooks of the order's status change ----------------------------------------------------


def _entry_of(order_id: int, kind: str) -> LoyaltyEntry | None:
    return LoyaltyEntry.get_or_none(LoyaltyEntry.order_id == order_id, LoyaltyEntry.kind == kind)


def _write_once(order_id: int, kind: str, **values) -> LoyaltyEntry:
    """Write the order's entry of this kind, or return the one already there (a retry, or a
    race the unique index lost): in a savepoint, so the caller's transaction goes on."""
    found = _entry_of(order_id, kind)
    if found is not None:
        return found
    try:
        with db.atomic():
            return LoyaltyEntry.create(order_id=order_id, kind=kind, **values)
    except IntegrityError:
        found = _entry_of(order_id, kind)
        if found is None:
            raise
        return found


def on_delivered(order, actor: User | None = None) -> LoyaltyEntry | None:
    """An order is delivered: its client earns points at the rate in force now (nothing
    without a programme or below one point). Call inside the status change's transaction;
    calling it again for the same order changes nothing."""
    if order.relationship_id is None:
        return None
    relationship = Relationship.get_or_none(Relationship.id == order.relationship_id)
    if relationship is None:
        return None
    currency = Party.select(Party.currency).where(Party.id == relationship.supplier_id).scalar()
    if order.currency != currency:  # a rate is in the supplier's currency
        return None
    rate = rate_of(relationship, currency)
    points = points_for(order.net_minor, rate.amount_minor if rate else None)
    if points <= 0:
        return None
    return _write_once(
        order.id,
        "earned",
        relationship=relationship.id,
        points=points,
        amount_minor=order.net_minor,
        rate_minor=rate.amount_minor,
        actor=actor,
    )


def on_cancelled(order, actor: User | None = None) -> LoyaltyEntry | None:
    """An order is cancelled (or rejected): the points it earned, if any, are taken off. An
    order cancelled before delivery earned nothing, so nothing changes. Call inside the status
    change's transaction; calling it again changes nothing."""
    earned = _entry_of(order.id, "earned")
    if earned is None:
        return None
    return _write_once(
        order.id,
        "reversed",
        relationship=earned.relationship_id,
        points=-earned.points,
        amount_minor=earned.amount_minor,
        rate_minor=earned.rate_minor,
        actor=actor,
        reason=clean_text(getattr(order, "cancel_reason", "") or "", 500),
    )


# --- the supplier's verbs ----------------------------------------------------------------------

ENTER_AMOUNT = _l("Enter an amount such as 10.00, or leave it empty for no programme.")


def parse_amount_per_point(value, currency: str, field: str = "amount_per_point") -> int | None:
    """The amount per point as typed ("10", "10.00", "7,50") in minor units; None when empty
    (no programme). Refused: zero or less, more than 100,000, more decimals than the
    currency has, anything that is not an amount."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        amount = value
    else:
        text = clean_text(str(value), 41)
        if not text:
            return None
        if len(text) > 40:
            raise DomainError(ENTER_AMOUNT, field)
        if re.fullmatch(r"-\s*[0-9][0-9., ]*", text):
            raise DomainError(_l("The amount per point must be above zero."), field)
        if not re.fullmatch(r"[0-9][0-9., ]*", text):
            raise DomainError(ENTER_AMOUNT, field)
        try:
            amount = imports.amount(text)
        except DomainError:
            raise DomainError(ENTER_AMOUNT, field) from None
        if amount is None:
            return None
    if not amount.is_finite():
        raise DomainError(ENTER_AMOUNT, field)
    if amount <= 0:
        raise DomainError(_l("The amount per point must be above zero."), field)
    if amount > MAX_AMOUNT_PER_POINT:
        raise DomainError(
            _l("Use at most %(amount)s per point."),
            field,
            amount=f"{MAX_AMOUNT_PER_POINT} {currency}",
        )
    return check_amount(amount, currency, field)


def _require(actor: User, supplier: Party, role: str) -> None:
    from .relationship_verbs import _require as require  # after relationships

    require(actor, supplier, role)


@retrying
def set_rate(actor: User, supplier: Party, target, amount, version=None) -> LoyaltyRate:
    """The supplier sets (or, empty, clears) the amount per point of one of its clients
    (supervisors and admins) or customer groups (admins); audited. `version` is the rate's
    version the form showed (0: none yet); a stale one is refused."""
    if isinstance(target, Relationship):
        field_key, role, lock = "client.loyalty_rate", "supervisor", target
        owner = target.supplier_id
    elif isinstance(target, CustomerGroup):
        field_key, role, lock = "group.loyalty_rate", "admin", supplier
        owner = target.supplier_id
    else:
        raise TypeError(target)
    if owner != supplier.id:
        raise NotFound(_l("This client does not exist."))
    currency = supplier.currency
    minor = parse_amount_per_point(amount, currency)
    with transaction(lock=lock):
        _require(actor, supplier, role)
        row = own_rate(target)
        if version is not None:
            try:
                sent = int(version)
            except (TypeError, ValueError):
                sent = -1
            if sent != (row.version if row else 0):
                raise StaleForm(STALE)
        before = row.amount_minor if row else None
        if row is None:
            if minor is None:
                return LoyaltyRate(supplier=supplier, amount_minor=None, version=0)
            link = {"relationship": target} if field_key.startswith("client") else {"group": target}
            row = LoyaltyRate.create(supplier=supplier, amount_minor=minor, **link)
        elif before != minor:
            row.amount_minor = minor
            row.version += 1
            row.updated_at = utcnow()
            row.save()
        changes = audit.diff(
            {field_key: audit.money(before, currency)}, {field_key: audit.money(minor, currency)}
        )
        if changes:
            if isinstance(target, Relationship):
                audit.record(
                    actor,
                    supplier,
                    "client",
                    "update",
                    Party.get_by_id(target.customer_id).display_name,
                    changes,
                    record_id=target.id,
                )
            else:
                audit.record(actor, supplier, "customer_group", "update", target.name, changes)
    return row


def _points(value, field: str = "points") -> int:
    text = clean_text(str(value if value is not None else ""), 20).replace(" ", "")
    if not re.fullmatch(r"[+-]?[0-9]{1,9}", text):
        raise DomainError(_l("Enter a whole number of points, such as 50 or -20."), field)
    points = int(text)
    if points == 0:
        raise DomainError(_l("Enter a number of points other than zero."), field)
    if abs(points) > MAX_ADJUSTMENT:
        raise DomainError(
            _l("Adjust by at most %(num)s points at once."), field, num=MAX_ADJUSTMENT
        )
    return points


@retrying
def adjust(
    actor: User, supplier: Party, relationship: Relationship, points, reason
) -> LoyaltyEntry:
    """The supplier adds points to a client's balance or takes some off, with a reason
    (supervisors and admins); audited. The balance cannot go below zero."""
    if relationship.supplier_id != supplier.id:
        raise NotFound(_l("This client does not exist."))
    amount = _points(points)
    reason = clean_text(reason, 501)
    if not reason:
        raise DomainError(_l("Say why the points are adjusted."), "reason")
    if len(reason) > 500:
        raise DomainError(_l("Use at most 500 characters."), "reason")
    with transaction(lock=relationship):
        _require(actor, supplier, "supervisor")
        before = balance(relationship.id)
        if before + amount < 0:
            raise DomainError(
                _l("The client has %(num)s points: it cannot lose more than that."),
                "points",
                num=before,
            )
        entry = LoyaltyEntry.create(
            relationship=relationship,
            kind="adjustment",
            points=amount,
            actor=actor,
            reason=reason,
        )
        audit.record(
            actor,
            supplier,
            "client",
            "update",
            Party.get_by_id(relationship.customer_id).display_name,
            audit.diff(
                {"client.loyalty_points": before}, {"client.loyalty_points": before + amount}
            ),
            record_id=relationship.id,
        )
    return entry
