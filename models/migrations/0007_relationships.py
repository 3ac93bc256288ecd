"""Supplier–customer relationships (issue 8, F12–F17, F19, F20): the relationship with its
terms, the supplier's customer groups and categories, and the supplier's contact persons at a
client."""

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
    class Party(Model):
        class Meta:
            database = db
            table_name = "party"

    class User(Model):
        class Meta:
            database = db
            table_name = "user_account"

    class DeliverySchedule(Model):
        class Meta:
            database = db
            table_name = "delivery_schedule"

    class CustomerGroup(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        name = CharField(max_length=120)
        code = CharField(max_length=40)
        discount_bp = IntegerField(null=True)
        announcement = TextField(default="")
        version = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "customer_group"

    class CustomerCategory(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        name = CharField(max_length=120)
        code = CharField(max_length=40)
        version = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "customer_category"

    class Relationship(Model):
        supplier = ForeignKeyField(Party, on_delete="CASCADE")
        customer = ForeignKeyField(Party, on_delete="CASCADE")
        status = CharField(max_length=16, default="connected")
        requested_as = CharField(max_length=254, default="")
        requested_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        answered_at = DateTimeField(null=True)
        created_on_spot = BooleanField(default=False)
        active = BooleanField(default=True)
        client_code = CharField(max_length=40, null=True)
        min_order_minor = IntegerField(null=True)
        credit_limit_minor = IntegerField(null=True)
        schedule = ForeignKeyField(DeliverySchedule, null=True, on_delete="SET NULL")
        payment_method = CharField(max_length=16, null=True)
        payment_terms_days = IntegerField(null=True)
        discount_bp = IntegerField(null=True)
        group = ForeignKeyField(CustomerGroup, null=True, on_delete="SET NULL")
        category = ForeignKeyField(CustomerCategory, null=True, on_delete="SET NULL")
        delinquency = CharField(max_length=16, default="none")
        tags = TextField(default="")
        notes = TextField(default="")
        sepa_iban = CharField(max_length=34, null=True)
        sepa_mandate_ref = CharField(max_length=35, null=True)
        sepa_signed_on = DateField(null=True)
        version = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "relationship"
            indexes = ((("supplier", "customer"), True), (("customer", "status"), False))

    class ClientContact(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        name = CharField(max_length=200)
        role = CharField(max_length=120, default="")
        email = CharField(max_length=254, default="")
        phone = CharField(max_length=40, default="")
        version = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "client_contact"

    db.create_tables([CustomerGroup, CustomerCategory, Relationship, ClientContact])
    # codes are unique per supplier whatever their case; a client code only once it is given
    db.execute_sql(
        "CREATE UNIQUE INDEX customer_group_one_code ON customer_group (supplier_id, LOWER(code))"
    )
    db.execute_sql(
        "CREATE UNIQUE INDEX customer_category_one_code "
        "ON customer_category (supplier_id, LOWER(code))"
    )
    db.execute_sql(
        "CREATE UNIQUE INDEX relationship_one_client_code "
        "ON relationship (supplier_id, LOWER(client_code)) WHERE client_code IS NOT NULL"
    )
