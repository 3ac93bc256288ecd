"""A trigram index for the search that looks for a text anywhere in a value: the client list's
search_text (models/migrations/trigram.py says how, on each database)."""

from peewee import SqliteDatabase

from models.migrations.trigram import postgres_extension, postgres_index, sqlite_index


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        sqlite_index(db, "relationship", ("search_text",))
    elif postgres_extension(db):
        postgres_index(db, "relationship_search_trigram", "relationship", "search_text")
