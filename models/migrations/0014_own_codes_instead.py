"""A user's preference (issue 9, F20): show the company's own product codes instead of the
supplier's SKU in catalogs, where the company has its own code for a product."""

from peewee import BooleanField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("user_account", "own_codes_instead", BooleanField(default=False))
    )
