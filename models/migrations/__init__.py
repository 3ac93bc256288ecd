"""Numbered, forward-only schema migrations (peewee's playhouse.migrations runner).

Each NNNN_name.py defines up(migrator, db) with frozen copies of the tables it creates, so a
later change to models/ never changes what an old migration did.
"""

from pathlib import Path

from playhouse.migrations import Runner

DIRECTORY = Path(__file__).resolve().parent


def runner(database) -> Runner:
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
