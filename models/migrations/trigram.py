"""Trigram indexes for searches that look for a text anywhere in a value (migrations 0012 and
0013 make them; models/search_index.py reads them). Not a migration itself: the runner takes
only the files whose name starts with a number.

SQLite: an FTS5 table with the trigram tokenizer over the columns (external content: it holds
the index only), kept by triggers, so every write path (verbs, imports, bulk inserts) keeps it.
PostgreSQL: a GIN index with pg_trgm's operator class per column (or expression), which
LIKE '%…%' uses by itself; pg_trgm is a trusted extension (PostgreSQL 13+: a database owner may
create it). Where neither is possible (an SQLite without FTS5, a role that may not create the
extension) nothing is made and the searches scan as before: slower, never wrong."""

from peewee import DatabaseError


def sqlite_index(db, table: str, columns: tuple[str, ...]) -> None:
    """`<table>_search` over `columns`, with its triggers, filled from the table. The names
    come from the migrations (no user input), hence the noqa: S608 below."""
    index = f"{table}_search"
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    try:
        with db.atomic():
            db.execute_sql(
                f"CREATE VIRTUAL TABLE {index} USING fts5({names}, tokenize='trigram', "
                f"content='{table}', content_rowid='id')"
            )
    except DatabaseError:  # no FTS5 or no trigram tokenizer in this SQLite (before 3.34)
        return
    delete = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608
    insert = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
    db.execute_sql(f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {insert} END")
    db.execute_sql(f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {delete} END")
    db.execute_sql(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {names} ON {table} "
        f"BEGIN {delete} {insert} END"
    )
    db.execute_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")  # noqa: S608


def postgres_extension(db) -> bool:
    """Whether pg_trgm is there (created now if this role may)."""
    try:
        with db.atomic():  # a savepoint: a refused CREATE EXTENSION must not end the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return False
    return True


def postgres_index(db, name: str, table: str, expression: str) -> None:
    db.execute_sql(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression} gin_trgm_ops)"
    )


def sqlite_optimize(db, table: str) -> None:
    """Merge `<table>_search`'s segments into one after a migration rewrote many rows (the
    triggers add each as it comes; a search then reads every small segment). Nothing where
    there is no such table (PostgreSQL, or an SQLite without FTS5)."""
    index = f"{table}_search"
    found = (
        db.execute_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (index,)
        ).fetchone()
        if db.param == "?"
        else None
    )
    if found:
        db.execute_sql(f"INSERT INTO {index}({index}) VALUES ('optimize')")  # noqa: S608
