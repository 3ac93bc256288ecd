"""Queries whose SQL is built once per process, not on every request.

Peewee turns a query into SQL again each time it runs it: for a join of two tables with a dozen
columns that takes about 0.2 ms, more than SQLite or PostgreSQL need to answer it. The queries
every request runs (the session, the membership, a page of rows) have a fixed shape; only their
values change. `@prepared` builds such a query once per database kind with stand-in values,
keeps its SQL and which parameter each argument fills, and afterwards only binds the new values;
peewee's own cursor wrapper still turns the rows into models (with their joined models).

    @prepared
    def _members(party_id: int, limit: int, offset: int):
        return Membership.select(Membership, User).join(User).where(...).limit(limit).offset(offset)

    rows = _members.all(10, 25, 0)      # list of Membership, each with .user loaded
    one = _members.first(10, 1, 0)      # the first row or None
    total = _count.scalar(10)           # first column of the first row

Arguments are plain database values (int, str, date, datetime, or a list of them for IN; not
booleans, models or None):
anything that changes the query's *shape* (a search term that adds a condition, an order) is
not an argument but a different builder. With `VERIFY` on (the test suite turns it on) every
call also builds the query afresh and checks that the SQL and parameters are the same.
"""

from __future__ import annotations

import datetime as dt

from .base import Page, db

VERIFY = False  # tests: compare every prepared call with a fresh build of the query


def _stand_in(position: int, value):
    """A value of the argument's type that no real call passes, to find it among the
    parameters of the built query."""
    if isinstance(value, bool) or value is None:
        raise TypeError("prepared queries take database values, not booleans or None")
    if isinstance(value, (list, tuple)):  # an IN (...) list: one shape per length
        return [_stand_in(position * 1000 + i, v) for i, v in enumerate(value)]
    if isinstance(value, int):
        return -7_391_000_000_000 - position
    if isinstance(value, str):
        return f"\ufdd0prepared-{position}\ufdd0"
    if isinstance(value, dt.datetime):
        return dt.datetime(1, 1, 1) + dt.timedelta(days=position, microseconds=917_331)
    if isinstance(value, dt.date):
        return dt.date(1, 1, 1) + dt.timedelta(days=position)
    raise TypeError(f"prepared queries take int, str, date or datetime, not {type(value)}")


class Prepared:
    def __init__(self, builder):
        self.builder = builder
        self.__doc__ = builder.__doc__
        self._compiled: dict = {}

    def _compile(self, args: tuple):
        database = db.obj
        key = (
            type(database),
            tuple(len(a) if isinstance(a, (list, tuple)) else type(a) for a in args),
        )
        compiled = self._compiled.get(key)
        if compiled is None:
            stand_ins = [_stand_in(i, a) for i, a in enumerate(args)]
            query = self.builder(*stand_ins)
            sql, params = database.get_sql_context().parse(query)
            flat = {}  # stand-in -> (argument, index in its list or None)
            for i, stand_in in enumerate(stand_ins):
                if isinstance(stand_in, list):
                    flat.update({(type(v), v): (i, j) for j, v in enumerate(stand_in)})
                else:
                    flat[(type(stand_in), stand_in)] = (i, None)
            # each parameter: (argument, index in its list, constant) -- a constant stays as built
            slots = [
                (*flat[(type(p), p)], None) if (type(p), p) in flat else (None, None, p)
                for p in params
            ]
            if len({(i, j) for i, j, _c in slots if i is not None}) != len(flat):
                # an argument the query does not carry as it is (computed from, or unused)
                raise TypeError(f"{self.builder.__name__}: every argument must be a parameter")
            compiled = (query, sql, slots, {})
            self._compiled[key] = compiled
        return compiled

    def _execute(self, args: tuple):
        query, sql, slots, _columns = self._compile(args)
        params = [
            constant if i is None else args[i] if j is None else args[i][j]
            for i, j, constant in slots
        ]
        if VERIFY:
            fresh_sql, fresh_params = db.obj.get_sql_context().parse(self.builder(*args))
            assert (fresh_sql, list(fresh_params)) == (sql, params), (self.builder, sql, params)
        return query, db.obj.execute_sql(sql, params)

    def all(self, *args) -> list:
        """The rows as the built query would give them (models, with joined models)."""
        query, cursor = self._execute(args)
        wrapper = query._get_cursor_wrapper(cursor)
        # How the columns map onto models and fields is worked out from the cursor's
        # description on every run (another ~0.1 ms a query); for one SQL it is always the
        # same, so it is worked out once and handed to later runs.
        columns = self._compile(args)[3]
        if columns:
            wrapper.__dict__.update(columns)
        else:
            before = set(vars(wrapper))
            wrapper.initialize()
            columns.update({k: v for k, v in vars(wrapper).items() if k not in before})
        wrapper.initialized = True
        return list(wrapper)

    def rows(self, *args) -> list[tuple]:
        """The rows as plain tuples (for a selection of columns or aggregates)."""
        _query, cursor = self._execute(args)
        return cursor.fetchall()

    def first(self, *args):
        rows = self.all(*args)
        return rows[0] if rows else None

    def scalar(self, *args):
        _query, cursor = self._execute(args)
        row = cursor.fetchone()
        return row[0] if row else None


def prepared(builder) -> Prepared:
    return Prepared(builder)


def prepared_page(rows: Prepared, total: Prepared, args: tuple, page, per_page: int) -> Page:
    """A page of rows (`rows` takes args + limit, offset) with the total (`total` takes args),
    as models.base.paged gives it for a plain query."""
    return Page.of(
        lambda: total.scalar(*args),
        lambda limit, offset: rows.all(*args, limit, offset),
        page,
        per_page,
    )
