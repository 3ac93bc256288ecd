"""Ordering (issue 10, F30-F32, F37, F39): a cart per client relationship, orders with their
lines and status history, and the on-account ledger a credit limit is checked against."""

import datetime

from peewee import (
    BooleanField,
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
    Product = table("product")
    Address = table("address")
    Point = table("delivery_point")
    now = datetime.datetime.utcnow

    class CartLine(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")  # each buyer has their own cart
        product = ForeignKeyField(Product, on_delete="CASCADE")
        quantity = IntegerField()
        seen_unit_minor = IntegerField(null=True)  # the unit price the buyer read when adding
        added_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "cart_line"
            indexes = ((("relationship", "user", "product"), True),)

    class SalesOrder(Model):
        # a removed relationship leaves its past orders to both parties
        relationship = ForeignKeyField(Relationship, null=True, on_delete="SET NULL")
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        customer = ForeignKeyField(Party, on_delete="CASCADE")
        status = CharField(max_length=16)
        placed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        placed_at = DateTimeField(default=now)
        currency = CharField(max_length=3)
        gross = BooleanField(default=False)
        payment_method = CharField(max_length=16)
        tax_regime = CharField(max_length=16, default="domestic")
        delivery_address = ForeignKeyField(Address, null=True, on_delete="SET NULL")
        delivery_address_text = TextField(default="")
        delivery_point = ForeignKeyField(Point, null=True, on_delete="SET NULL")
        delivery_point_text = TextField(default="")
        invoice_address_text = TextField(default="")
        delivery_date = DateField(null=True)
        frame_start = CharField(max_length=5, null=True)
        frame_end = CharField(max_length=5, null=True)
        po_reference = CharField(max_length=60, default="")
        comment = TextField(default="")
        subtotal_minor = IntegerField()
        discount_minor = IntegerField(default=0)
        discount_bp = IntegerField(default=0)
        delivery_minor = IntegerField(default=0)
        net_minor = IntegerField()
        vat_minor = IntegerField()
        total_minor = IntegerField()
        line_count = IntegerField(default=0)
        search_text = CharField(max_length=200, default="")
        idempotency_key = CharField(max_length=64)
        cancel_reason = TextField(default="")
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "sales_order"
            indexes = (
                (("customer", "idempotency_key"), True),
                (("customer", "placed_at"), False),
                (("supplier", "placed_at"), False),
                (("relationship", "placed_at"), False),
                (("supplier", "status", "placed_at"), False),
                (("supplier", "search_text"), False),
                (("customer", "search_text"), False),
            )

    class OrderLine(Model):
        order = ForeignKeyField(SalesOrder, on_delete="CASCADE")
        product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
        position = IntegerField()
        sku = CharField(max_length=40)
        name = CharField(max_length=200)  # in the buyer's language
        name_own = CharField(max_length=200, default="")  # in the supplier's
        own_code = CharField(max_length=60, default="")
        quantity = IntegerField()
        unit_minor = IntegerField()  # the net unit price, rounded
        unit_hundredths = IntegerField(default=0)  # the same in hundredths of a minor unit
        line_minor = IntegerField()  # net line, rounded half-up once
        vat_rate_bp = IntegerField()
        price_source = CharField(max_length=16, default="list_price")

        class Meta:
            database = db
            table_name = "order_line"
            indexes = ((("order", "position"), True),)

    class OrderEvent(Model):
        order = ForeignKeyField(SalesOrder, on_delete="CASCADE")
        status = CharField(max_length=16)
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        note = TextField(default="")
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "order_event"

    class AccountEntry(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        kind = CharField(max_length=16)  # order, payment, correction, cancellation
        amount_minor = IntegerField()  # + adds to what the client owes, - takes off
        order = ForeignKeyField(SalesOrder, null=True, on_delete="SET NULL")
        entry_date = DateField()
        reference = CharField(max_length=80, default="")
        reason = TextField(default="")
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=now)

        class Meta:
            database = db
            table_name = "account_entry"
            indexes = ((("relationship", "entry_date"), False),)

    db.create_tables([CartLine, SalesOrder, OrderLine, OrderEvent, AccountEntry])
