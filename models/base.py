"""Database binding, the base model, transactions, domain errors and money helpers."""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import urlparse

from babel.numbers import get_currency_precision
from peewee import (
    DatabaseProxy,
    IntegrityError,
    Model,
    SqliteDatabase,
)
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,  # ms: writers wait for each other instead of failing
    "synchronous": "normal",
    # 16 MB of pages per connection (SQLite's default is 2 MB): a search that seeks its
    # matches across the client table otherwise reads them from the file again on every request
    # once the request's other queries have pushed them out (0.99 -> 0.59 ms for a search's count)
    "cache_size": -16000,
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def utcnow() -> dt.datetime:
    """The current moment in UTC, naive (stored as such in every database)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


POOL_SIZE = 32  # connections one app process keeps open (threads beyond it wait, up to 10 s)


def open_database(url: str):
    """A peewee database for DATABASE_URL: sqlite:///path or postgresql://user:pw@host/name.

    Connections are pooled: a request takes one at its start and gives it back at its end,
    instead of opening a new one (and, on SQLite, setting its pragmas) every time. Nothing of a
    request stays on the connection, so the app is still stateless between requests."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # busy_timeout (a pragma) makes writers wait for each other; `timeout` is the pool's.
        # A pooled connection serves one thread at a time, but not always the same one.
        return PooledSqliteDatabase(
            path,
            pragmas=SQLITE_PRAGMAS,
            max_connections=POOL_SIZE,
            stale_timeout=600,
            timeout=10,
            check_same_thread=False,
        )
    if parsed.scheme in {"postgres", "postgresql"}:
        return PooledPostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port or 5432,
            max_connections=POOL_SIZE,
            stale_timeout=600,
            timeout=10,
        )
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


def bind(url: str):
    """Point the model layer at the database named by url (once per app)."""
    database = open_database(url)
    db.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


# --- transactions: one mechanism, right on SQLite and on PostgreSQL ------------------------

# Unique indexes whose violation is the user's mistake, not a crash: index name ->
# (table, columns, form field, message). Each area registers its own with unique_message().
_UNIQUE_MESSAGES: dict[str, tuple] = {}

RETRIES = 4  # attempts of a verb that lost a deadlock or a serialisation conflict


def unique_message(
    index: str, table: str, columns: tuple[str, ...], field: str | None, message, error=None
):
    """Answer a violation of this unique index with `message` on `field` (a 4xx, not a 500),
    raised as `error` (a DomainError subclass; DomainError itself by default)."""
    _UNIQUE_MESSAGES[index] = (table, tuple(columns), field, message, error)


class Conflict(Exception):
    """A deadlock or serialisation failure: the transaction was rolled back and may be retried."""


def _original(error: BaseException) -> BaseException:
    """The driver's exception behind a peewee one (peewee passes it as the first argument)."""
    if error.args and isinstance(error.args[0], BaseException):
        return error.args[0]
    return error.__cause__ or error.__context__ or error


def _unique_violation(error: IntegrityError) -> DomainError | None:
    """The registered field message for a unique-index violation, or None."""
    original = _original(error)
    constraint = getattr(getattr(original, "diag", None), "constraint_name", None)
    text = str(original)
    named = re.search(r"UNIQUE constraint failed: index '([^']+)'", text)  # SQLite, expression
    if named:
        constraint = named.group(1)
    if constraint in _UNIQUE_MESSAGES:
        _table, _columns, field, message, kind = _UNIQUE_MESSAGES[constraint]
        return (kind or DomainError)(message, field)
    match = re.search(r"UNIQUE constraint failed: (.+)$", text)
    if match:  # SQLite names the table and columns, not the index
        pairs = [part.strip().split(".", 1) for part in match.group(1).split(",")]
        table = pairs[0][0]
        columns = tuple(column for _t, column in pairs if _t == table)
        for index_table, index_columns, field, message, kind in _UNIQUE_MESSAGES.values():
            if index_table == table and index_columns == columns:
                return (kind or DomainError)(message, field)
    return None


def _is_conflict(error: BaseException) -> bool:
    """A deadlock (40P01), serialisation failure (40001) or SQLite's busy lock."""
    original = _original(error)
    if getattr(original, "pgcode", None) in {"40P01", "40001"}:
        return True
    return is_sqlite() and "database is locked" in str(original)


def _lock_row(record) -> None:
    """PostgreSQL: SELECT ... FOR UPDATE the record's row, so check-then-write verbs on the
    same record run one after the other. (SQLite's BEGIN IMMEDIATE already serialises.)"""
    model = type(record)
    pk = model._meta.primary_key
    model.select(pk).where(pk == record._pk).for_update().execute()


@contextmanager
def transaction(lock=None):
    """One write transaction that serialises on `lock` (a Party, later a Relationship).

    SQLite: BEGIN IMMEDIATE, so every check reads after the database's write lock.
    PostgreSQL: SELECT ... FOR UPDATE of the lock's row right after BEGIN, so two requests
    that check-then-write the same party run one after the other.
    A violation of a registered unique index becomes its field's DomainError. Nested use joins
    the outer transaction (a savepoint) and takes the lock too. Retrying a verb that lost a
    deadlock is the job of @retrying (a context manager cannot run its body twice).
    """
    try:
        if db.in_transaction():
            with db.atomic():
                if lock is not None and not is_sqlite():
                    _lock_row(lock)
                yield
        elif is_sqlite():
            with db.atomic(lock_type="IMMEDIATE"):
                yield
        else:
            with db.atomic():
                if lock is not None:
                    _lock_row(lock)
                yield
    except IntegrityError as error:
        refusal = _unique_violation(error)
        if refusal is None:
            raise
        raise refusal from error


def retrying(verb):
    """Run a verb again (a bounded number of times) when its transaction lost a deadlock or a
    serialisation conflict; inside an outer transaction the outer verb retries instead."""

    @functools.wraps(verb)
    def run(*args, **kwargs):
        if db.in_transaction():
            return verb(*args, **kwargs)
        for attempt in range(1, RETRIES + 1):
            try:
                return verb(*args, **kwargs)
            except Exception as error:  # psycopg2 raises DeadlockDetected unwrapped
                if attempt == RETRIES or not _is_conflict(error):
                    raise
                time.sleep(random.uniform(0.005, 0.03) * attempt)  # noqa: S311 - jitter only
        raise AssertionError("unreachable")  # pragma: no cover

    return run


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


class StaleForm(DomainError):
    """The record changed since the form was loaded (someone else saved meanwhile); views
    answer 409 with the current values."""


def check_version(record, version, message) -> None:
    """Refuse (StaleForm) a save from a form loaded at another version of the record.
    `version` is what the form sent (a missing or garbled one is refused too); None, from
    callers without a form (the demo, the CLI), checks nothing."""
    if version is None:
        return
    try:
        sent = int(version)
    except (TypeError, ValueError):
        sent = None
    if sent != record.version:
        raise StaleForm(message)


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


# --- paging --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, which page it is and how many rows there are in all."""

    items: list
    number: int
    per_page: int
    total: int
    more: bool = False  # counted only up to `total`: there are more rows than that

    @property
    def pages(self) -> int:
        """How many pages (with `more`: the pages counted so far, and one more at least)."""
        return max(1, -(-self.total // self.per_page)) + (1 if self.more else 0)

    @property
    def first(self) -> int:
        """The position of the page's first row (1-based; 0 for an empty list)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @classmethod
    def of(cls, count, rows, page, per_page: int) -> Page:
        """The page `page` (a page past the end gives the last page, anything not a page
        number the first) from `count()` (the total) and `rows(limit, offset)`."""
        try:
            number = max(1, int(page))
        except (TypeError, ValueError):
            number = 1
        total = count()
        number = min(number, max(1, -(-total // per_page)))
        return cls(rows(per_page, (number - 1) * per_page), number, per_page, total)

    @classmethod
    def capped(cls, count_upto, rows, page, per_page: int, cap: int) -> Page:
        """Like of(), but the rows are counted only up to `cap` (or up to the asked page, when
        it lies further): `count_upto(limit)` counts at most `limit` rows, so a count never
        reads the whole of a large list. Past the cap, `more` says there are more (and
        `rows(limit, offset, more)` is told, so that it may read them in a cheaper order)."""
        try:
            number = max(1, int(page))
        except (TypeError, ValueError):
            number = 1
        limit = max(cap, number * per_page) + 1
        total = count_upto(limit)
        more = total >= limit
        if more:
            total = limit - 1
        else:
            number = min(number, max(1, -(-total // per_page)))
        return cls(rows(per_page, (number - 1) * per_page, more), number, per_page, total, more)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def paged(query, page, per_page: int, order_by: tuple = (), count_query=None) -> Page:
    """A page of `query` in SQL (LIMIT/OFFSET) with the total count (two queries; the count
    from `count_query` when given, e.g. without the joins the page needs); a page past the
    end gives the last page, anything not a page number the first."""
    return Page.of(
        (query if count_query is None else count_query).order_by().count,
        lambda limit, offset: list(query.order_by(*order_by).limit(limit).offset(offset)),
        page,
        per_page,
    )


# --- many rows at once -------------------------------------------------------------------------


class BulkInsert:
    """INSERTs of many rows of one model with the SQL built once (peewee builds it anew for
    every query, which is most of the time of an import of 20,000 rows). Values go through
    each field's db_value; fields a row leaves out take their default. `one()` returns the
    new row's id (RETURNING on PostgreSQL, lastrowid on SQLite); `many()` inserts rows."""

    def __init__(self, model):
        self.model = model
        self.fields = [f for f in model._meta.sorted_fields if not f.primary_key]
        columns = ", ".join(f'"{f.column_name}"' for f in self.fields)
        marks = ", ".join([db.obj.param] * len(self.fields))
        table = model._meta.table_name  # names from the model, never from input
        self.sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608

    def _params(self, values: dict) -> list:
        params = []
        for f in self.fields:
            if f.name in values:
                value = values[f.name]
            elif f.column_name in values:
                value = values[f.column_name]
            else:
                value = f.default() if callable(f.default) else f.default
            if hasattr(value, "_pk"):  # a model instance for a foreign key
                value = value._pk
            params.append(f.db_value(value))
        return params

    def one(self, values: dict) -> int:
        if is_sqlite():
            return db.execute_sql(self.sql, self._params(values)).lastrowid
        return db.execute_sql(self.sql + ' RETURNING "id"', self._params(values)).fetchone()[0]

    def many(self, rows: list[dict]) -> None:
        if rows:
            execute_many(self.sql, [self._params(values) for values in rows])


def execute_many(sql: str, params: list) -> None:
    """One statement for many parameter rows: executemany on SQLite (no round trips); on
    PostgreSQL pages of 1,000 rows per round trip (psycopg2's executemany sends one per row,
    which is most of the time of an import of 100,000 rows)."""
    if not params:
        return
    cursor = db.cursor()
    if is_sqlite():
        cursor.executemany(sql, params)
        return
    from psycopg2.extras import execute_batch, execute_values

    head, values = sql.split(" VALUES ", 1) if sql.startswith("INSERT") else (sql, None)
    if values is not None and values.startswith("(") and values.endswith(")"):
        execute_values(cursor, head + " VALUES %s", params, page_size=1000)
    else:
        execute_batch(cursor, sql, params, page_size=1000)


# --- searching text ---------------------------------------------------------------------------


def like_pattern(text: str) -> str:
    """A LIKE pattern for text anywhere in a value, casefolded; % _ and \\ match themselves
    (use it with `contains`, which names the escape character)."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, pattern: str):
    """column ILIKE pattern ESCAPE '\\' -- the same on both databases (without ESCAPE, SQLite
    takes the backslash literally and PostgreSQL as its default escape)."""
    from peewee import OP, SQL, Expression, NodeList, Value

    return Expression(column, OP.ILIKE, NodeList((Value(pattern), SQL("ESCAPE"), Value("\\"))))
