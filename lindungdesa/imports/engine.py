"""What every import shares: read the file, match headers, take the rows chunk by chunk, keep the rejects.

One roster row, from upload to database:
1. A page, the API or `lindungdesa import` calls `services.roster_import_file`, then `run_import`.
2. `prepare` reads the bytes into a Table (`lib.tabular.read_table`) and maps its headers (`match_headers`).
3. `run_import` opens one `transaction.atomic()` and takes the rows CHUNK_ROWS at a time (`_readings`).
4. `RosterRows.read_rows` parses the chunk by column (`Columns`, `lib.values`, `lib.nik`) and checks what
   needs no database (`FieldCheck.refused`, `officials.rules`): in a worker process for a long file.
5. `RosterRows.prefetch` fetches what the rows name (`fetch_in`) and decides against it a new person in a
   free seat; `RosterRows.apply` decides any other row with `officials.rules`.
6. `write` inserts the new people and positions (`lib.inserts`) and updates the changed ones;
   `record_changes` writes the undo log (BatchChange), then come the rejected rows.
7. A dry run then rolls back (`set_rollback`); a real one commits: the whole file is in, or nothing of it.
"""

import datetime
import functools
import hashlib
import itertools
import json
import multiprocessing
import pickle
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import methodcaller
from typing import Any, NamedTuple, Protocol

import django
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections, models, transaction
from django.db.models import F, Lookup, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.lib.headers import Field, header_score, match_headers
from lindungdesa.lib.inserts import NewRow, insert, value_keys
from lindungdesa.lib.opensid import without_signature_block
from lindungdesa.lib.tabular import Cell, Rows, Table, UnreadableFile, cell_text, read_table
from lindungdesa.lib.values import CellError, Noted

from .models import BatchChange, ImportBatch, RejectedRow
from .summary import ImportFailed, ImportSummary, RowError, RowRejected

Progress = Callable[[int, int], None]
Problem = tuple[str, str]  # (import column, Indonesian message)
# A row decided with its chunk (`RowHandler.prefetch`): its warnings, then the rows it makes.
Decided = tuple[Any, ...]

# Rows decided between two bulk writes: queries and statements few, a chunk's objects a few megabytes.
CHUNK_ROWS = 2000
IN_BATCH = 500  # values per `__in` look-up: SQLite builds before 3.32 allow 999 variables a statement
WRITE_BATCH = 500  # objects per bulk statement
# A file longer than this has its chunks read by a second process (`_readings`), some 10 chunks of CSV: a
# shorter one would be done before that process has started.
WORKER_BYTES = 3_000_000
CREATE, UPDATE = BatchChange.Action.CREATE, BatchChange.Action.UPDATE


class Updated(NamedTuple):
    """A change to an object the database holds: its fields as they were, for undo (and the ones written)."""

    obj: models.Model
    before: dict[str, Any]


# What a row did, in order: an object it created (a model object or a NewRow: undo deletes it), or an
# Updated. A created object is its own entry, without a tuple of its own: most rows of a file only create.
Change = Any


@dataclass(slots=True)
class Recorder:
    """What one row wrote, for undo and for the counts (the undo log is written with the chunk, once its new
    objects have their keys: `record_changes`)."""

    changes: list[Change] = field(default_factory=list)
    outcome: str = "unchanged"  # or "created", "updated": the summary's counter of the row
    warnings: list[Problem] = field(default_factory=list)  # what the row asked that was left undone

    def created(self, obj: models.Model) -> None:
        self.changes.append(obj)
        self.outcome = "created"

    def change(self, obj: models.Model, values: dict[str, Any], fields: list[str]) -> None:
        """Set `values` on `obj`, noting `fields` as they were (for undo, and written) as JSON in the model's
        field order: a relation by its key, dates and amounts as text (an amount with the field's places)."""
        before = {}
        for f in _in_model_order(type(obj), tuple(fields)):
            value = getattr(obj, f.attname)
            if isinstance(f, models.DecimalField) and isinstance(value, Decimal):
                value = value.quantize(Decimal(1).scaleb(-f.decimal_places))
            before[f.name] = str(value) if isinstance(value, datetime.date | Decimal) else value
        self.changes.append(Updated(obj, before))
        for key, value in values.items():
            setattr(obj, key, value)
        if self.outcome != "created":
            self.outcome = "updated"


@functools.cache
def _in_model_order(model: type[models.Model], names: tuple[str, ...]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name in names]


class Reading(NamedTuple):
    """One row read: its values (None with problems), the key making two rows of a file the same (None: not
    known), warnings that do not reject it, what it makes if nothing held is in its way (None: `apply`)."""

    row: dict[str, Any] | None
    problems: Sequence[Problem]
    key: str | None = None
    warnings: Sequence[Problem] = ()
    made: Any = None


class RowHandler(Protocol):
    fields: tuple[Field, ...]
    looked_up: tuple[type[models.Model], ...]  # the tables a chunk reads and writes, a relation's first

    def required(self) -> set[str]: ...

    def read_rows(self, chunk: list[list[Cell]], prepared: "Prepared") -> list[Reading]:
        """The chunk's rows parsed column by column (`Columns`), all problems of a row together, and what
        each would make as far as that is known without the database. Runs no query in a second process."""

    def prefetch(self, readings: list[Reading]) -> dict[int, Decided]:
        """Fetch what the rows need (earlier chunks are written); those decided at once, by `id()` of row."""

    def apply(self, row: dict[str, Any], recorder: Recorder) -> None:
        """Decide one row: raise RowRejected or ValidationError before any change, or record its changes."""


# ValidationError keys of the domain rules → the import column the user knows.
SERVICE_FIELD_NAMES = {
    "name": "nama",
    "sex": "jenis_kelamin",
    "birth_date": "tanggal_lahir",
    "office": "jabatan",
    "acting": "status_jabatan",
    "unit_name": "nama_dusun",
    "term_start": "mulai_menjabat",
    "term_end": "akhir_menjabat",
    "desa": "kode_desa",
    "monthly_income": "penghasilan_bulanan",
    "phone": "no_hp",
    "__all__": "baris",
}


class Memo(dict):
    """Pure cell parsers remembered for one import: `memo[parser](cell, *args)` is (True, value) or (False,
    the CellError's message), cells of other types (1, 1.0, True) apart. Values are shared: change none."""

    LIMIT = 100_000  # values a parser remembers, the least recently used forgotten first

    def __missing__(self, parser: Callable[..., Any]) -> Callable[..., tuple[bool, Any]]:
        self[parser] = functools.lru_cache(self.LIMIT, typed=True)(functools.partial(_parsed, parser))
        return self[parser]

    def __reduce__(self) -> tuple:  # to a worker process (`_readings`): a memo of its own
        return Memo, ()


class Columns:
    """A chunk's cells as they are read, column by column: each column's distinct cells parsed once, the
    values by row, and each row's problems (that refuse it) and warnings (that do not)."""

    def __init__(self, chunk: list[list[Cell]], prepared: "Prepared", memo: Memo) -> None:
        # Blank where a row ends early, or the file has no such column.
        self.cells: dict[str, Sequence[Cell]] = defaultdict(lambda: [None] * len(chunk))
        found, self.memo = list(itertools.zip_longest(*chunk)), memo
        self.cells.update((name, found[i]) for i, name in prepared.mapping.items() if i < len(found))
        self.problems: dict[int, list[Problem]] = defaultdict(list)  # by row, only the rows that have one
        self.warnings: dict[int, list[Problem]] = defaultdict(list)

    def take(
        self,
        name: str,
        parser: Callable[..., Any],
        arg: Sequence[Any] | None = None,
        *,
        missing: Sequence[Any] | None = None,
        optional: bool = False,
        cached: bool = True,
        soft: bool | Sequence[bool] = False,
    ) -> list[Any]:
        """The column's values parsed (None when blank or unreadable); with `missing` (another column's
        values), read only where that is None. `arg`: each row's second argument to the parser. `cached`: few
        distinct values, each parsed once for the import. `soft` (or each row's): a value the record can do
        without (docs/imports.md): blank, or unreadable and left out with a warning, it refuses no row."""
        cells = self.cells[name]
        if missing is not None:
            cells = [None if m is not None else c for c, m in zip(cells, missing, strict=True)]
        optional = optional or missing is not None or soft is not False
        text = set(map(type, cells)) <= {str, type(None)}  # each cell its own key
        keys = cells if text else list(zip(map(type, cells), cells, strict=True))  # 1, 1.0, True apart
        keys = keys if arg is None else list(zip(keys, arg, strict=True))
        parse = self.memo[parser] if cached else functools.partial(_parsed, parser)
        read, refused = {}, {}  # by key: the value (None when blank or refused); the message refusing it
        for key in set(keys):
            cell = key if arg is None else key[0]
            cell = cell if text else cell[1]
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                read[key] = None
                if not optional:
                    refused[key] = "Wajib diisi."
                continue
            ok, read[key] = parse(cell) if arg is None else parse(cell, key[1])
            if not ok:
                refused[key], read[key] = read[key], None
        values = list(map(read.__getitem__, keys))
        if not refused and Noted not in set(map(type, read.values())):
            return values  # every cell read plainly, as nearly always
        softs = soft if not isinstance(soft, bool) else itertools.repeat(soft)
        skipped = _("%(problem)s Isian ini tidak disimpan; baris tetap diterima. Perbaiki lalu impor lagi.")
        for i, (key, value, row_soft) in enumerate(zip(keys, values, softs, strict=False)):
            if type(value) is Noted:  # read, with a warning (a date read month first)
                self.warnings[i].append((name, value.note))
                values[i] = value.value
            elif key in refused and row_soft:
                self.warnings[i].append((name, skipped % {"problem": refused[key]}))
            elif key in refused:
                self.problems[i].append((name, refused[key]))
        return values


def _parsed(parser: Callable[..., Any], cell: Cell, *args: Any) -> tuple[bool, Any]:
    try:
        return True, parser(cell, *args)
    except CellError as exc:
        return False, str(exc)


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class FieldCheck:
    """`obj.clean_fields(exclude=…)`, Django's own field checks, with the values each field has passed
    remembered for one import: a value not yet seen to pass goes to Django, a failure gets Django's own
    messages. (Uniqueness and constraints are left to the callers, who check them against what they hold.)"""

    LIMIT = 100_000  # values a field remembers; beyond this it starts again

    def __init__(self, model: type[models.Model], exclude: Iterable[str] = ()) -> None:
        self.exclude = list(exclude)
        self.fields = [  # each field with the values it has passed
            (f, set()) for f in model._meta.fields if f.name not in self.exclude and not f.generated
        ]

    def passes(self, obj: models.Model) -> bool:
        return not self.refused([{f.name: getattr(obj, f.attname) for f, _passed in self.fields}])

    def __call__(self, obj: models.Model) -> None:
        if not self.passes(obj):
            obj.clean_fields(exclude=self.exclude)

    def refused(self, rows: list[dict[str, Any]]) -> set[int]:
        """Which new rows' values (by field name, else the field's default) Django would refuse or change:
        each field's distinct values checked once, without an object (no field checked here reads one)."""
        out: set[int] = set()
        given = set().union(*rows)  # the fields any row gives: the others are their default in every row
        for f, passed in self.fields:
            default = f.get_default()
            if f.name not in given:
                if not _field_passes(f, default):
                    out.update(range(len(rows)))
                continue
            column = list(map(methodcaller("get", f.name, default), rows))
            keys = value_keys(column)
            distinct = dict(zip(keys, column, strict=True)).items()
            verdicts = {key: _field_passes(f, value) for key, value in distinct if key not in passed}
            if len(passed) > self.LIMIT:
                passed.clear()
            passed.update(key for key, ok in verdicts.items() if ok)
            if not all(verdicts.values()):
                out.update(i for i, key in enumerate(keys) if verdicts.get(key) is False)
        return out


def _field_passes(f: models.Field, value: Any) -> bool:
    """Whether Django's check of the field takes the value as it is (not refused, nor changed)."""
    if f.blank and value in f.empty_values:
        return True
    try:
        return f.clean(value, None) == value
    except ValidationError:
        return False


@dataclass
class Prepared:
    table: Table
    mapping: dict[int, str]

    def raw(self, cells: list[Cell]) -> dict[str, str]:
        """The row's cells as text by header, as a rejected row keeps them (a header met again, as two
        columns under one merged "SK", by its column: "SK (kolom 9)")."""
        raw: dict[str, str] = {}
        for i, (header, cell) in enumerate(zip(self.table.headers, cells, strict=False)):
            key = header or f"Kolom {i + 1}"
            raw[f"{key} (kolom {i + 1})" if key in raw else key] = cell_text(cell)
        return raw


def prepare(data: bytes, file_name: str, handler: RowHandler, overrides: dict[int, str] | None) -> Prepared:
    """Read the file and map its columns; ImportFailed when that is impossible."""
    try:
        table = read_table(data, file_name, header_hint=lambda cells: header_score(cells, handler.fields))
    except UnreadableFile as exc:
        raise ImportFailed(str(exc)) from exc
    table = without_signature_block(table)
    match = match_headers(table.headers, handler.fields, overrides=overrides)
    missing = sorted(handler.required() - set(match.mapping.values()))
    if missing:
        labels = {f.name: f.label for f in handler.fields}
        hint = "Periksa judul kolom, atau pilih kolomnya pada langkah pemetaan."
        if "kode_desa" in missing and table.kind == "opensid-html":
            hint = (
                "Unduhan OpenSID tidak memuat kode desa: pilih desanya pada kolom Desa di halaman impor "
                "(atau --desa KODE pada perintah lindungdesa import)."
            )
        columns = ", ".join(f"{labels.get(m, m)} ({m})" for m in missing)
        message = f"Kolom wajib tidak ditemukan: {columns}. {hint}"
        raise ImportFailed(message, headers=table.headers, missing=missing)
    return Prepared(table=table, mapping=match.mapping)


def run_import(
    *,
    handler: RowHandler,
    data: bytes,
    file_name: str,
    batch: ImportBatch | None,
    dry_run: bool,
    overrides: dict[int, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one file. With a batch, its record is kept (counts, rejects, changes); without, nothing is kept.
    Raises ImportFailed when the file as a whole cannot be read; then nothing is changed."""
    # A long file's chunks are read by a worker (`_readings`), started while the file is read: afresh
    # ("spawn": no fork of this process and its connection), with no database (`_worker`). One that a file
    # failing leaves behind stops when collected.
    worker = None
    if len(data) > WORKER_BYTES:
        worker = ProcessPoolExecutor(1, multiprocessing.get_context("spawn"), django.setup)
        worker.submit(int)  # its process starts with its first task
    prepared = prepare(data, file_name, handler, overrides)
    rows, record = prepared.table.rows, batch is not None and not dry_run
    summary = ImportSummary(total_rows=len(rows))
    if (begin := getattr(handler, "begin", None)) is not None:  # what the file tells its rows (RosterRows)
        summary.warnings.extend(begin(data, prepared))
    rejects: list[RejectedRow] = []  # a real run writes them with each chunk, a dry run after its rollback
    seen: dict[str, int] = {}  # duplicate key -> the row number that was accepted with it
    # PostgreSQL plans the chunks' look-ups from statistics autovacuum cannot gather on rows not committed (a
    # table grown from nothing would be scanned whole): ANALYZE counts them, again as the rows done double.
    postgres = connection.vendor == "postgresql"
    analyze_at = 2000 if postgres else len(rows) + 1
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:  # foreign keys checked with each statement, not row by row at COMMIT (SQLite as it goes)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if record:
            batch.rejected_rows.all().delete()  # a preview run again replaces its earlier rejects
        for start, readings in _readings(handler, prepared, worker):
            numbers = rows.numbers(start, start + CHUNK_ROWS)
            decided = handler.prefetch([r for r in readings if r.row is not None])
            changes: list[Change] = []
            for i, (row_number, reading) in enumerate(zip(numbers, readings, strict=True), start):
                if problems := _take(handler, decided, row_number, reading, seen, summary, changes):
                    summary.rejected += 1
                    summary.errors.extend(RowError(row_number, f, message) for f, message in problems)
                    raw = prepared.raw(rows[i][1])
                    rejects.extend(
                        RejectedRow(batch=batch, row_number=row_number, field=f, message=message, data=raw)
                        for f, message in problems
                    )
            write(handler.looked_up, changes)
            if record:
                record_changes(batch, changes)
                RejectedRow.objects.bulk_create(rejects, batch_size=WRITE_BATCH)
                rejects = []
            done = start + len(numbers)
            if done >= analyze_at:
                analyze_at = done * 2
                cursor.execute("ANALYZE " + ", ".join(t._meta.db_table for t in handler.looked_up))
            if progress:
                progress(done, summary.total_rows)
        if record:
            _finish(batch, summary, ImportBatch.State.DONE, prepared.table.headers)
        if postgres:  # as Django makes them, for what the caller does next
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if dry_run:
            transaction.set_rollback(True)
    if dry_run and batch is not None:
        with transaction.atomic():
            batch.rejected_rows.all().delete()
            RejectedRow.objects.bulk_create(rejects, batch_size=WRITE_BATCH)
            _finish(batch, summary, ImportBatch.State.PREVIEWED, prepared.table.headers)
    summary.batch = batch.pk if record else None
    return summary


def _readings(
    handler: RowHandler, prepared: Prepared, worker: ProcessPoolExecutor | None
) -> Iterator[tuple[int, list[Reading]]]:
    """Each chunk's first row and readings, in file order: read by the worker when there is one, two chunks
    ahead of the one decided here, else here (also until the worker has started)."""
    rows, ahead = prepared.table.rows, deque()
    if worker is not None:  # the handler as it began (`__getstate__`), the table without its rows
        state = pickle.dumps((handler, replace(prepared, table=replace(prepared.table, rows=rows[:0]))))
        started = worker.submit(_worker, state)
    try:
        for start in range(0, len(rows), CHUNK_ROWS):
            if worker is not None and started.done():
                stop = min(start + 3 * CHUNK_ROWS, len(rows))
                for later in range(start + len(ahead) * CHUNK_ROWS, stop, CHUNK_ROWS):
                    ahead.append(worker.submit(_read, rows[later : later + CHUNK_ROWS]))
            if ahead:
                yield start, _received(*ahead.popleft().result())
            else:  # each row's cells made again from the table, not kept
                yield start, handler.read_rows([c for _n, c in rows[start : start + CHUNK_ROWS]], prepared)
    finally:
        if worker is not None:
            worker.shutdown(cancel_futures=True)


def _worker(state: bytes) -> None:
    """In the worker, its handler and columns: any query there raises (Django's dummy backend)."""
    global _worker_state
    for wrapper in connections.all(initialized_only=True):
        del connections[wrapper.alias]
    connections.settings = connections.configure_settings({})
    _worker_state = pickle.loads(state)


def _read(part: Rows) -> tuple:
    """A chunk's readings in the worker, sent back by column, the values without their names (`_received`):
    few objects, each one the receiver makes being work for its garbage collector."""
    handler, prepared = _worker_state
    readings = handler.read_rows([cells for _number, cells in part], prepared)
    rows = [r.row for r in readings if r.row is not None]
    names = tuple(rows[0]) if rows else ()
    columns = [[row[name] for row in rows] for name in names]
    problems = {i: r.problems for i, r in enumerate(readings) if r.row is None}
    warnings = {i: r.warnings for i, r in enumerate(readings) if r.warnings}
    return names, columns, [r.key for r in readings], problems, warnings, [r.made for r in readings]


def _received(names: tuple, columns: list, keys: list, problems: dict, warnings: dict, made: list) -> list:
    rows = map(dict, map(zip, itertools.repeat(names), zip(*columns, strict=True)))  # no bytecode a row
    return [
        Reading(None, problems[i], key)
        if i in problems
        else Reading(next(rows), (), key, warnings.get(i, ()), made[i])
        for i, key in enumerate(keys)
    ]


def _take(
    handler: RowHandler,
    decided: dict[int, Decided],
    row_number: int,
    reading: Reading,
    seen: dict[str, int],
    summary: ImportSummary,
    changes: list[Change],
) -> list[Problem]:
    """Take one row, or say why not (every problem found)."""
    row, problems, key, read_warnings, _made = reading
    if key in seen:
        return [("baris", f"Baris ini sama dengan baris {seen[key]} di berkas ini.")]
    if problems or row is None:
        return list(problems)
    if (made := decided.get(id(row))) is not None:  # decided with its chunk: warnings, then what it makes
        warnings, outcome, done = made[0], "created", made[1:]
    else:
        recorder = Recorder()
        try:
            handler.apply(row, recorder)
        except RowRejected as exc:
            return exc.problems
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            return [(SERVICE_FIELD_NAMES.get(k, k), m) for k, messages in errors.items() for m in messages]
        warnings, outcome, done = recorder.warnings, recorder.outcome, recorder.changes
    if key is not None:
        seen[key] = row_number
    summary.accepted += 1
    setattr(summary, outcome, getattr(summary, outcome) + 1)
    if outcome != "unchanged" and len(summary.people) < PEOPLE_KEPT:
        summary.people.append(row_person(row_number, outcome, done))
    # A warning belongs to a row that is kept: a rejected row's problems are all it needs.
    if read_warnings or warnings:
        summary.warnings.extend(RowError(row_number, f, m) for f, m in (*read_warnings, *warnings))
    changes.extend(done)
    return []


PEOPLE_KEPT = 500  # rows named on a batch's page; the counts tell the rest


def row_person(row_number: int, outcome: str, changes: Sequence[Change]) -> dict[str, Any]:
    """Whom one accepted row creates or changes, as the preview names them: the person of the position it
    made (else of the one it changed), the person, or the BPJS participant."""
    from lindungdesa.officials.models import Person, Position  # the engine knows no model of its own

    rank = {Position: 0, Person: 1}
    objs = [(change.obj, True) if type(change) is Updated else (change, False) for change in changes]
    obj = min(objs, key=lambda pair: (rank.get(pair[0]._meta.model, 2), pair[1]))[0]
    values = obj.values if type(obj) is NewRow else vars(obj)
    what = values.get("kpj", "")
    if obj._meta.model is Position:  # as its person
        what = Position(**{k: values[k] for k in ("office", "acting", "unit_name")}).office_label
        person = values["person"] if type(obj) is NewRow else obj.person
        values = person.values if type(person) is NewRow else vars(person)
    name = values.get("name", values.get("bpjs_name", ""))
    return {"row": row_number, "action": outcome, "name": name, "nik": values.get("nik") or "", "what": what}


def write(tables: tuple[type[models.Model], ...], changes: list[Change]) -> None:
    """Write what a chunk's rows did, table by table: new rows in file order (getting their keys), then the
    changed rows' fields the undo log keeps (what the chunk made, then changed, is inserted as it is now)."""
    new: dict[type, list] = defaultdict(list)
    changed: dict[type, dict[int, models.Model]] = defaultdict(dict)
    fields: dict[type, set[str]] = defaultdict(set)
    for change in changes:
        if type(change) is not Updated:
            new[change._meta.model].append(change)
        elif (obj := change.obj).pk is not None:
            changed[type(obj)][id(obj)] = obj
            fields[type(obj)].update(change.before)
    for model in tables:
        insert(model, new[model])
        update(model, list(changed[model].values()), sorted(fields[model]))


def record_changes(batch: ImportBatch, changes: list[Change]) -> None:
    """Write the chunk's BatchChange rows, in the order the rows made them (undo goes backwards). Objects of a
    model created with consecutive keys become one row, in the place of the first: undo deletes what a batch
    created model by model, then restores what it changed, so only the changes' own order matters."""
    runs: dict[str, BatchChange] = {}  # model label -> its row of the latest run of created objects
    rows = []
    for change in changes:
        if type(change) is Updated:
            obj, before = change
            label = obj._meta.label
            rows.append(BatchChange(batch=batch, model=label, object_id=obj.pk, action=UPDATE, before=before))
            continue
        label, key = change._meta.label, change.pk
        if (run := runs.get(label)) is not None and (run.last_object_id or run.object_id) + 1 == key:
            run.last_object_id = key
            continue
        run = runs[label] = BatchChange(batch=batch, model=label, object_id=key, action=CREATE)
        rows.append(run)
    BatchChange.objects.bulk_create(rows, batch_size=WRITE_BATCH)


def _finish(batch: ImportBatch, summary: ImportSummary, state: str, headers: list[str]) -> None:
    batch.headers, batch.people = headers, summary.people
    batch.warnings = [warning.as_dict() for warning in summary.warnings]
    for name in ("total_rows", "accepted", "rejected", "created", "updated", "unchanged"):
        setattr(batch, name, getattr(summary, name))
    batch.state, batch.progress, batch.finished_at = state, 100, timezone.now()
    batch.save()


def fetch_in(queryset: QuerySet, lookup: str, values: Iterable[Any]) -> QuerySet:
    """`queryset.filter(**{lookup: values})`, the values as one parameter (`AnyOf`)."""
    values = list(values)
    return queryset.filter(AnyOf(F(lookup.removesuffix("__in")), values)) if values else queryset.none()


class AnyOf(Lookup):
    """`field__in=values` with the values as one parameter (Django's IN binds each, SQLite 999 at most): an
    array on PostgreSQL (`field = ANY(%s)`), JSON on SQLite (`field IN (SELECT value FROM json_each(%s))`)."""

    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        lhs, params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, values)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", (*params, json.dumps(values, default=str))


def update(model: type[models.Model], objs: list[models.Model], names: list[str]) -> None:
    """`bulk_update` of the named fields, and of `updated_at` as `save()` would set it."""
    if not objs:
        return
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        now = timezone.now()
        for obj in objs:
            obj.updated_at = now
        names = [*names, "updated_at"]
    model.objects.bulk_update(objs, names, batch_size=WRITE_BATCH)


def batch_create(
    *,
    kind: str,
    data: bytes,
    file_name: str,
    user=None,
    scope_code: str = "",
    default_desa=None,
    as_of: datetime.date | None = None,
    overrides: dict[int, str] | None = None,
    dry_run: bool = False,
    save: bool = True,
) -> ImportBatch:
    """A batch for a file, saved with the file kept (for the background job) unless `save` is off."""
    batch = ImportBatch(
        kind=kind,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        file_size=len(data),
        uploaded_by=user if user is not None and user.is_authenticated else None,
        scope_code=scope_code,
        default_desa=default_desa,
        as_of=as_of,
        column_overrides={str(k): v for k, v in (overrides or {}).items()},
        dry_run=dry_run,
    )
    if save:
        batch.file.save(f"{batch.file_sha256[:16]}-{file_name[-80:]}", ContentFile(data), save=False)
        batch.save()
    return batch


def batch_fail(batch: ImportBatch, message: str) -> None:
    batch.state, batch.message, batch.finished_at = ImportBatch.State.FAILED, message, timezone.now()
    batch.save(update_fields=["state", "message", "finished_at"])
