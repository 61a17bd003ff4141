"""How fast an import's deciding and writing could be if a chunk were decided column by column: a
prototype of issue 22's design, timed beside the series' row-by-row path on the same parsed rows.

    LINDUNGDESA_VAR_DIR=$(mktemp -d) sh -c '.venv/bin/lindungdesa migrate -v0 &&
        .venv/bin/lindungdesa load-regions --all > /dev/null &&
        .venv/bin/python bench/column_floor.py roster rows FILE.csv &&
        .venv/bin/python bench/column_floor.py roster columns FILE.csv'
    .venv/bin/python bench/column_floor.py bpjs rows|columns EXTRACT.csv    # as of 2026-10
    .venv/bin/python bench/column_floor.py roster read-rows|read-columns FILE.csv

Both ways read the file with `RosterRows.read_rows` (not timed) and write inside a transaction that is
rolled back. "rows" is the series' path (`prefetch`, `apply` for each row, `engine.write`); "columns" looks
up the same, then checks each field's distinct values of the chunk once with Django's `Field.clean`, the
office rules once for each distinct (desa, office, acting, start, end, income), and writes the new people and
positions from their columns (`get_db_prep_save` once per distinct value, INSERT ... RETURNING), without a
model object for a row. It is only a floor for a file of new people: it does not handle a row whose person
or seat is held, nor an extract's row whose membership is held (it counts them), undo rows, warnings or
rejects; the design would fall back to the row path for those. CPU time of this process, summed over the
chunks.
"""

import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from lindungdesa.enrolment.models import Enrolment  # noqa: E402
from lindungdesa.imports import bpjs, engine, roster  # noqa: E402
from lindungdesa.lib import values as v  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402
from lindungdesa.officials.models import Person, Position, group_of  # noqa: E402
from lindungdesa.officials.rules import ONE_HOLDER_OFFICES, position_own_problems  # noqa: E402


def bad_values(model, column_values: dict[str, list]) -> dict[str, set]:
    """Each field's distinct values that `Field.clean` refuses."""
    bad = {}
    for name, values in column_values.items():
        f = model._meta.get_field(name)
        refused = set()
        for value in set(values):
            if f.blank and value in f.empty_values:
                continue
            try:
                f.clean(value, None)
            except ValidationError:
                refused.add(value)
        bad[name] = refused
    return bad


def insert_columns(model, columns: dict[str, list]) -> list[int]:
    """New rows from their columns, keys back in order (PostgreSQL: keys from the sequence, then COPY, as
    the series' `engine.insert`; SQLite: INSERT ... RETURNING)."""
    now = timezone.now()
    n = len(next(iter(columns.values())))
    postgresql = connection.vendor == "postgresql"
    table = model._meta.db_table
    keys = []
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            keys = [k for (k,) in cursor.fetchall()]
            columns = {"id": keys, **columns}
        fields = [f for f in model._meta.concrete_fields if postgresql or not f.primary_key]
        prepared = []
        for f in fields:
            values = [now] * n if f.name in ("created_at", "updated_at") else columns[f.attname]
            done = {v: f.get_db_prep_save(v, connection) for v in set(values)}
            prepared.append([done[v] for v in values])
        rows = list(zip(*prepared, strict=True))
        quote = connection.ops.quote_name
        into = f"{quote(table)} ({', '.join(quote(f.column) for f in fields)})"
        if postgresql:
            with cursor.cursor.copy(f"COPY {into} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return keys
        size = connection.features.max_query_params // len(fields)
        one = f"({', '.join(['%s'] * len(fields))})"
        for start in range(0, n, size):
            part = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {into} VALUES {', '.join([one] * len(part))} RETURNING id",
                [v for row in part for v in row],
            )
            keys.extend(k for (k,) in cursor.fetchall())
    return keys


parts: dict[str, float] = defaultdict(float)


def decide_columns(handler: roster.RosterRows, rows: list[dict]) -> tuple[int, int]:
    """(rows written, rows the prototype cannot decide by columns)."""
    began = time.process_time()
    handler.prefetch(rows)
    held = handler._held
    parts["look-ups"] += time.process_time() - began
    began = time.process_time()
    new = [r for r in rows if r["who"] not in held.persons]
    seats = defaultdict(int)
    for r in new:
        if r["jabatan"].office in ONE_HOLDER_OFFICES:
            seats[
                (r["desa"].code, r["jabatan"].office, (r["nama_dusun"] or r["jabatan"].unit_name).lower())
            ] += 1
    fallback = sum(1 for r in rows if r["who"] in held.persons)
    fallback += sum(1 for (desa, office, _u), k in seats.items() if k > 1 or held.by_seat.get((desa, office)))
    people = [handler._person_values(r) for r in new]
    person_columns = {
        name: [p[name] for p in people] for name in ("nik", "name", "sex", "birth_date", "phone")
    }
    fields = [handler._position_fields(r) for r in new]
    position_columns = {
        "desa_id": [f["desa"].code for f in fields],
        "group": [group_of(f["office"]) for f in fields],
        "office": [f["office"] for f in fields],
        "acting": [f["acting"] for f in fields],
        "unit_name": [f["unit_name"].strip() for f in fields],
        "term_start": [f["term_start"] for f in fields],
        "term_end": [f["term_end"] for f in fields],
        "planned_term_end": [f["term_end"] for f in fields],
        "end_reason": [""] * len(fields),
        "sk_number": [f["sk_number"].strip() for f in fields],
        "sk_date": [f["sk_date"] for f in fields],
        "monthly_income": [f["monthly_income"] for f in fields],
    }
    bad = bad_values(Person, person_columns)
    bad.update(bad_values(Position, {k: v for k, v in position_columns.items() if k != "desa_id"}))
    # The office rules of a position alone, once for each distinct set of what they read.
    own = {}
    for f in fields:
        key = (f["desa"].code, f["office"], f["acting"], f["term_start"], f["term_end"], f["monthly_income"])
        if key not in own:
            candidate = Position(
                desa=f["desa"],
                office=f["office"],
                acting=f["acting"],
                term_start=f["term_start"],
                term_end=f["term_end"],
                planned_term_end=f["term_end"],
                monthly_income=f["monthly_income"],
            )
            own[key] = position_own_problems(candidate)
    assert not any(bad.values()) and not any(own.values())
    parts["checks"] += time.process_time() - began
    began = time.process_time()
    keys = insert_columns(Person, person_columns)
    position_columns["person_id"] = keys
    insert_columns(Position, position_columns)
    parts["inserts"] += time.process_time() - began
    return len(new), fallback


def decide_extract_columns(handler: bpjs.BpjsRows, rows: list[dict]) -> tuple[int, int]:
    """The same for an extract's rows that name no membership held (the others are left, and counted)."""
    began = time.process_time()
    handler.prefetch(rows)
    held = handler._held
    parts["look-ups"] += time.process_time() - began
    began = time.process_time()
    wanted = [r["wanted"] for r in rows]
    new = [w for w in wanted if held.existing(w["kpj"], w["nik"], w["start_date"]) is None]
    values = [{**handler._made_by_import, "person_id": held.person_ids.get(w["nik"]), **w} for w in new]
    fields = [f for f in Enrolment._meta.concrete_fields if not f.primary_key]
    columns = {
        f.attname: [
            v[f.attname] if f.attname in v else v[f.name] if f.name in v else f.get_default() for v in values
        ]
        for f in fields
        if f.name not in ("created_at", "updated_at")
    }
    checked = {
        f.name: columns[f.attname] for f in fields if f.name in columns and f.name not in bpjs._UNCHECKED
    }
    assert not any(bad_values(Enrolment, checked).values())
    parts["checks"] += time.process_time() - began
    began = time.process_time()
    insert_columns(Enrolment, columns)
    parts["inserts"] += time.process_time() - began
    return len(new), len(rows) - len(new)


# Each roster column's parser, as `RosterRows.read_rows` takes it (the office with the row's kelompok).
READERS = {
    "kode_desa": v.parse_desa_code,
    "nik": v.parse_nik_facts,
    "nama": roster._name,
    "jenis_kelamin": v.parse_sex,
    "kelompok": v.parse_group,
    "nama_dusun": roster._dusun,
    "nomor_sk": roster._sk_number,
    "tanggal_sk": v.parse_date,
    "mulai_menjabat": v.parse_date,
    "akhir_menjabat": v.parse_date,
    "penghasilan_bulanan": v.parse_amount,
}


def read_columns(prepared, chunk) -> list[dict]:
    """A chunk's cells parsed column by column, each column's distinct cells once: a floor for reading (the
    combining of columns that `RosterRows.read_rows` does after parsing, and the desa look-up, left out)."""
    columns = {}
    for index, name in prepared.mapping.items():
        cells = [cells[index] if index < len(cells) else None for _number, cells in chunk]
        parser, results = READERS.get(name), {}
        for cell in dict.fromkeys(cells):
            if cell is None or parser is None:
                results[cell] = cell
                continue
            try:
                results[cell] = parser(cell)
            except v.CellError as exc:
                results[cell] = exc
        columns[name] = [results[cell] for cell in cells]
    if "jabatan" in columns:  # the office is read with the row's kelompok
        pairs = list(zip(columns["jabatan"], columns.get("kelompok", [None] * len(chunk)), strict=True))
        offices = {}
        for cell, group in dict.fromkeys(pairs):
            try:
                offices[(cell, group)] = v.parse_office(cell, group)
            except v.CellError as exc:
                offices[(cell, group)] = exc
        columns["jabatan"] = [offices[pair] for pair in pairs]
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def main() -> None:
    kind, how, path = sys.argv[1], sys.argv[2], sys.argv[3]
    if how.startswith("read"):
        handler = roster.RosterRows(scope_code=None, default_desa=None)
        prepared = engine.prepare(Path(path).read_bytes(), Path(path).name, handler, None)
        handler._desa("11")  # the regions' look-up of the first province outside the time
        began = time.process_time()
        for start in range(0, len(prepared.table.rows), engine.CHUNK_ROWS):
            chunk = prepared.table.rows[start : start + engine.CHUNK_ROWS]
            if how == "read-rows":
                handler.read_rows([cells for _number, cells in chunk], prepared)
            else:
                read_columns(prepared, chunk)
        print(f"{how}: {len(prepared.table.rows):,} rows read in {time.process_time() - began:.2f} s CPU")
        return
    if kind == "roster":
        handler = roster.RosterRows(scope_code=None, default_desa=None)
        decide = decide_columns
    else:
        handler = bpjs.BpjsRows(as_of=Month.parse("2026-10"), scope_code=None, batch_id=None)
        decide = decide_extract_columns
    prepared = engine.prepare(Path(path).read_bytes(), Path(path).name, handler, None)
    readings = handler.read_rows([cells for _number, cells in prepared.table.rows], prepared)
    rows = [r.row for r in readings if r.row is not None]
    spent, written, fallback = 0.0, 0, 0
    with transaction.atomic():
        for start in range(0, len(rows), engine.CHUNK_ROWS):
            chunk = rows[start : start + engine.CHUNK_ROWS]
            began = time.process_time()
            if how == "rows":
                decided = handler.prefetch(chunk)
                changes = []
                for row in chunk:
                    recorder, made = engine.Recorder(), decided.get(id(row))
                    for obj in made[0] if made else ():
                        recorder.created(obj)
                    if made is None:
                        handler.apply(row, recorder)
                    changes.extend(recorder.changes)
                engine.write(handler.looked_up, changes)
                written += len(chunk)
            else:
                done, left = decide(handler, chunk)
                written, fallback = written + done, fallback + left
            spent += time.process_time() - began
        transaction.set_rollback(True)
    shares = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items())
    left = f"{fallback:,} left to the row path"
    print(f"{how}: {written:,} rows decided and written in {spent:.2f} s CPU ({left})")
    if shares:
        print(f"  {shares}")


if __name__ == "__main__":
    main()
