"""Store credit and gift cards (F36): a balance per client relationship, kept as a ledger of
entries (never a bare number).

The supplier credits or debits the balance with a reason (audited) and issues gift cards; the
customer redeems a card's code to top up its balance, once, race-free and rate limited
against guessing. An order can draw from the balance (a negative `order` entry, written inside
the transaction that places the order) and gets back what it drew when it is cancelled or
rejected (a positive `order_return` entry). The balance is the sum of the entries, in integer
minor units of the supplier's currency, so it is exact on both databases.

A gift card's code is shown to the supplier once, right after issuing; only its sha256 (of the
normalised code) and its last four characters are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

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

from . import audit
from .base import (
    BaseModel,
    DomainError,
    retrying,
    transaction,
    unique_message,
    utcnow,
)
from .identifiers import clean_text
from .ledger import _amount
from .parties import Party, User
from .relationships import Relationship
from .throttle import Limit, count, exceeded

# no 0/O, 1/I/L: a code read aloud or typed from paper is not misread
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 31**16: about 79 bits

ENTRY_KINDS = ("credit", "debit", "gift_card", "order", "order_return")
ENTRY_LABELS = {
    "credit": _l("Credit"),
    "debit": _l("Debit"),
    "gift_card": _l("Gift card redeemed"),
    "order": _l("Paid with store credit"),
    "order_return": _l("Order cancelled, rejected or not approved: store credit returned"),
}

# Guessing codes: failed redemptions per user and per customer party
REDEEM_USER = Limit("giftcard-user", 10, dt.timedelta(minutes=15))
REDEEM_PARTY = Limit("giftcard-party", 30, dt.timedelta(hours=1))

NOT_VALID = _l("This code is not valid. Check it and try again.")


class GiftCard(BaseModel):
    """A gift card a supplier issued: its value, expiry and (once used) who redeemed it."""

    supplier = ForeignKeyField(Party, backref="+", on_delete="CASCADE")
    value_minor = IntegerField()
    currency = CharField(max_length=3)
    expires_on = DateField(null=True)
    code_hash = CharField(max_length=64)
    code_last4 = CharField(max_length=4)
    issue_key = CharField(max_length=64, null=True)
    note = CharField(max_length=200, default="")
    issued_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    issued_at = DateTimeField(default=utcnow)
    redeemed_by = ForeignKeyField(Relationship, null=True, on_delete="SET NULL", backref="+")
    redeemed_at = DateTimeField(null=True)
    redeemed_by_user = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")

    class Meta:
        table_name = "gift_card"

    @property
    def masked(self) -> str:
        """How the card is named once issued: only its last four characters."""
        return f"•••• {self.code_last4}"

    def status_on(self, today: dt.date) -> str:
        if self.redeemed_at is not None:
            return "redeemed"
        if self.expires_on is not None and self.expires_on < today:
            return "expired"
        return "issued"


CARD_STATUS_LABELS = {
    "issued": _l("Not redeemed yet"),
    "redeemed": _l("Redeemed"),
    "expired": _l("Expired"),
}


class CreditEntry(BaseModel):
    """One entry of a client's store-credit ledger: + adds to the balance, - takes off."""

    relationship = ForeignKeyField(Relationship, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=16)
    amount_minor = IntegerField()
    order_id = IntegerField(null=True)  # the order that drew or got back (sales_order)
    gift_card = ForeignKeyField(GiftCard, null=True, on_delete="SET NULL", backref="+")
    reason = TextField(default="")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    entry_date = DateField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "credit_entry"

    @property
    def kind_label(self):
        return ENTRY_LABELS.get(self.kind, self.kind)

    @property
    def order_number(self) -> str | None:
        """The order's number as both sides read it (models/orders.py: Order.number)."""
        return None if self.order_id is None else f"{self.order_id:06d}"


audit.register_fields(
    {
        "store_credit": _l("Store credit"),
        "store_credit.reason": _l("Reason"),
        "gift_card": _l("Gift card"),
    }
)
audit.AREA_LABELS["gift_card"] = _l("Gift cards")
audit.ACTION_LABELS.update(
    {
        "credit": _l("store credit added"),
        "debit": _l("store credit debited"),
        "issue": _l("issued"),
        "redeem": _l("gift card redeemed"),
    }
)
unique_message(
    "giftcard_supplier_id_issue_key",
    "gift_card",
    ("supplier_id", "issue_key"),
    "value",
    _l("This gift card was issued already; its code was shown once. Issue a new one."),
)


# --- reading -------------------------------------------------------------------------------


def balance_minor(relationship_id: int) -> int:
    """The store-credit balance: the sum of the ledger (integers: exact on both databases)."""
    total = (
        CreditEntry.select(fn.COALESCE(fn.SUM(CreditEntry.amount_minor), 0))
        .where(CreditEntry.relationship == relationship_id)
        .scalar()
    )
    return int(total or 0)


def usable_balance(relationship_id: int) -> int:
    """What an order may draw from the balance now (never below zero)."""
    return max(0, balance_minor(relationship_id))


def shown_balance(relationship_id: int) -> int | None:
    """The balance for an overview, or None while the client has no entries at all."""
    entries, total = (
        CreditEntry.select(
            fn.COUNT(CreditEntry.id), fn.COALESCE(fn.SUM(CreditEntry.amount_minor), 0)
        )
        .where(CreditEntry.relationship == relationship_id)
        .tuples()
        .get()
    )
    return int(total or 0) if entries else None


def entries_of(relationship_id: int, limit: int = 50) -> list[CreditEntry]:
    """The client's store-credit ledger, newest first, with who wrote each entry and the card
    behind a redemption."""
    return list(
        CreditEntry.select(CreditEntry, User, GiftCard)
        .join(User, JOIN.LEFT_OUTER, on=(CreditEntry.actor == User.id))
        .switch(CreditEntry)
        .join(GiftCard, JOIN.LEFT_OUTER, on=(CreditEntry.gift_card == GiftCard.id))
        .where(CreditEntry.relationship == relationship_id)
        .order_by(CreditEntry.entry_date.desc(), CreditEntry.id.desc())
        .limit(limit)
    )


def cards_of(supplier: Party, limit: int = 200) -> list[GiftCard]:
    """The gift cards a supplier issued, newest first, with the client that redeemed each."""
    customer = Party.alias()
    return list(
        GiftCard.select(GiftCard, Relationship, customer)
        .join(Relationship, JOIN.LEFT_OUTER, on=(GiftCard.redeemed_by == Relationship.id))
        .join(customer, JOIN.LEFT_OUTER, on=(Relationship.customer == customer.id))
        .where(GiftCard.supplier == supplier)
        .order_by(GiftCard.issued_at.desc(), GiftCard.id.desc())
        .limit(limit)
    )


# --- the supplier's credits and debits -----------------------------------------------------


def _currency_of(relationship: Relationship) -> str:
    """The balance is kept in the supplier's currency, like every term of the relationship."""
    return relationship.supplier.currency


class _Amount:
    """An amount inside a message, written in the reader's locale when it is shown."""

    def __init__(self, minor: int, currency: str):
        self.minor, self.currency = minor, currency

    def __str__(self) -> str:
        from flask import has_request_context
        from flask_babel import format_currency

        from .base import from_minor

        amount = from_minor(self.minor, self.currency)
        if has_request_context():
            return format_currency(amount, self.currency)
        return f"{self.currency} {amount}"


def _reason(value) -> str:
    reason = clean_text(value, 501)
    if not reason:
        raise DomainError(_l("Say why, so that the client knows."), "reason")
    if len(reason) > 500:
        raise DomainError(_l("Use at most 500 characters."), "reason")
    return reason


@retrying
def record_credit(
    actor: User, relationship: Relationship, kind: str, amount, reason
) -> CreditEntry:
    """The supplier adds store credit or takes it off, with a reason (audited); a debit cannot
    take the balance below zero."""
    if kind not in ("credit", "debit"):
        raise DomainError(_l("Choose a credit or a debit."), "kind")
    if relationship.status != "connected":
        raise DomainError(_l("Store credit is kept for connected clients only."), "kind")
    currency = _currency_of(relationship)
    minor = _amount(amount, currency, "amount", allow_negative=False)
    reason = _reason(reason)
    with transaction(lock=relationship):
        before = balance_minor(relationship.id)  # read after the lock
        if kind == "debit" and minor > before:
            raise DomainError(
                _l("A debit cannot take the balance below zero: the balance is %(balance)s."),
                "amount",
                balance=_Amount(before, currency),
            )
        entry = CreditEntry.create(
            relationship=relationship,
            kind=kind,
            amount_minor=minor if kind == "credit" else -minor,
            reason=reason,
            actor=actor,
            entry_date=utcnow().date(),
        )
        audit.record(
            actor,
            relationship.supplier,
            "client",
            kind,
            relationship.customer.display_name,
            audit.diff(
                {"store_credit": audit.money(before, currency), "store_credit.reason": ""},
                {
                    "store_credit": audit.money(before + entry.amount_minor, currency),
                    "store_credit.reason": reason,
                },
            ),
            record_id=relationship.id,
        )
    return entry


# --- gift cards ----------------------------------------------------------------------------


def new_code() -> str:
    """A fresh code: CODE_LENGTH characters of the unambiguous alphabet, from `secrets`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text) -> str:
    """A code as typed ("abcd efgh-…") as it is hashed: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-‐-―]+", "", str(text or "")).upper()


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def grouped(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX, as the code is shown and printed."""
    plain = normalise_code(code)
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def _expiry(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(clean_text(value, 10))
        except ValueError:
            raise DomainError(
                _l("Enter a date, or leave it empty for no expiry."), "expires_on"
            ) from None
    if day < dt.date.today():
        raise DomainError(_l("The expiry date cannot be in the past."), "expires_on")
    return day


@retrying
def issue_gift_card(
    actor: User, supplier: Party, value, expires_on=None, note="", issue_key=None, code=None
) -> tuple[GiftCard, str]:
    """The supplier issues a gift card in its currency; returns the card and its code, which
    is shown once and never stored (`code` is for the demo's known card only)."""
    currency = supplier.currency
    minor = _amount(value, currency, "value", allow_negative=False)
    expiry = _expiry(expires_on)
    note = clean_text(note, 201)
    if len(note) > 200:
        raise DomainError(_l("Use at most 200 characters."), "note")
    key = clean_text(issue_key, 64) or None
    plain = normalise_code(code) if code else new_code()
    with transaction(lock=supplier):
        card = GiftCard.create(
            supplier=supplier,
            value_minor=minor,
            currency=currency,
            expires_on=expiry,
            code_hash=code_hash(plain),
            code_last4=plain[-4:],
            issue_key=key,
            note=note,
            issued_by=actor,
        )
        audit.record(
            actor,
            supplier,
            "gift_card",
            "issue",
            card.masked,
            audit.diff({}, {"gift_card": audit.money(minor, currency)}),
            record_id=card.id,
        )
    return card, grouped(plain)


def _throttled() -> bool:
    """The limits apply unless the app's THROTTLE_ENABLED setting turns them off."""
    from flask import current_app, has_app_context

    return not has_app_context() or current_app.config.get("THROTTLE_ENABLED", True)


def _too_many(limit: Limit):
    from .guard import TooManyAttempts

    return TooManyAttempts(
        _l("Too many attempts. Try again in %(minutes)s minutes."), "code", minutes=limit.minutes
    )


def redeem_gift_card(actor: User, relationship: Relationship, code) -> CreditEntry:
    """The customer redeems a gift card's code: its value is added to the store-credit balance
    with this supplier. Once only, even when sent twice at the same moment; a wrong code is
    counted against guessing (per user and per customer party)."""
    if not normalise_code(code):
        raise DomainError(_l("Enter the code of the gift card."), "code")
    limits = ((REDEEM_USER, str(actor.id)), (REDEEM_PARTY, str(relationship.customer_id)))
    throttled = _throttled()
    if throttled:
        for limit, subject in limits:
            if exceeded(limit, subject):
                raise _too_many(limit)
    try:
        return _redeem(actor, relationship, code)
    except DomainError as refusal:
        if throttled and refusal.field == "code":
            count(*limits)
        raise


@retrying
def _redeem(actor: User, relationship: Relationship, code) -> CreditEntry:
    plain = normalise_code(code)
    if len(plain) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in plain):
        raise DomainError(NOT_VALID, "code")
    if relationship.status != "connected":
        raise DomainError(NOT_VALID, "code")
    with transaction(lock=relationship):
        card = GiftCard.get_or_none(GiftCard.code_hash == code_hash(plain))
        # another supplier's card reads as unknown: nobody learns that the code exists
        if card is None or card.supplier_id != relationship.supplier_id:
            raise DomainError(NOT_VALID, "code")
        if card.redeemed_at is not None:
            raise DomainError(_l("This gift card has been used already."), "code")
        if card.status_on(dt.date.today()) == "expired":
            raise DomainError(
                _l("This gift card expired on %(day)s."), "code", day=_Day(card.expires_on)
            )
        if card.currency != _currency_of(relationship):
            raise DomainError(NOT_VALID, "code")
        now = utcnow()
        # claimed only while nobody else has: of two at once, one updates the row, one does not
        claimed = (
            GiftCard.update(redeemed_at=now, redeemed_by=relationship, redeemed_by_user=actor)
            .where(GiftCard.id == card.id, GiftCard.redeemed_at.is_null())
            .execute()
        )
        if claimed != 1:
            raise DomainError(_l("This gift card has been used already."), "code")
        before = balance_minor(relationship.id)
        entry = CreditEntry.create(
            relationship=relationship,
            kind="gift_card",
            amount_minor=card.value_minor,
            gift_card=card,
            actor=actor,
            entry_date=now.date(),
        )
        changes = audit.diff(
            {"store_credit": audit.money(before, card.currency)},
            {"store_credit": audit.money(before + card.value_minor, card.currency)},
        )
        audit.record(
            actor,
            relationship.customer,
            "supplier",
            "redeem",
            relationship.supplier.display_name,
            changes,
            record_id=relationship.id,
        )
        audit.record(
            actor,
            relationship.supplier,
            "client",
            "redeem",
            relationship.customer.display_name,
            changes,
            record_id=relationship.id,
        )
    return entry


class _Day:
    """A date inside a message, in the reader's locale when shown."""

    def __init__(self, day: dt.date):
        self.day = day

    def __str__(self) -> str:
        from flask import has_request_context
        from flask_babel import format_date

        return format_date(self.day) if has_request_context() else self.day.isoformat()


# --- hooks for ordering (called inside models/orders.py's transactions) --------------------


def draw_for_order(
    relationship: Relationship, order_id: int, amount_minor: int, actor: User | None
) -> CreditEntry | None:
    """An order pays `amount_minor` with store credit: a negative `order` entry. Called inside
    place_order's transaction (which holds the relationship's lock), so the balance read here
    cannot change before the entry is written; refused when the balance is less."""
    amount_minor = int(amount_minor or 0)
    if amount_minor == 0:
        return None
    if amount_minor < 0:
        raise DomainError(_l("Enter an amount above zero."), "balance_used")
    currency = _currency_of(relationship)
    with transaction():  # a savepoint in the caller's transaction
        available = usable_balance(relationship.id)
        if amount_minor > available:
            raise DomainError(
                _l("Your store credit is %(balance)s: you cannot use more than that."),
                "balance_used",
                balance=_Amount(available, currency),
            )
        return CreditEntry.create(
            relationship=relationship,
            kind="order",
            amount_minor=-amount_minor,
            order_id=order_id,
            actor=actor,
            entry_date=utcnow().date(),
        )


def drawn_by_order(order_id: int) -> int:
    """What an order drew from the balance and has not got back yet (>= 0)."""
    net = (
        CreditEntry.select(fn.COALESCE(fn.SUM(CreditEntry.amount_minor), 0))
        .where(CreditEntry.order_id == order_id, CreditEntry.kind.in_(("order", "order_return")))
        .scalar()
    )
    return max(0, -int(net or 0))


def return_for_order(
    relationship: Relationship, order_id: int, actor: User | None
) -> CreditEntry | None:
    """A cancelled or rejected order gives back what it drew (a positive `order_return`
    entry); nothing when it drew nothing or got it back already. Called inside
    change_status's transaction."""
    with transaction():
        drawn = drawn_by_order(order_id)
        if not drawn:
            return None
        return CreditEntry.create(
            relationship=relationship,
            kind="order_return",
            amount_minor=drawn,
            order_id=order_id,
            actor=actor,
            entry_date=utcnow().date(),
        )
