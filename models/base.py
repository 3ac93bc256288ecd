"""Database binding, the base model, transactions, domain errors and money helpers."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlparse

from babel.numbers import get_currency_precision
from peewee import DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,  # ms: writers wait for each other instead of failing
    "synchronous": "normal",
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def utcnow() -> dt.datetime:
    """The current moment in UTC, naive (stored as such in every database)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def open_database(url: str):
    """A peewee database for DATABASE_URL: sqlite:///path or postgresql://user:pw@host/name."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    if parsed.scheme in {"postgres", "postgresql"}:
        return PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port or 5432,
        )
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


def bind(url: str):
    """Point the model layer at the database named by url (once per app)."""
    database = open_database(url)
    db.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


@contextmanager
def transaction():
    """One write transaction: BEGIN IMMEDIATE on SQLite, so checks read after the write lock.

    Nested use joins the outer transaction (a savepoint), so a verb may call another verb.
    On PostgreSQL verbs that guard a limit lock their rows with SELECT ... FOR UPDATE.
    """
    if db.in_transaction():
        with db.atomic():
            yield
    elif is_sqlite():
        with db.atomic(lock_type="IMMEDIATE"):
            yield
    else:
        with db.atomic():
            yield


class DomainError(Exception):
    """A refusal of the business, with a translatable message and the figures involved.

    `message` is a lazy string with %(name)s placeholders; `params` fills them; `field` names
    the form field the message belongs to, when there is one.
    """

    def __init__(self, message, field: str | None = None, **params):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class NotFound(DomainError):
    """The record does not exist in the acting party's scope (views answer 404)."""


# --- Money: integer minor units in the database, Decimal in Python, never float ------------


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Decimal amount -> integer minor units of the currency (cents for EUR, yen for JPY)."""
    if isinstance(amount, float):
        raise TypeError("money is never a float")
    digits = get_currency_precision(currency)
    quantum = Decimal(1).scaleb(-digits)
    value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(value.scaleb(digits))


def from_minor(minor: int | None, currency: str) -> Decimal | None:
    """Integer minor units -> Decimal amount with the currency's number of decimals."""
    if minor is None:
        return None
    digits = get_currency_precision(currency)
    return Decimal(int(minor)).scaleb(-digits)
