"""Parties, users, memberships and sign-in sessions."""

import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class Party(Model):
        legal_name = CharField(max_length=200)
        display_name = CharField(max_length=200)
        customer_type = CharField(max_length=16, default="business")
        vat_number = CharField(max_length=32, default="")
        country = CharField(max_length=2)
        language = CharField(max_length=8, default="en")
        currency = CharField(max_length=3, default="EUR")
        email = CharField(max_length=254, default="")
        phone = CharField(max_length=40, default="")
        notes = TextField(default="")
        active = BooleanField(default=True)
        version = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "party"

    class User(Model):
        email = CharField(max_length=254, unique=True)
        name = CharField(max_length=120)
        password_hash = CharField(max_length=255)
        language = CharField(max_length=8, null=True)
        last_party = ForeignKeyField(Party, null=True, on_delete="SET NULL")
        active = BooleanField(default=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "user_account"

    class Membership(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        party = ForeignKeyField(Party, on_delete="CASCADE")
        role = CharField(max_length=16, default="employee")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "membership"
            indexes = ((("user", "party"), True),)

    class UserSession(Model):
        token_hash = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, on_delete="CASCADE")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "user_session"

    db.create_tables([Party, User, Membership, UserSession])
