"""A trigram index for the search that looks for a text anywhere in a value (the client list's
search_text), so that a search does not read every row. The products' search (issue 9) is to
take the same mechanism, by a migration of its own.

SQLite: an FTS5 table with the trigram tokenizer over each column (external content: it holds
the index only), kept by triggers, so every write path (verbs, imports, bulk inserts) keeps it.
PostgreSQL: a GIN index with pg_trgm's operator class, which LIKE '%…%' uses by itself; pg_trgm
is a trusted extension (PostgreSQL 13+: a database owner may create it). Where neither is
possible (an SQLite without FTS5, a role that may not create the extension) nothing is made and
the searches scan as before: slower, never wrong (models/search_index.py checks what exists)."""

from peewee import DatabaseError, SqliteDatabase

INDEXED = (("relationship", "search_text"),)


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        for table, column in INDEXED:
            _sqlite_index(db, table, column)
    else:
        _postgres_index(db)


def _sqlite_index(db, table: str, column: str) -> None:
    # the names come from INDEXED above (no user input), hence the noqa: S608 below
    index = f"{table}_search"
    try:
        with db.atomic():
            db.execute_sql(
                f"CREATE VIRTUAL TABLE {index} USING fts5({column}, tokenize='trigram', "
                f"content='{table}', content_rowid='id')"
            )
    except DatabaseError:  # no FTS5 or no trigram tokenizer in this SQLite (before 3.34)
        return
    db.execute_sql(
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {index}(rowid, {column}) VALUES (new.id, new.{column}); END"
    )
    db.execute_sql(
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {index}({index}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        "END"
    )
    db.execute_sql(
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {column} ON {table} BEGIN "  # noqa: S608
        f"INSERT INTO {index}({index}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {index}(rowid, {column}) VALUES (new.id, new.{column}); END"
    )
    db.execute_sql(f"INSERT INTO {index}({index}) VALUES ('rebuild')")  # noqa: S608


def _postgres_index(db) -> None:
    try:
        with db.atomic():  # a savepoint: a refused CREATE EXTENSION must not end the migration
            db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    for table, column in INDEXED:
        db.execute_sql(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trigram ON {table} "
            f"USING gin ({column} gin_trgm_ops)"
        )
