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

from peewee import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    CharField,
    FieldAccessor,
    FieldAlias,
    ForeignKeyAccessor,
    ForeignKeyField,
    IntegerField,
    ModelCursorWrapper,
    ModelObjectCursorWrapper,
    ObjectIdAccessor,
    TextField,
)

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
        compiled = self._compile(args)
        plan = compiled[3].get("plan")
        if plan is None:
            wrapper = query._get_cursor_wrapper(cursor)
            rows = list(wrapper)  # peewee works out the columns on the first row ...
            if wrapper.initialized:  # ... and the plan keeps what it found
                compiled[3]["plan"] = _Plan.of(wrapper)
            return rows
        if not plan.fast:
            return list(plan.rerun(query, cursor))
        fetched = cursor.fetchall()
        rows = plan.build(fetched)
        if VERIFY:  # the same rows through peewee's own cursor wrapper
            expected = list(query._get_cursor_wrapper(_Fetched(cursor.description, fetched)))
            assert [_snapshot(o) for o in rows] == [_snapshot(o) for o in expected], self.builder
        return rows

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


# --- turning rows into models ----------------------------------------------------------------

_PLAIN_ACCESSORS = (FieldAccessor, ForeignKeyAccessor)


def _data_name(model, attribute: str) -> str | None:
    """The key in model.__data__ that setting `attribute` on a fresh instance writes, when
    that is all it does (a field, a foreign key's id); None for anything else."""
    accessor = model.__dict__.get(attribute)
    if accessor is None:
        for klass in model.__mro__[1:]:
            if attribute in klass.__dict__:
                accessor = klass.__dict__[attribute]
                break
    if type(accessor) in _PLAIN_ACCESSORS:
        return accessor.name
    if (
        type(accessor) is ObjectIdAccessor
        and type(getattr(model, accessor.field.name, None)) in _PLAIN_ACCESSORS
    ):
        return accessor.field.name
    return None


# fields whose python_value gives back what SQLite and psycopg already return (int, str, None):
# a list of 24 products with their texts ran ~1,200 such conversions for nothing
_NATIVE = (AutoField, BigAutoField, IntegerField, BigIntegerField, CharField, TextField)


def _needed(converter):
    """The column's converter, or None where it would give the value back unchanged."""
    field = getattr(converter, "__self__", None)
    while isinstance(field, (ForeignKeyField, FieldAlias)):  # an alias's field, a key's target
        field = field.field if isinstance(field, FieldAlias) else field.rel_field
    return None if type(field) in _NATIVE else converter


def _fresh(model):
    """A model instance as peewee's cursor wrapper makes one (`Model(__no_default__=True)`)
    before it fills it, without going through __init__'s keyword handling."""
    instance = model.__new__(model)
    instance.__data__ = {}
    instance._dirty = set()
    instance.__rel__ = {}
    return instance


class _Plan:
    """How the columns of one SQL become models, worked out from peewee's cursor wrapper on
    the first run and applied directly afterwards: peewee's own wrapper sets every column
    through the field's descriptor and redoes the join bookkeeping a row at a time (~20 µs a
    row of a two-table join, more than the query); the plan writes the values straight into
    each model's __data__, which is what those descriptors do on a fresh instance. Anything
    it does not know (a dict row, a property, a non-model constructor) is left to peewee.
    With VERIFY on, every result is compared with peewee's own."""

    fast = False

    def __init__(self, state: dict):
        self.state = state  # the cursor wrapper's column mapping, for peewee's own path

    @classmethod
    def of(cls, wrapper) -> _Plan:
        state = {key: value for key, value in vars(wrapper).items() if key != "cursor"}
        for name in ("row_cache", "count", "index", "populated", "initialized"):
            state.pop(name, None)
        kind = type(wrapper)
        if (
            kind is ModelObjectCursorWrapper
            and wrapper.is_model
            and getattr(wrapper, "ncols", None)
        ):
            return _SingleModel(state, wrapper)
        if kind is ModelCursorWrapper and getattr(wrapper, "ncols", None):
            if all(is_model for _key, _c, is_model in wrapper._constructor_list):
                return _JoinedModels(state, wrapper)
        return cls(state)

    def rerun(self, query, cursor):
        wrapper = query._get_cursor_wrapper(cursor)
        wrapper.__dict__.update(self.state)
        wrapper.initialized = True
        return wrapper


class _SingleModel(_Plan):
    fast = True

    def __init__(self, state: dict, wrapper):
        super().__init__(state)
        model = wrapper.constructor
        self.model = model
        self.direct = []  # (column index, __data__ key, converter)
        self.other = []  # (column index, attribute, converter): set as peewee would
        for i, column in enumerate(wrapper.unique_columns):
            converter = _needed(wrapper.converters[i])
            name = _data_name(model, column)
            if name is None:
                self.other.append((i, column, converter))
            else:
                self.direct.append((i, name, converter))

    def build(self, rows: list) -> list:
        model, direct, other = self.model, self.direct, self.other
        result = []
        for row in rows:
            instance = _fresh(model)
            data = instance.__data__
            for i, name, converter in direct:
                value = row[i]
                data[name] = value if converter is None else converter(value)
            for i, attribute, converter in other:
                value = row[i]
                setattr(instance, attribute, value if converter is None else converter(value))
            instance._dirty.clear()
            result.append(instance)
        return result


class _JoinedModels(_Plan):
    fast = True

    def __init__(self, state: dict, wrapper):
        super().__init__(state)
        self.root = wrapper.model
        self.constructors = [
            (key, constructor) for key, constructor, _m in wrapper._constructor_list
        ]
        models = dict(self.constructors)
        self.columns = []  # (index, key, __data__ key or None, attribute, converter)
        for i, key, column, converter in wrapper._row_spec:
            if key not in models:  # as peewee: a column of no selected model goes to the root
                key = wrapper.model
            name = _data_name(models[key], column)
            self.columns.append((i, key, name, column, _needed(converter)))
        self.joins = wrapper.src_to_dest
        self.reachable = wrapper._dest_reachable

    def build(self, rows: list) -> list:
        result = []
        for row in rows:
            objects = {key: _fresh(constructor) for key, constructor in self.constructors}
            set_keys = set()
            for i, key, name, column, converter in self.columns:
                value = row[i]
                if value is not None:
                    set_keys.add(key)
                if converter is not None:
                    value = converter(value)
                if name is None:
                    setattr(objects[key], column, value)
                else:
                    objects[key].__data__[name] = value
            # the joined models onto their sources, as peewee's ModelCursorWrapper does
            for src, attr, dest, _is_dict, is_outer, is_fk in self.joins:
                instance = objects.get(src)
                joined = objects.get(dest)
                if joined is None and dest not in objects:
                    continue
                assign = False
                if dest not in set_keys and dest in self.reachable:
                    assign = bool(self.reachable[dest] & set_keys)
                if dest not in set_keys and not assign:
                    if is_outer:
                        joined = None
                    else:
                        continue
                if src not in set_keys and dest not in set_keys and is_outer:
                    continue
                if is_fk and joined is None:
                    instance.__rel__[attr] = None
                else:
                    setattr(instance, attr, joined)
            for instance in objects.values():
                instance._dirty.clear()
            result.append(objects[self.root])
        return result


class _Fetched:
    """Rows already fetched, as a cursor hands them to a cursor wrapper."""

    def __init__(self, description, rows: list):
        self.description = description
        self._rows = iter(rows)

    def fetchone(self):
        return next(self._rows, None)

    def close(self) -> None:
        pass


def _snapshot(value, depth: int = 0):
    """What a materialized row holds, to compare two ways of building it."""
    if depth > 5 or not hasattr(value, "__data__"):
        return value
    rel = {key: _snapshot(item, depth + 1) for key, item in value.__rel__.items()}
    extra = {
        key: item
        for key, item in vars(value).items()
        if key not in ("__data__", "_dirty", "__rel__")
    }
    return (type(value), value.__data__, rel, extra, sorted(value._dirty))


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
