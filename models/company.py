"""Company settings (F7-F11): profile, addresses with delivery points, bank account and
supplier defaults. Tables here; the verbs over them below the tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, utcnow
from .parties import Party

ADDRESS_KINDS = ("invoice", "delivery")
ADDRESS_KIND_LABELS = {"invoice": _l("Invoice address"), "delivery": _l("Delivery address")}


class Address(BaseModel):
    """An invoice or delivery address of a party; one default of each kind."""

    party = ForeignKeyField(Party, backref="addresses", on_delete="CASCADE")
    kind = CharField(max_length=16)
    label = CharField(max_length=120, default="")
    recipient = CharField(max_length=200, default="")
    street = CharField(max_length=200)
    street2 = CharField(max_length=200, default="")
    postal_code = CharField(max_length=20)
    city = CharField(max_length=120)
    region = CharField(max_length=120, default="")
    country = CharField(max_length=2)
    is_default = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)


class DeliveryPoint(BaseModel):
    """A building, dock or room inside a delivery address ("Building 3, goods entrance")."""

    address = ForeignKeyField(Address, backref="delivery_points", on_delete="CASCADE")
    name = CharField(max_length=120)
    instructions = TextField(default="")
    created_at = DateTimeField(default=utcnow)


class BankAccount(BaseModel):
    """Where a supplier receives payouts (F10)."""

    party = ForeignKeyField(Party, unique=True, backref="+", on_delete="CASCADE")
    holder = CharField(max_length=200, default="")
    iban = CharField(max_length=34)
    bic = CharField(max_length=11, default="")
    updated_at = DateTimeField(default=utcnow)
