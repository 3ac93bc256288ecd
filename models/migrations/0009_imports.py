"""Imports (issue 8, F23; the catalog's product import will use it too): an uploaded file is
kept between its preview and the confirmation, so that any app server can finish it."""

import datetime

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Party(Model):
        class Meta:
            database = db
            table_name = "party"

    class User(Model):
        class Meta:
            database = db
            table_name = "user_account"

    class ImportBatch(Model):
        party = ForeignKeyField(Party, on_delete="CASCADE")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        kind = CharField(max_length=32)
        filename = CharField(max_length=200)
        content = TextField()  # the file as text (UTF-8, without its BOM)
        digest = CharField(max_length=64)  # SHA-256 of the file as uploaded
        rows = IntegerField(default=0)
        status = CharField(max_length=16, default="preview")  # preview | done
        result = TextField(default="{}")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        done_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "import_batch"
            indexes = ((("party", "created_at"), False),)

    db.create_tables([ImportBatch])
