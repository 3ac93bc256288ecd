"""At most one default address of each kind per party (F8), enforced by the database:
a partial unique index on address(party_id, kind) where is_default."""

from peewee import SQL


def up(migrator, db):
    # Should a database hold two defaults of a kind already, the oldest one stays the default.
    db.execute_sql(
        "UPDATE address SET is_default = false WHERE is_default AND id NOT IN "
        "(SELECT MIN(id) FROM address WHERE is_default GROUP BY party_id, kind)"
    )
    migrator.migrate(
        migrator.add_index(
            "address",
            ("party_id", "kind"),
            unique=True,
            where=SQL("is_default"),
            name="address_one_default",
        )
    )
