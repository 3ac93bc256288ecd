"""Test databases on the engine DATABASE_URL names: SQLite (the default) or PostgreSQL.

A template is made once per test session (migrations, maybe the demo) and each test gets its
own copy: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. On PostgreSQL
DATABASE_URL names the server (any database on it that the user may connect to); the suite
creates and drops its own databases there.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))
ENGINE = "postgresql" if ON_POSTGRES else "sqlite"


def _url_of(name: str) -> str:
    parts = urlsplit(SERVER_URL)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(SERVER_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


class Template:
    """A database filled once, copied for each test."""

    def __init__(self, name: str, folder: Path, fill):
        from models.base import open_database

        self.name = name
        if ON_POSTGRES:
            self.db_name = f"tpl_{name}_{os.getpid()}"
            _admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            _admin(f'CREATE DATABASE "{self.db_name}"')
            database = open_database(_url_of(self.db_name))
        else:
            self.path = folder / f"{name}.sqlite3"
            database = open_database(f"sqlite:///{self.path}")
        database.connect()
        fill(database)
        if not ON_POSTGRES:
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        database.close_all()  # pooled: really close, so the template has no sessions left

    def copy(self, folder: Path) -> str:
        """A DATABASE_URL of a fresh copy of the template."""
        if ON_POSTGRES:
            name = f"test_{self.name}_{uuid.uuid4().hex[:12]}"
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.db_name}" STRATEGY FILE_COPY')
            return _url_of(name)
        path = folder / f"{self.name}-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copy(self.path, path)
        return f"sqlite:///{path}"

    def drop(self) -> None:
        if ON_POSTGRES:
            _admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def drop_copy(url: str) -> None:
    """Remove a test's database (PostgreSQL; SQLite files go with the temp folder)."""
    if ON_POSTGRES:
        name = urlsplit(url).path.lstrip("/")
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
