"""Company settings (addresses, delivery points, bank account, supplier defaults), delivery
schedules, invitations and the audit log."""

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

    class Address(Model):
        party = ForeignKeyField(Party, on_delete="CASCADE")
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
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "address"
            indexes = ((("party", "kind"), False),)

    class DeliveryPoint(Model):
        address = ForeignKeyField(Address, on_delete="CASCADE")
        name = CharField(max_length=120)
        instructions = TextField(default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "delivery_point"

    class BankAccount(Model):
        party = ForeignKeyField(Party, unique=True, on_delete="CASCADE")
        holder = CharField(max_length=200, default="")
        iban = CharField(max_length=34)
        bic = CharField(max_length=11, default="")
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "bank_account"

    class DeliverySchedule(Model):
        party = ForeignKeyField(Party, on_delete="CASCADE")
        name = CharField(max_length=120)
        working_days = IntegerField(default=31)  # bit 0 = Monday … bit 6 = Sunday
        cutoff_time = CharField(max_length=5, null=True)  # "HH:MM"
        lead_days = IntegerField(default=1)
        version = IntegerField(default=1)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "delivery_schedule"

    class TimeFrame(Model):
        schedule = ForeignKeyField(DeliverySchedule, on_delete="CASCADE")
        weekdays = IntegerField()  # bit mask as working_days
        start = CharField(max_length=5)  # "HH:MM"
        end = CharField(max_length=5)

        class Meta:
            database = db
            table_name = "time_frame"

    class ClosedDate(Model):
        schedule = ForeignKeyField(DeliverySchedule, on_delete="CASCADE")
        day = DateField()
        reason = CharField(max_length=120, default="")

        class Meta:
            database = db
            table_name = "closed_date"
            indexes = ((("schedule", "day"), True),)

    class Invitation(Model):
        party = ForeignKeyField(Party, on_delete="CASCADE")
        email = CharField(max_length=254)
        role = CharField(max_length=16)
        invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        nonce = CharField(max_length=32)
        language = CharField(max_length=8, default="en")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        sent_at = DateTimeField(null=True)
        send_error = TextField(default="")
        accepted_at = DateTimeField(null=True)
        accepted_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "invitation"
            indexes = ((("party", "email"), False),)

    class AuditEntry(Model):
        party = ForeignKeyField(Party, on_delete="CASCADE")
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        at = DateTimeField(default=datetime.datetime.utcnow)
        area = CharField(max_length=32)
        action = CharField(max_length=32)
        subject = CharField(max_length=200, default="")
        changes = TextField(default="[]")  # JSON list of {"field", "old", "new"}

        class Meta:
            database = db
            table_name = "audit_entry"
            indexes = ((("party", "at"), False),)

    db.create_tables(
        [
            Address,
            DeliveryPoint,
            BankAccount,
            DeliverySchedule,
            TimeFrame,
            ClosedDate,
            Invitation,
            AuditEntry,
        ]
    )
    migrator.migrate(
        migrator.add_column("party", "default_min_order_minor", IntegerField(null=True)),
        migrator.add_column("party", "default_credit_limit_minor", IntegerField(null=True)),
        migrator.add_column("party", "default_payment_terms_days", IntegerField(null=True)),
        migrator.add_column(
            "party",
            "default_schedule_id",
            ForeignKeyField(
                DeliverySchedule, null=True, on_delete="SET NULL", field=DeliverySchedule.id
            ),
        ),
    )
