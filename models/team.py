"""Team management (F4, F5): invitations by email, role changes and removal of members."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, utcnow
from .parties import Party, User


class Invitation(BaseModel):
    party = ForeignKeyField(Party, backref="invitations", on_delete="CASCADE")
    email = CharField(max_length=254)
    role = CharField(max_length=16)
    invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    nonce = CharField(max_length=32)  # rotated on resend: older links stop working
    language = CharField(max_length=8, default="en")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    send_error = TextField(default="")
    accepted_at = DateTimeField(null=True)
    accepted_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    revoked_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("party", "email"), False),)
