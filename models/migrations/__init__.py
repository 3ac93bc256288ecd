"""Numbered, forward-only schema migrations (peewee's playhouse.migrations runner).

Each NNNN_name.py defines up(migrator, db) with frozen copies of the tables it creates, so a
later change to models/ never changes what an old migration did.
"""

from pathlib import Path

from peewee import DatabaseProxy
from playhouse.migrations import Runner

DIRECTORY = Path(__file__).resolve().parent


def runner(database) -> Runner:
    """The runner on `database` itself: given models.base.db (a proxy), the database behind it,
    so that a migration can tell SQLite from PostgreSQL by the database's class."""
    if isinstance(database, DatabaseProxy):
        database = database.obj
    return Runner(database, directory=str(DIRECTORY))


def upgrade(database, target: str | None = None) -> list[str]:
    """Apply every migration not yet applied (up to target); returns the names applied."""
    r = runner(database)
    before = set(r.applied())
    r.up(target=target)
    return [name for name in r.applied() if name not in before]


def pending(database) -> list[str]:
    r = runner(database)
    applied = r.applied()
    return [m.name for m in r.migrations() if m.name not in applied]
