"""Many new rows of one model written with one INSERT run for every row (the driver's `executemany`).

`bulk_create` compiles the SQL of every value in Python (`SQLInsertCompiler`: each field's `pre_save`,
`get_db_prep_save` and its placeholder, value by value). For the thousands of plain rows Lindung Desa writes
at once (a snapshot's 2,350 figures, a monitoring round's 2,000 cases and their events, the demo province's
107,000 people, positions and memberships) that compiling took most of the time: three quarters of a
snapshot's, more than half of a round's opening (docs/benchmarks.md, *`make test` on 2 cores, sixth
session*). Here the statement is made once and each value is prepared by its own field only where the
driver cannot take it as it is.

What `bulk_create` does that this does not: it sets no primary key on the objects (read them back when you
need them), sends no signal (neither does `bulk_create`), and gives every `auto_now` / `auto_now_add` field
one time for the whole call. Use it where those hold; anything else goes through the ORM.
"""

from collections.abc import Sequence

from django.db import connections, models, router
from django.utils import timezone

# Fields whose values (text, integers, booleans or None) both database drivers take as they are.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
_PLAIN_TYPES = (str, int, type(None))  # bool is an int


def insert_all(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert `objs` (new instances of `model`, their primary keys unset) as `bulk_create` would insert
    them: the same columns and the same values, in the transaction of the caller."""
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    stamp = {name: f.get_db_prep_save(now, connection) for f in fields if (name := f.attname) in stamped}
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
    as_is = [f.get_internal_type() in _AS_IS for f in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    rows = []
    for obj in objs:
        row = []
        for field, plain in zip(fields, as_is, strict=True):
            name = field.attname
            if name in stamp:
                row.append(stamp[name])
                continue
            value = getattr(obj, name)
            if not (plain and isinstance(value, _PLAIN_TYPES)):
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        rows.append(row)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
