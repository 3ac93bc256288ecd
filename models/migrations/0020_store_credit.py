"""Store credit and gift cards (issue 11, F36): a ledger of store-credit entries per client
relationship (the balance is their sum), and the gift cards a supplier issues, kept by a hash
of their code (the code itself is shown once and never stored)."""

import datetime

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title().replace("_", ""), (Model,), {"Meta": Meta})

    Party = table("party")
    User = table("user_account")
    Relationship = table("relationship")
    now = datetime.datetime.utcnow

    class GiftCard(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        value_minor = IntegerField()
        currency = CharField(max_length=3)
        expires_on = DateField(null=True)  # None: never expires
        code_hash = CharField(max_length=64)  # sha256 of the normalised code
        code_last4 = CharField(max_length=4)
        issue_key = CharField(max_length=64, null=True)  # one card per issue form sent
        note = CharField(max_length=200, default="")
        issued_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        issued_at = DateTimeField(default=now)
        redeemed_by = ForeignKeyField(Relationship, null=True, on_delete="SET NULL")
        redeemed_at = DateTimeField(null=True)
        redeemed_by_user = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "gift_card"
            indexes = (
                (("code_hash",), True),
                (("supplier", "issue_key"), True),
                (("supplier", "issued_at"), False),
            )

    class CreditEntry(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        kind = CharField(max_length=16)  # credit, debit, gift_card, order, order_return
        amount_minor = IntegerField()  # + adds to the balance, - takes off
        order_id = IntegerField(null=True)  # the order that drew or got back (sales_order)
        gift_card = ForeignKeyField(GiftCard, null=True, on_delete="SET NULL")
        reason = TextField(default="")
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        entry_date = DateField()
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "credit_entry"
            indexes = (
                (("relationship", "entry_date"), False),
                (("order_id",), False),
            )

    db.create_tables([GiftCard, CreditEntry])
