"""Messages between a supplier and a client (issue 8, F21), the readers' markers, the user's
choice of email reminders; audit entries name the record they are about (a client's audit tab)."""

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
    class User(Model):
        class Meta:
            database = db
            table_name = "user_account"

    class Relationship(Model):
        class Meta:
            database = db
            table_name = "relationship"

    class Message(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        author = ForeignKeyField(User, null=True, on_delete="SET NULL")
        side = CharField(max_length=8)  # "supplier" | "customer": who wrote it
        body = TextField()
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        reminded = BooleanField(default=False)  # the other side was emailed about it

        class Meta:
            database = db
            table_name = "message"
            indexes = ((("relationship", "id"), False), (("reminded", "created_at"), False))

    class MessageRead(Model):
        relationship = ForeignKeyField(Relationship, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        side = CharField(max_length=8)
        last_read_id = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "message_read"
            indexes = ((("relationship", "user", "side"), True), (("user", "side"), False))

    db.create_tables([Message, MessageRead])
    migrator.migrate(
        migrator.add_column("audit_entry", "record_id", IntegerField(null=True)),
        migrator.add_column("user_account", "message_emails", BooleanField(default=True)),
    )
    db.execute_sql(
        "CREATE INDEX audit_entry_party_area_record ON audit_entry (party_id, area, record_id)"
    )
