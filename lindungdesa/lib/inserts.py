"""New rows of one model written at once, their primary keys given back: what `bulk_create` does, each
field's value made as `save()` makes it, but once for a column's distinct values.

`bulk_create` compiles the SQL of every value in Python (`SQLInsertCompiler`: each field's `pre_save`,
`get_db_prep_save` and its placeholder, value by value). For the thousands of rows Lindung Desa writes at
once (an import's chunk, a snapshot's figures, a monitoring round's cases, the demo province) that took
most of the time, while dates, codes and amounts repeat. PostgreSQL takes the rows by psycopg's binary COPY,
the keys drawn from the table's sequence first; SQLite by INSERT ... RETURNING, as many rows a statement as
its 999 variables allow. Like `bulk_create`, it sends no signal; every `auto_now(_add)` field gets one
time for the whole call.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from operator import methodcaller
from typing import Any

from django.db import connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone


class NewRow:
    """A new row written from its values, without a model object: what an import's row of new data
    becomes when it needs no object to be decided (`RosterRows.prefetch`). `pk` once written; `_meta` as a
    model object's, for the undo log."""

    __slots__ = ("model", "pk", "values")

    def __init__(self, model: type[models.Model], values: dict[str, Any]) -> None:
        self.model, self.values, self.pk = model, values, None

    @property
    def _meta(self) -> Any:
        return self.model._meta


def insert(model: type[models.Model], objs: list[Any]) -> None:
    """Insert `objs`, new model objects or NewRows (values by field name, a relation by its object, NewRow
    or model object, once that has its key; a field's default where a row has none), giving each its
    primary key: they are written in their order, so their keys follow it."""
    if not objs:
        return
    now = timezone.now()
    # `connection` is a proxy, a look-up for each use: its wrapper is given to Django's conversions.
    db = connections[connection.alias]
    objects = [obj for obj in objs if type(obj) is not NewRow]
    if any(f.is_relation for f in model._meta.concrete_fields):
        for obj in objects:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")  # a new person's key
    rows = [obj.values if type(obj) is NewRow else obj.__dict__ for obj in objs]

    def column(f: models.Field) -> list[Any]:
        """Each row's value of `f` as the database takes it."""
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            for obj in objects:
                setattr(obj, f.attname, now)
            return [f.get_db_prep_save(now, db)] * len(rows)
        default = f.get_default()
        if not f.is_relation:
            return _prepared(f, list(map(methodcaller("get", f.name, default), rows)), db)
        related = list(map(methodcaller("get", f.name), rows))
        if set(map(type, related)) == {NewRow}:
            return [obj.pk for obj in related]  # the keys the database gave back (`_write_new`), as they came
        to = f.target_field.attname  # the related object's key: a NewRow's, or the field the key points to
        return _prepared(
            f,
            [
                values[f.attname]
                if f.attname in values
                else default
                if (obj := values.get(f.name)) is None
                else obj.pk
                if type(obj) is NewRow
                else getattr(obj, to)
                for values in rows
            ],
            db,
        )

    alias = db.alias
    for obj, key in zip(objs, _write_new(model, len(rows), column), strict=True):
        obj.pk = key
        if type(obj) is not NewRow:
            obj._state.adding, obj._state.db = False, alias


def _write_new(
    model: type[models.Model], count: int, column: Callable[[models.Field], list[Any]]
) -> list[Any]:
    """Write `count` new rows, each field's values given by `column` as the database takes them (not the
    primary key's); their keys, in order."""
    meta = model._meta
    postgresql = connection.vendor == "postgresql"
    fields = [f for f in meta.concrete_fields if not f.generated and (postgresql or not f.primary_key)]
    quote = connection.ops.quote_name
    into = f"{quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    with connection.cursor() as cursor:
        if postgresql:
            # The sequence named once, in a subquery: as an argument of nextval(), pg_get_serial_sequence()
            # would look it up in the catalogue again for every key (ten times the server's time).
            cursor.execute(
                "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s)::regclass))"
                " FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            keys = [key for (key,) in cursor.fetchall()]
            columns = [keys if f.primary_key else column(f) for f in fields]
            # Binary, each column's type named once: psycopg then dumps a value without looking at its type
            # or making it text (a third of the CPU of the text format).
            types = [
                (f.rel_db_type if f.is_relation else f.db_type)(connection).split("(")[0] for f in fields
            ]
            copy_in = f"COPY {into} FROM STDIN (FORMAT BINARY)"
            with connection.wrap_database_errors, cursor.cursor.copy(copy_in) as copy:
                copy.set_types(types)
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            return keys
        # SQLite: through the driver's connection, with its own placeholder (?): Django's cursor rewrites
        # every %s of a statement into ? by a regular expression, most of the time of a statement of 999
        # values (docs/benchmarks.md, "decide").
        columns = list(map(column, fields))
        keys = []
        width = len(fields)
        size = connection.features.max_query_params // width
        one = f"({', '.join('?' * width)})"
        for start in range(0, count, size):
            part = min(size, count - start)
            values = [None] * (part * width)  # row after row, laid out column by column (no tuple a row)
            for i, values_of in enumerate(columns):
                values[i::width] = values_of[start : start + part]
            sql = f"INSERT INTO {into} VALUES {', '.join([one] * part)} RETURNING {quote(meta.pk.column)}"
            with connection.wrap_database_errors:
                found = connection.connection.execute(sql, values).fetchall()
            keys.extend(key for (key,) in found)
        return keys


def _prepared(f: models.Field, values: list[Any], db: BaseDatabaseWrapper) -> list[Any]:
    """`f.get_db_prep_save` of a column's values, once for each distinct value: keyed, among these values
    only, by themselves when they are of one kind (beside None) whose equal values are the same to a field,
    an amount by its text (which keeps its places), without a tuple for each (`value_keys`)."""
    kinds = set(map(type, values)) - {type(None)}
    try:
        if len(kinds) == 1 and not kinds & {Decimal, float}:
            keys = values
        else:
            keys = list(map(str, values)) if kinds == {Decimal} else value_keys(values)
        distinct = dict(zip(keys, values, strict=True))
        done = {key: f.get_db_prep_save(value, db) for key, value in distinct.items()}
    except TypeError:  # unhashable (a JSON value)
        return [f.get_db_prep_save(value, db) for value in values]
    return list(map(done.__getitem__, keys))


def value_key(value: Any) -> Any:
    """A value's key among others of its column: text, None, dates, times and integers as themselves (no
    two of these kinds are equal); other values with their type, because equal values may differ to a field
    (1, 1.0 and True; Decimal("2") and Decimal("2.000"))."""
    kind = type(value)
    if kind in _OWN_KEYS:
        return value
    return (kind, str(value) if kind is Decimal else value)  # a Decimal's text keeps its exponent


def value_keys(values: list[Any]) -> list[Any]:
    """Each value's `value_key`: the values themselves when each is its own key."""
    return values if set(map(type, values)) <= _OWN_KEYS else list(map(value_key, values))


_OWN_KEYS = {str, type(None), datetime.date, datetime.datetime, int}
