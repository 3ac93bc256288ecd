"""Hardening (issue 7): shared throttle counts, verified email addresses, session idle and
lifetime, versions on every editable record, one schedule name per party."""

import datetime

from peewee import CharField, DateTimeField, IntegerField, Model


def up(migrator, db):
    class ThrottleEvent(Model):
        key = CharField(max_length=200)
        at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            database = db
            table_name = "throttle_event"
            indexes = ((("key", "at"), False),)

    db.create_tables([ThrottleEvent])
    migrator.migrate(
        migrator.add_column("user_account", "email_verified_at", DateTimeField(null=True)),
        migrator.add_column("user_session", "last_seen_at", DateTimeField(null=True)),
        migrator.add_column("address", "version", IntegerField(default=1)),
        migrator.add_column("delivery_point", "version", IntegerField(default=1)),
        migrator.add_column("bank_account", "version", IntegerField(default=1)),
    )
    # Accounts made before sign-up was verified keep working; sessions count from their start.
    db.execute_sql("UPDATE user_account SET email_verified_at = created_at")
    db.execute_sql("UPDATE user_session SET last_seen_at = created_at")
    # Before the unique index: should a party hold two schedules of one name (a race of old),
    # the later ones get their id appended.
    db.execute_sql(
        "UPDATE delivery_schedule SET name = name || ' (' || CAST(id AS VARCHAR(20)) || ')' "
        "WHERE id NOT IN (SELECT MIN(id) FROM delivery_schedule GROUP BY party_id, LOWER(name))"
    )
    db.execute_sql(
        "CREATE UNIQUE INDEX delivery_schedule_one_name ON delivery_schedule (party_id, LOWER(name))"
    )
    # The audit page's filter of people reads (party, actor) pairs: an index answers it alone.
    db.execute_sql("CREATE INDEX audit_entry_party_actor ON audit_entry (party_id, actor_id)")
