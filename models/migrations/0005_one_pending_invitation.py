"""At most one pending invitation per email address and party (F4), enforced by the database:
a partial unique index on invitation(party_id, email) while not accepted and not revoked."""

from peewee import SQL


def up(migrator, db):
    # Should a database hold two pending invitations for one address, the newest one stays.
    db.execute_sql(
        "UPDATE invitation SET revoked_at = CURRENT_TIMESTAMP "
        "WHERE accepted_at IS NULL AND revoked_at IS NULL AND id NOT IN "
        "(SELECT MAX(id) FROM invitation WHERE accepted_at IS NULL AND revoked_at IS NULL "
        "GROUP BY party_id, email)"
    )
    migrator.migrate(
        migrator.add_index(
            "invitation",
            ("party_id", "email"),
            unique=True,
            where=SQL("accepted_at IS NULL AND revoked_at IS NULL"),
            name="invitation_one_pending",
        )
    )
