"""Loyalty points (issue 11, F38): the rate a supplier sets for a client or a customer group
(an amount per point), and the ledger of points each client earned, had reversed or adjusted."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name

        return type(name.title().replace("_", ""), (Model,), {"Meta": Meta})

    Party = table("party")
    User = table("user_account")
    Relationship = table("relationship")
    CustomerGroup = table("customer_group")
    SalesOrder = table("sales_order")
    now = datetime.datetime.utcnow

    class LoyaltyRate(Model):
        # one row per client or per group that has a programme; a client's own row wins
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        relationship = ForeignKeyField(Relationship, null=True, on_delete="CASCADE")
        group = ForeignKeyField(CustomerGroup, null=True, on_delete="CASCADE")
        # minor units of the supplier's currency per point; None: no programme of its own
        amount_minor = IntegerField(null=True)
        version = IntegerField(default=1)
        updated_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "loyalty_rate"
            indexes = (
                (("relationship",), True),
                (("group",), True),
                (("supplier",), False),
            )

    class LoyaltyEntry(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        kind = CharField(max_length=16)  # earned, reversed, adjustment
        points = IntegerField()  # + earned, - reversed; an adjustment either way
        order = ForeignKeyField(SalesOrder, null=True, on_delete="SET NULL")
        amount_minor = IntegerField(null=True)  # the net amount the points were counted on
        rate_minor = IntegerField(null=True)  # the amount per point in force then
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        reason = TextField(default="")
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "loyalty_entry"
            indexes = (
                # an order earns once and is reversed once, whatever retries or races do
                (("order", "kind"), True),
                (("relationship", "created_at"), False),
            )

    db.create_tables([LoyaltyRate, LoyaltyEntry])
