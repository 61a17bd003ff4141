"""What every import shares: read the file, match headers, take the rows chunk by chunk, keep the rejects.

A row handler (roster.py, bpjs.py) reads each row's cells with the pure cell parsers, fetches in a few
queries what a chunk of rows needs, decides every row in memory in file order (a later row sees what an
earlier one did, in this chunk through the handler's in-memory indexes and in later chunks through the
database), then writes the chunk in bulk. This module makes the whole file one transaction, the dry run
exact (the same writes, rolled back), and the batch undoable (every write is recorded as a BatchChange).
"""

import datetime
import functools
import gc
import hashlib
import io
import operator
import os
import pickle
import signal
import sqlite3
import sys
import threading
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import DecimalValidator, MaxLengthValidator
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.lib.headers import Field, header_score, match_headers
from lindungdesa.lib.instances import build_from
from lindungdesa.lib.tabular import Cell, Table, UnreadableFile, read_table
from lindungdesa.lib.values import CellError

from .models import BatchChange, ImportBatch, RejectedRow
from .summary import ImportFailed, ImportSummary, RowError, RowRejected

Progress = Callable[[int, int], None]
Problem = tuple[str, str]  # (import column, Indonesian message)

# Rows decided in memory between two bulk writes: large enough that queries and statements are few, small
# enough that a chunk's objects stay a few megabytes.
CHUNK_ROWS = 2000
# A file of at least this many rows is read (its cells parsed) in a second process while this one decides
# and writes the rows: reading is about a quarter of an import's time, and the machine has a second core.
# Below it, forking costs more than it saves. None: never (also where there is no fork).
READER_PROCESS_ROWS: int | None = 20_000
# Seconds between two switches of the interpreter's lock from thread to thread while an import may use its
# writer thread (Python's own default: 5 ms). National roster on PostgreSQL: 81.0 s at 5 ms, 73.4 and 71.9 s
# at 0.5 ms, 72.2 s at 1 ms, 71.6 and 71.5 s at 0.1 ms.
WRITER_SWITCH_INTERVAL = 0.0005
# Rows between two collections of the young objects (see _young_collections_only): each walks every object
# made since the last one that is still alive, so collecting after every chunk cost about 8 µs a row.
COLLECT_ROWS = 100_000


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


_CREATE = BatchChange.Action.CREATE  # twice a roster row: an enum member looked up by name costs 0.2 µs


class Recorder:
    """What one row wrote, for undo and for the counts. Objects may get their primary key only when the
    chunk is written, so the BatchChange rows are made then (`change_rows`)."""

    __slots__ = ("changes", "outcome", "warnings")

    def __init__(self) -> None:
        self.changes: list[tuple[models.Model, str, dict[str, Any]]] = []
        self.outcome = Outcome.UNCHANGED
        # What the row asked that was left undone without rejecting it, as (field, message).
        self.warnings: list[Problem] = []

    def created(self, obj: models.Model) -> None:
        self.changes.append((obj, _CREATE, {}))
        self.outcome = Outcome.CREATED

    def updated(self, obj: models.Model, before: dict[str, Any]) -> None:
        self.changes.append((obj, BatchChange.Action.UPDATE, _json_safe(before)))
        if self.outcome != Outcome.CREATED:
            self.outcome = Outcome.UPDATED


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The fields' values as undo restores them (a relation by its key), in the model's field order, as
    the database gives them back (an amount made earlier in the chunk has not been there yet)."""
    values = {}
    for f in _in_model_order(type(obj), tuple(fields)):
        value = getattr(obj, f.attname)
        if isinstance(f, models.DecimalField) and isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-f.decimal_places))
        values[f.name] = value
    return values


@functools.cache
def _in_model_order(model: type[models.Model], names: tuple[str, ...]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name in names]


def _json_safe(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, datetime.date | Decimal):
            out[key] = str(value)
        elif isinstance(value, models.Model):
            out[key] = value.pk
        else:
            out[key] = value
    return out


def cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime | datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return str(cell)


@dataclass(slots=True)
class Reading:
    """One row's cells read: its parsed values (None when it has problems), the key that makes two rows of
    one file the same row (None when it cannot be told), and warnings that do not reject it."""

    row: dict[str, Any] | None
    problems: list[Problem]
    key: tuple | None = None
    warnings: list[Problem] = field(default_factory=list)


class RowHandler(Protocol):
    kind: str
    fields: tuple[Field, ...]
    # The tables a chunk's look-ups read while the import grows them (see _Statistics).
    looked_up: tuple[type[models.Model], ...]

    def required(self) -> set[str]: ...

    def read(self, values: dict[str, Any]) -> Reading:
        """Parse one row's cells (no database, beyond cached look-ups of regions)."""
        ...

    def warm(self) -> None:
        """Load everything `read` looks up in the database, so that it needs the database no more: it may
        then run in a process of its own."""
        ...

    def pack(self, row: dict[str, Any]) -> dict[str, Any]:
        """A read row made cheap to send to another process (model instances replaced by their keys)."""
        ...

    def unpack(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row `pack` made, with its model instances back (from what `warm` loaded)."""
        ...

    def prefetch(self, rows: list[dict[str, Any]]) -> None:
        """Fetch what the next chunk's rows need, and start its in-memory indexes. It comes before the
        previous chunk's `write`: what that chunk holds of the rows' keys is taken over as it is now, and
        any object it holds replaces the database's copy."""
        ...

    def apply(self, row: dict[str, Any], recorder: Recorder) -> None:
        """Decide one row in memory: raise RowRejected or ValidationError before changing anything, or
        change the chunk's objects and record each change."""
        ...

    def write(self) -> None:
        """Write what every chunk so far decided, giving new objects their primary keys."""
        ...


# ValidationError keys of the domain rules → the import column the user knows.
SERVICE_FIELD_NAMES = {
    "nik": "nik",
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
    "kpj": "kpj",
    "__all__": "baris",
}


def skipped_message(problem: str) -> str:
    """The warning of a cell the record can do without, left out because it cannot be read."""
    return _("%(problem)s Isian ini tidak disimpan; baris tetap diterima. Perbaiki lalu impor lagi.") % {
        "problem": problem
    }


def problems_of(exc: ValidationError) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [
            (SERVICE_FIELD_NAMES.get(key, key), message)
            for key, errors in exc.message_dict.items()
            for message in errors
        ]
    return [("baris", message) for message in exc.messages]


class Memo:
    """Pure cell parsers, remembered for one import: most columns repeat a few values (dates, offices,
    amounts, desa codes) thousands of times. A parser's CellError is remembered as its message. Results
    are shared between rows: never change one."""

    LIMIT = 500_000  # entries; beyond this the memory is cleared rather than grown
    COLUMN_LIMIT = 100_000  # the same, for each column's own results

    def __init__(self) -> None:
        self._seen: dict[tuple, tuple[bool, Any]] = {}
        # Each column's own results as (parsed, value or message), by `cell_key`: the row readers look
        # them up themselves, which costs a third of a call. A column is always read by one parser.
        self.columns: defaultdict[str, dict[Any, tuple[bool, Any]]] = defaultdict(dict)

    def parse(
        self,
        seen: dict[Any, tuple[bool, Any]],
        key: Any,
        parser: Callable[..., Any],
        cell: Cell,
        args: tuple,
        limit: int | None = None,
    ) -> tuple[bool, Any]:
        """A result not yet in `seen` (a column's, or `_seen`): parsed, and remembered there; `seen` is
        cleared first when it holds `limit` entries (a column's: COLUMN_LIMIT)."""
        try:
            result: tuple[bool, Any] = (True, parser(cell, *args))
        except CellError as exc:
            result = (False, str(exc))
        if len(seen) >= (self.COLUMN_LIMIT if limit is None else limit):
            seen.clear()
        seen[key] = result
        return result

    def __call__(self, parser: Callable[..., Any], cell: Cell, *args: Any) -> Any:
        # The type is part of the key: 1, 1.0 and True are equal as keys but parse differently.
        key = (parser, type(cell), cell, args)
        ok, result = self._seen.get(key) or self.parse(self._seen, key, parser, cell, args, self.LIMIT)
        if ok:
            return result
        raise CellError(result)


def cell_key(cell: Cell, args: tuple) -> Any:
    """A cell's key among its column's results: text as itself; other cells with their type, because 1,
    1.0 and True are equal keys that parse differently; with the parser's other arguments, if any."""
    key = cell if type(cell) is str else (type(cell), cell)
    return (key, args) if args else key


class _DryRun(Exception):
    pass


@dataclass
class Prepared:
    table: Table
    mapping: dict[int, str]

    @property
    def total(self) -> int:
        return len(self.table.rows)

    def values(self, cells: list[Cell]) -> dict[str, Cell]:
        width = len(cells)
        return {name: cells[index] for index, name in self.mapping.items() if index < width}

    def raw(self, cells: list[Cell]) -> dict[str, str]:
        """The row's cells as text by header, as a rejected row keeps them."""
        headers = self.table.headers
        return {
            (headers[i] or f"Kolom {i + 1}"): cell_text(c) for i, c in enumerate(cells) if i < len(headers)
        }

    def chunks(self, size: int) -> Iterator[list[tuple[int, list[Cell]]]]:
        rows = self.table.rows
        for start in range(0, len(rows), size):
            yield rows[start : start + size]

    def starts(self, size: int) -> range:
        """Where each chunk of `size` rows starts."""
        return range(0, self.total, size)


def prepare(data: bytes, file_name: str, handler: RowHandler, overrides: dict[int, str] | None) -> Prepared:
    """Read the file and map its columns; ImportFailed when that is impossible."""
    try:
        table = read_table(data, file_name, header_hint=lambda cells: header_score(cells, handler.fields))
    except UnreadableFile as exc:
        raise ImportFailed(str(exc)) from exc
    match = match_headers(table.headers, handler.fields, overrides=overrides)
    present = set(match.mapping.values())
    missing = sorted(handler.required() - present)
    if missing:
        labels = {f.name: f.label for f in handler.fields}
        raise ImportFailed(
            "Kolom wajib tidak ditemukan: "
            + ", ".join(f"{labels.get(m, m)} ({m})" for m in missing)
            + ". Periksa judul kolom, atau pilih kolomnya pada langkah pemetaan.",
            headers=table.headers,
            missing=missing,
        )
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
    chunk_rows: int | None = None,
) -> ImportSummary:
    """Import one file. With a batch, its record is kept (counts, rejects, changes); without, nothing is kept.

    Raises ImportFailed when the file as a whole cannot be read; then nothing is changed.
    """
    prepared = prepare(data, file_name, handler, overrides)
    chunk_rows = chunk_rows or CHUNK_ROWS
    total = prepared.total
    summary = ImportSummary(total_rows=total)
    # Rejected rows of a dry run are kept after its rollback; a real run writes them with each chunk.
    kept_rejects: list[RejectedRow] = []
    record = batch is not None and not dry_run
    seen: dict[tuple, int] = {}  # duplicate key -> the row number that was accepted with it
    done = 0
    statistics = _Statistics(handler.looked_up)
    _column_types.clear()  # read again: a migration since the last import may have changed a column
    writer = _Writer()

    try:
        with (
            transaction.atomic(),
            _postgresql_import_settings(),
            _young_collections_only(),
            closing(_read_chunks(handler, prepared, chunk_rows)) as chunks,  # stops a reader process on exit
            writer,  # waits for the last statements before anything above ends
        ):
            if record:
                batch.rejected_rows.all().delete()  # a preview run again replaces its earlier rejects
            chunk = next(chunks, None)
            if chunk is not None:
                handler.prefetch([r.row for r in chunk[1] if r.row is not None])
            while chunk is not None:
                start, readings = chunk
                with writer.deciding():
                    changes: list[tuple[models.Model, str, dict[str, Any]]] = []
                    rejects: list[RejectedRow] = []
                    numbers = prepared.table.rows.numbers(start, start + len(readings))
                    for offset, (row_number, reading) in enumerate(zip(numbers, readings, strict=True)):
                        problems = _take(handler, row_number, reading, seen, summary, changes)
                        if problems:
                            summary.rejected += 1
                            raw = prepared.raw(prepared.table.rows[start + offset][1])
                            for field_name, message in problems:
                                summary.errors.append(RowError(row_number, field_name, message))
                                rejects.append(
                                    RejectedRow(
                                        row_number=row_number, field=field_name, message=message, data=raw
                                    )
                                )
                writer.wait()  # what the chunk before wrote is in: the database may be used again
                chunk = next(chunks, None)
                done += len(readings)
                statistics.refresh(done)
                if progress:
                    progress(done, total)
                if chunk is not None:
                    # The next chunk's look-ups come before this chunk's writes, and take over the objects
                    # those change (see RowHandler.prefetch).
                    handler.prefetch([r.row for r in chunk[1] if r.row is not None])
                with writer.writing():
                    handler.write()
                    if record:
                        record_changes(batch, changes)
                        for rejected in rejects:
                            rejected.batch = batch
                        insert(RejectedRow, rejects)
                    else:
                        kept_rejects.extend(rejects)
                if done % COLLECT_ROWS < len(readings):
                    gc.collect(1)
            writer.wait()
            if dry_run:
                raise _DryRun
            if batch is not None:
                _finish(batch, summary, ImportBatch.State.DONE, prepared.table.headers)
    except _DryRun:
        if batch is not None:
            with transaction.atomic():
                batch.rejected_rows.all().delete()
                for rejected in kept_rejects:
                    rejected.batch = batch
                insert(RejectedRow, kept_rejects)
                _finish(batch, summary, ImportBatch.State.PREVIEWED, prepared.table.headers)
    summary.batch = batch.pk if batch is not None and not dry_run else None
    return summary


def _read_chunks(
    handler: RowHandler, prepared: Prepared, chunk_rows: int
) -> Iterator[tuple[int, list[Reading]]]:
    """The file's chunks as (index of the first row, the rows read), in file order: read in this process,
    or for a large file in a second one working a chunk or two ahead (the same readings either way; this
    process then never builds the cells of a row, unless it rejects the row)."""
    threshold = READER_PROCESS_ROWS
    if threshold is None or prepared.total < threshold or not hasattr(os, "fork"):
        for start, chunk in zip(prepared.starts(chunk_rows), prepared.chunks(chunk_rows), strict=True):
            yield start, [handler.read(prepared.values(cells)) for _, cells in chunk]
        return
    handler.warm()
    with _ReaderProcess(handler, prepared, chunk_rows) as reader:
        for start in prepared.starts(chunk_rows):
            yield start, reader.next_chunk()


class ReaderFailed(RuntimeError):
    """The reader process stopped before it had read the whole file."""


class _ReaderProcess:
    """A forked child that reads the chunks (pure cell parsing: `warm` has loaded what it looks up) and
    sends their readings, pickled, through a pipe. The pipe's small buffer keeps it at most a chunk or two
    ahead. It never touches the database: the connection it inherits belongs to this process, so any query
    in it raises instead. It ends by `os._exit`, running none of this process's clean-up."""

    def __init__(self, handler: RowHandler, prepared: Prepared, chunk_rows: int) -> None:
        self.handler = handler
        self.prepared = prepared
        self.chunk_rows = chunk_rows
        self.pid = 0
        self.source: Any = None

    def __enter__(self) -> "_ReaderProcess":
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            os.close(read_end)
            self._child(write_end)  # never returns
        os.close(write_end)
        self.source = os.fdopen(read_end, "rb", buffering=1 << 20)
        return self

    def _child(self, write_end: int) -> None:
        status = 1
        sink = os.fdopen(write_end, "wb", buffering=1 << 20)
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            handler, prepared = self.handler, self.prepared
            orders: dict[tuple[str, ...], tuple[str, ...]] = {}
            with connection.execute_wrapper(_no_queries):
                for chunk in prepared.chunks(self.chunk_rows):
                    packed = []
                    for _, cells in chunk:
                        r = handler.read(prepared.values(cells))
                        if r.row is None:
                            packed.append((None, None, r.problems, r.key, r.warnings or None))
                            continue
                        row = handler.pack(r.row)
                        # The keys once per chunk (the same tuple object: pickle sends it once), the
                        # values row by row.
                        keys = tuple(row)
                        keys = orders.setdefault(keys, keys)
                        packed.append(
                            (keys, tuple(row.values()), r.problems or None, r.key, r.warnings or None)
                        )
                    pickle.dump(("chunk", packed), sink, protocol=pickle.HIGHEST_PROTOCOL)
                    sink.flush()  # the chunk is whole in the pipe: the parent may take it now
            pickle.dump(("end", None), sink, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException:
            try:
                # Where it failed and the exception's type, not its message: that may quote a cell (a NIK,
                # a name), and this text is logged.
                kind, _, trace = sys.exc_info()
                where = "".join(traceback.format_tb(trace))
                pickle.dump(("error", f"{where}{kind.__name__ if kind else 'Error'}"), sink)
            except BaseException:
                pass
        finally:
            try:
                sink.flush()
            except BaseException:
                pass
            os._exit(status)

    def next_chunk(self) -> list[Reading]:
        try:
            what, payload = pickle.load(self.source)
        except EOFError:
            raise ReaderFailed("Proses pembaca berkas berhenti sebelum selesai.") from None
        if what == "error":
            raise ReaderFailed(f"Proses pembaca berkas gagal:\n{payload}")
        if what != "chunk":
            raise ReaderFailed("Proses pembaca berkas mengirim lebih sedikit baris daripada isi berkas.")
        unpack = self.handler.unpack
        return [
            Reading(
                None if keys is None else unpack(dict(zip(keys, values, strict=True))),
                problems or [],
                key,
                warnings or [],
            )
            for keys, values, problems, key, warnings in payload
        ]

    def __exit__(self, *exc_info: Any) -> None:
        if self.source is not None:
            self.source.close()
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)


def _no_queries(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    raise RuntimeError("The reader process of an import must not query the database.")


_deferred = threading.local()  # .statements: where insert_rows and update_rows put what they would run


class _Writer:
    """On PostgreSQL, a chunk's statements (its COPYs and UPDATEs, all values made ready here, new keys
    drawn here) run in a thread of their own, while this one decides the next chunk: the server's work on
    them no longer waits for this process, nor this process for it. The thread uses this connection in the
    import's transaction; this process does not query while it runs (`deciding` makes sure) and waits for
    it (`wait`) before the next look-up. Elsewhere, or while queries are being logged or wrapped, the
    statements run at once, as they are made."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.interval = sys.getswitchinterval()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Collect the statements made inside, then start the thread that runs them."""
        if connection.vendor != "postgresql" or connection.execute_wrappers or connection.queries_logged:
            yield
            return
        statements: list[tuple[str, str, Any]] = []
        _deferred.statements = statements
        try:
            yield
        finally:
            del _deferred.statements
        if statements:
            self.thread = threading.Thread(
                target=self._run, args=(connection.connection, statements), name="import-writer", daemon=True
            )
            self.thread.start()

    def _run(self, raw: Any, statements: list[tuple[str, str, Any]]) -> None:
        try:
            with raw.cursor() as cursor:
                for kind, sql, data in statements:
                    if kind == "copy":
                        with cursor.copy(sql) as copy:
                            copy.write(data)  # the driver sends it with the interpreter's lock released
                    else:
                        cursor.executemany(sql, data)
        except BaseException as exc:  # raised again by `wait`, in the import's own thread
            self.error = exc

    @contextmanager
    def deciding(self) -> Iterator[None]:
        """While the thread runs, a query here would come between its statements: refused."""
        if self.thread is None:
            yield
            return
        with connection.execute_wrapper(_no_queries_while_writing):
            yield

    def wait(self) -> None:
        """Wait for the statements; their error, if any, is raised here, as Django's."""
        if self.thread is None:
            return
        self.thread.join()
        self.thread = None
        error, self.error = self.error, None
        if error is not None:
            with connection.wrap_database_errors:
                raise error

    def __enter__(self) -> "_Writer":
        # The writer thread needs the interpreter's lock for a moment at each step of its statements (a
        # COPY is sent in pieces, each waited for), and this thread, busy deciding rows, gives it up only
        # every switch interval (5 ms): a chunk's statements waited for it about as long as they ran.
        self.interval = sys.getswitchinterval()
        if connection.vendor == "postgresql":
            sys.setswitchinterval(WRITER_SWITCH_INTERVAL)
        return self

    def __exit__(self, kind: Any, exc: Any, trace: Any) -> None:
        sys.setswitchinterval(self.interval)
        if kind is None:
            self.wait()
            return
        # Something failed already: the thread is waited for (the transaction is rolled back after it),
        # and an error of its own is dropped for the one on its way.
        if self.thread is not None:
            self.thread.join()
            self.thread = None
            self.error = None


def _copy_data(rows: list[list], types: list[int]) -> tuple[str, bytes]:
    """The rows as a COPY's data, made by the driver's own formatter, here (the writer thread then only
    sends bytes, and never holds the interpreter's lock for long: making rows there would take it from
    this thread row by row, and leave the server waiting on both), with the COPY option that reads them.

    In COPY's binary format, each value dumped as its column's type (`types`): about a third of the text
    format's time here (1.3 µs a position against 4.1), and a sixth less of the server's. A value that the
    binary dumper of its column's type does not take (a text for a date, say) sends the rows as text, as
    COPY's text format would read them: formatting only writes to memory, so nothing was sent yet."""
    try:
        return " (FORMAT binary)", _formatted(rows, types)
    except Exception:  # noqa: BLE001 - whatever a dumper raises: the text format is tried instead
        return "", _formatted(rows, None)


def _formatted(rows: list[list], types: list[int] | None) -> bytes:
    from psycopg.copy import Copy, FileWriter  # the PostgreSQL driver, present wherever this path runs

    buffer = io.BytesIO()
    with (
        connection.connection.cursor() as cursor,
        Copy(cursor, binary=types is not None, writer=FileWriter(buffer)) as copy,
    ):
        if types is not None:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)
    return buffer.getvalue()


# The types of a table's columns by name, by (connection, table): read once per import (see run_import).
_column_types: dict[tuple[int, str], dict[str, int]] = {}


def _types_of(table: str, columns: list[str]) -> list[int]:
    """The PostgreSQL type (its OID) of each of the table's columns, as the database has them."""
    key = (id(connection.connection), table)
    types = _column_types.get(key)
    if types is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [connection.ops.quote_name(table)],
            )
            types = _column_types[key] = dict(cursor.fetchall())
    return [types[column] for column in columns]


def _no_queries_while_writing(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
    raise RuntimeError("An import must not query the database while its writer thread runs.")


class _Statistics:
    """PostgreSQL plans the chunks' look-ups from table statistics, which autovacuum cannot gather on rows
    the import has not committed: a table that grew from nothing is then scanned whole for every chunk.
    ANALYZE in the import's own transaction counts its rows; it runs again each time the rows done double.
    """

    FIRST = 2000

    def __init__(self, tables: tuple[type[models.Model], ...]) -> None:
        self.tables = tables if connection.vendor == "postgresql" else ()
        self.next = self.FIRST

    def refresh(self, done: int) -> None:
        if not self.tables or done < self.next:
            return
        self.next = done * 2
        names = ", ".join(connection.ops.quote_name(t._meta.db_table) for t in self.tables)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {names}")


@contextmanager
def _postgresql_import_settings() -> Iterator[None]:
    """Two settings for the import's own statements on PostgreSQL, put back as they were after it:

    - Foreign keys checked at the end of each statement (SET CONSTRAINTS ALL IMMEDIATE). A deferred key is
      checked row by row at COMMIT: for a national roster 3 million checks (about 13 s) while both import
      processes wait. Django makes its keys DEFERRABLE INITIALLY DEFERRED, so ALL DEFERRED afterwards
      gives the rest of the transaction the checking it had.
    - No parallel workers for the chunks' look-ups (max_parallel_workers_per_gather = 0): each look-up is
      small, and starting a worker for it took longer than the look-up itself.

    (SQLite counts a deferred key's violations as it goes, and has no parallel workers: nothing to do.)"""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
        (workers, _) = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true)", [workers])


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """The file's rows and the duplicate keys stay alive through an import: automatic full collections
    would walk those millions of objects again and again. The rows make no reference cycles that need the
    collector (100,000 roster rows left 6 such objects): the young generations are collected every
    COLLECT_ROWS rows, the rest when the import is over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _take(
    handler: RowHandler,
    row_number: int,
    reading: Reading,
    seen: dict[tuple, int],
    summary: ImportSummary,
    changes: list,
) -> list[Problem]:
    """Take one row, or say why not (every problem found)."""
    key = reading.key
    if key is not None and key in seen:
        return [("baris", f"Baris ini sama dengan baris {seen[key]} di berkas ini.")]
    if reading.problems or reading.row is None:
        return reading.problems
    recorder = Recorder()
    try:
        handler.apply(reading.row, recorder)
    except RowRejected as exc:
        return exc.problems
    except ValidationError as exc:
        return problems_of(exc)
    if key is not None:
        seen[key] = row_number
    summary.accepted += 1
    setattr(summary, recorder.outcome, getattr(summary, recorder.outcome) + 1)
    # A warning belongs to a row that is kept: a rejected row's problems are all it needs.
    if recorder.outcome != Outcome.UNCHANGED and len(summary.people) < PEOPLE_KEPT:
        summary.people.append(row_person(row_number, recorder))
    for field_name, message in (*reading.warnings, *recorder.warnings):
        summary.warnings.append(RowError(row_number, field_name, message))
    changes.extend(recorder.changes)
    return []


PEOPLE_KEPT = 500  # rows named on a batch's page; the counts tell the rest


def row_person(row_number: int, recorder: Recorder) -> dict[str, Any]:
    """Whom one accepted row creates or changes, as the preview names them: the person of the position it
    made (else of the one it changed), the person, or the BPJS participant."""
    from lindungdesa.officials.models import Person, Position  # the engine knows no model of its own

    def rank(change: tuple) -> tuple[int, int]:
        obj, action, _before = change
        kind = 0 if isinstance(obj, Position) else 1 if isinstance(obj, Person) else 2
        return (kind, 0 if action == _CREATE else 1)

    obj = min(recorder.changes, key=rank)[0]
    if isinstance(obj, Position):
        name, nik, what = obj.person.name, obj.person.nik, obj.office_label
    elif isinstance(obj, Person):
        name, nik, what = obj.name, obj.nik, ""
    else:
        name, nik, what = getattr(obj, "bpjs_name", ""), getattr(obj, "nik", ""), getattr(obj, "kpj", "")
    return {"row": row_number, "action": recorder.outcome, "name": name, "nik": nik or "", "what": what}


def record_changes(batch: ImportBatch, changes: list[tuple[models.Model, str, dict]]) -> None:
    """Write the chunk's BatchChange rows, in the order the rows made them (undo goes backwards). The
    objects of a model created with consecutive keys become one row, in the place of the first of them:
    undo deletes what a batch created model by model, and restores what it changed after that, so only
    the order of the changes among themselves matters."""
    before_field = BatchChange._meta.get_field("before")
    nothing = before_field.get_db_prep_save({}, connection)
    labels: dict[type, tuple[str, str]] = {}  # model -> its label, its key's attname (`obj.pk` is slower)
    create = BatchChange.Action.CREATE
    runs: dict[str, list] = {}  # model label -> its row of the latest run of created objects
    rows = []
    for obj, action, before in changes:
        model = type(obj)
        label, attname = labels.get(model) or labels.setdefault(
            model, (model._meta.label, model._meta.pk.attname)
        )
        key = obj.__dict__[attname]
        if action == create:
            run = runs.get(label)
            if run is not None and run[3] + 1 == key:
                run[3] = key
                continue
            run = runs[label] = [batch.pk, label, key, key, action, nothing]
            rows.append(run)
        else:
            rows.append(
                [batch.pk, label, key, None, action, before_field.get_db_prep_save(before, connection)]
            )
    for row in rows:
        if row[3] == row[2]:
            row[3] = None  # a run of one
    insert_rows(BatchChange, ["batch", "model", "object_id", "last_object_id", "action", "before"], rows)


def _finish(batch: ImportBatch, summary: ImportSummary, state: str, headers: list[str]) -> None:
    batch.headers = headers
    batch.warnings = [warning.as_dict() for warning in summary.warnings]
    batch.people = summary.people
    for name in ("total_rows", "accepted", "rejected", "created", "updated", "unchanged"):
        setattr(batch, name, getattr(summary, name))
    batch.state = state
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()


# Field checks ---------------------------------------------------------------------------------------------


@functools.cache
def _field_checks(model: type[models.Model], exclude: frozenset[str]) -> tuple[tuple[str, Callable], ...]:
    """The fields `clean_fields` checks, each with a test that says True only of a value that plainly fits
    the field (False sends the object to Django's own checks, which decide)."""
    checks = []
    for f in model._meta.fields:
        if f.name in exclude or f.generated:
            continue
        validators = f.validators
        empty = f.empty_values if f.blank else None
        if type(f) in (models.CharField, models.TextField) and all(
            isinstance(v, MaxLengthValidator) and v.limit_value == f.max_length for v in validators
        ):
            checks.append((f.attname, _text_check(f, empty)))
        elif type(f) is models.DateField and not validators:
            checks.append((f.attname, _date_check(empty)))
        elif type(f) is models.DecimalField and all(isinstance(v, DecimalValidator) for v in validators):
            checks.append((f.attname, _decimal_check(f, empty)))
        else:
            checks.append((f.attname, _empty_check(empty)))
    return tuple(checks)


def _empty_check(empty: list | None) -> Callable[[Any], bool]:
    # clean_fields passes over an empty value of a field that may be blank
    return (lambda value: value in empty) if empty is not None else (lambda value: False)


def _text_check(f: models.Field, empty: list | None) -> Callable[[Any], bool]:
    limit = f.max_length
    choices = None
    if f.choices is not None and f.editable:
        choices = frozenset(str(value) for value, _ in f.flatchoices)

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return empty is not None and value in empty
        if not value:
            return empty is not None
        if limit is not None and len(value) > limit:
            return False
        return choices is None or value in choices

    return check


def _date_check(empty: list | None) -> Callable[[Any], bool]:
    date = datetime.date
    return lambda value: type(value) is date or (empty is not None and value in empty)


def _decimal_check(f: models.Field, empty: list | None) -> Callable[[Any], bool]:
    verdicts: dict[tuple, bool] = {}  # the validators depend only on a value's digits and exponent

    def check(value: Any) -> bool:
        if type(value) is not Decimal:
            return empty is not None and value in empty
        shape = value.as_tuple()
        verdict = verdicts.get(shape)
        if verdict is None:
            try:
                f.run_validators(value)
                verdict = value.is_finite()
            except ValidationError:
                verdict = False
            if len(verdicts) < 10_000:
                verdicts[shape] = verdict
        return verdict

    return check


_UNLOADED = object()  # a deferred field: Django's checks load it


def plainly_valid(obj: models.Model, *, exclude: Iterable[str] = ()) -> bool:
    """Whether every field's value plainly fits it, so that `clean_fields(obj, exclude=…)` would pass
    without asking Django (False: Django decides)."""
    attrs = obj.__dict__
    for attname, check in _field_checks(type(obj), frozenset(exclude)):
        if not check(attrs.get(attname, _UNLOADED)):
            return False
    return True


def plainly_valid_values(model: type[models.Model], values: dict[str, Any]) -> bool:
    """`plainly_valid(build_from(model, values))` without building the instance, for values of plain
    fields given by attname (anything else is built)."""
    rest = _rest_plainly_valid(model, frozenset(values))
    if rest is None:
        return plainly_valid(build_from(model, values))
    if not rest:
        return False
    for attname, value in values.items():
        if not _field_check(model, attname)(value):
            return False
    return True


@functools.cache
def _rest_plainly_valid(model: type[models.Model], given: frozenset[str]) -> bool | None:
    """Whether the fields not given plainly fit at their defaults; None when that cannot be said once
    (a default made anew each time) or a name given is not a plain field's attname."""
    plain = {f.attname for f in model._meta.concrete_fields if not f.is_relation}
    if not given <= plain:
        return None
    if any(
        f.has_default() and callable(f.default) for f in model._meta.concrete_fields if f.attname not in given
    ):
        return None
    defaults = build_from(model, {}).__dict__
    return all(
        check(defaults.get(attname, _UNLOADED))
        for attname, check in _field_checks(model, frozenset())
        if attname not in given
    )


def plainly_valid_value(model: type[models.Model], name: str, value: Any) -> bool:
    """Whether `value` plainly fits the model's field `name`, as `plainly_valid` tells of each field."""
    return _field_check(model, name)(value)


@functools.cache
def _field_check(model: type[models.Model], name: str) -> Callable[[Any], bool]:
    attname = model._meta.get_field(name).attname
    for field_attname, check in _field_checks(model, frozenset()):
        if field_attname == attname:
            return check
    return lambda value: True  # a field that clean_fields does not check


def clean_fields(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """`obj.full_clean(exclude=…)` without the queries (uniqueness, constraints: the callers have checked
    those against what they hold) and, for values that plainly fit their field, without Django's per-field
    machinery (about 30-50 µs an object). Anything else gets Django's own verdict and messages."""
    if not plainly_valid(obj, exclude=exclude):
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


# Bulk reads and writes ------------------------------------------------------------------------------------

IN_BATCH = 500  # values per `__in` look-up: SQLite builds before 3.32 allow 999 variables a statement


def fetch_in(queryset: QuerySet, lookup: str, values: Iterable[Any]) -> Iterator[Any]:
    """`queryset.filter(**{lookup: values})`, in slices that every database accepts."""
    values = list(values)
    for start in range(0, len(values), IN_BATCH):
        yield from queryset.filter(**{lookup: values[start : start + IN_BATCH]})


def fetch_objects(model: type[models.Model], field_name: str, values: Iterable[Any]) -> Iterator[Any]:
    """`model.objects.filter(<field>__in=values)` (in no particular order) as one plain SELECT per slice:
    Django builds a look-up of 500 values about five times slower than the query takes to run."""
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    for row in _select_in(model, fields, field_name, values):
        yield model.from_db(connection.alias, attnames, row)


def fetch_values(
    model: type[models.Model], names: list[str], field_name: str, values: Iterable[Any]
) -> Iterator[tuple]:
    """`model.objects.filter(<field>__in=values).values_list(*names)`, in no particular order."""
    fields = [model._meta.get_field(name) for name in names]
    for row in _select_in(model, fields, field_name, values):
        yield tuple(row)


def _select_in(
    model: type[models.Model], fields: list[models.Field], field_name: str, values: Iterable[Any]
) -> Iterator[list]:
    """The fields' values, converted as a queryset converts them, of the rows whose field is among values."""
    meta = model._meta
    qn = connection.ops.quote_name
    key = meta.get_field(field_name)
    columns = [f.get_col(meta.db_table) for f in fields]
    converters = []
    for i, column in enumerate(columns):
        found = [*connection.ops.get_db_converters(column), *column.field.get_db_converters(connection)]
        if found:
            converters.append((i, column, found))
    select = (
        f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(meta.db_table)} WHERE {qn(key.column)}"
    )
    values = [key.get_db_prep_value(value, connection) for value in values]
    if connection.vendor == "postgresql":
        # One array parameter: the driver merges parameters into the text of the query, and parses that
        # text again for each new query (a query of 500 placeholders cost more than its run).
        queries = [(f"{select} = ANY(%s)", [values])] if values else []
    else:
        parts = [values[start : start + IN_BATCH] for start in range(0, len(values), IN_BATCH)]
        queries = [(f"{select} IN ({', '.join(['%s'] * len(part))})", part) for part in parts]
    with connection.cursor() as cursor:
        for sql, params in queries:
            _execute(cursor, sql, params)
            for row in cursor.fetchall():
                row = list(row)
                for i, column, functions in converters:
                    value = row[i]
                    for function in functions:
                        value = function(value, column, connection)
                    row[i] = value
                yield row


# Fields whose Python value every driver takes as it is (dates on SQLite: see _DateText);
# others go through the field's own preparation. DateTimeField is a DateField, hence the exact types.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.DateField,
    models.DecimalField,  # every backend's adapter takes a Decimal as it is
    models.BigIntegerField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BigAutoField,
    models.AutoField,
    models.ForeignKey,
)


def _preparers(fields: list[models.Field], now: datetime.datetime) -> list[Callable[[Any], Any] | Any]:
    """Per field: a function preparing a value for the database, or the one value every row gets."""
    out: list[Callable[[Any], Any] | Any] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            out.append(_Const(f.get_db_prep_save(now, connection)))
        elif type(f) in _PLAIN_FIELDS or isinstance(f, models.ForeignKey):
            out.append(None)
        else:
            out.append(lambda value, f=f: f.get_db_prep_save(value, connection))
    return out


@dataclass(frozen=True)
class _Const:
    value: Any


class _DateText(dict):
    """A date as SQLite stores it (the text Django's adapter makes of it), remembered: a chunk's dates are
    few, and text binds at C speed where each date object went through the driver's adapter (about 0.7 µs
    a value, five values a position)."""

    def __missing__(self, day: Any) -> Any:
        text = self[day] = None if day is None else str(day)
        return text


_DATE_TEXT = _DateText()


def _values(objs: Iterable[models.Model], fields: list[models.Field], now: datetime.datetime) -> list[list]:
    preparers = _preparers(fields, now)
    # Fields set to now on every object (auto_now), as save() sets them, and fields needing preparation.
    stamped = {f.attname: now for f, prep in zip(fields, preparers, strict=True) if type(prep) is _Const}
    special = [(i, prep) for i, prep in enumerate(preparers) if prep is not None]
    dates: list[int] = []
    if connection.vendor == "sqlite":
        dates = [
            i
            for i, (f, prep) in enumerate(zip(fields, preparers, strict=True))
            if prep is None and type(f) is models.DateField
        ]
        if len(_DATE_TEXT) > 100_000:
            _DATE_TEXT.clear()
    text = _DATE_TEXT
    attnames = [f.attname for f in fields]
    get = operator.attrgetter(*attnames)
    one = len(attnames) == 1
    rows = []
    for obj in objs:
        if stamped:
            obj.__dict__.update(stamped)
        row = [get(obj)] if one else list(get(obj))
        for i in dates:
            row[i] = text[row[i]]
        for i, prep in special:
            row[i] = prep.value if type(prep) is _Const else prep(row[i])
        rows.append(row)
    return rows


def insert_rows(
    model: type[models.Model], names: list[str], rows: list[list], *, returning: bool = False
) -> list[Any]:
    """INSERT rows of database-ready values into the named columns; the new primary keys, in order, when
    `returning`. What `bulk_create` does, without its per-value machinery (measured: 50-90 µs a row for
    it, a few µs for this)."""
    if not rows:
        return []
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    keys: list[Any] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is the fastest way in (about 2.5 times an INSERT ... SELECT FROM UNNEST); it returns
            # nothing, so the new keys are drawn from the table's sequence first.
            if returning:
                # The sequence named once: pg_get_serial_sequence is a catalog look-up (about 3 µs), and
                # called row by row it took ten times as long as the nextval itself.
                cursor.execute(
                    "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
                    "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(rows)],
                )
                keys = [value for (value,) in cursor.fetchall()]
                columns = f"{qn(meta.pk.column)}, {columns}"
                rows = [[key, *row] for key, row in zip(keys, rows, strict=True)]
            names = [meta.pk.column] if returning else []
            names += [f.column for f in fields]
            option, data = _copy_data(rows, _types_of(meta.db_table, names))
            copy_sql = f"COPY {table} ({columns}) FROM STDIN{option}"
            deferred = getattr(_deferred, "statements", None)
            if deferred is not None:
                deferred.append(("copy", copy_sql, data))
            else:
                with cursor.cursor.copy(copy_sql) as copy:
                    copy.write(data)
        else:
            tail = f" RETURNING {qn(meta.pk.column)}" if returning else ""
            per_statement = max(1, (connection.features.max_query_params or 999) // len(fields))
            one = "(" + ", ".join(["%s"] * len(fields)) + ")"
            statements: dict[int, str] = {}
            for start in range(0, len(rows), per_statement):
                part = rows[start : start + per_statement]
                sql = statements.get(len(part))
                if sql is None:
                    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(part))}{tail}"
                    statements[len(part)] = sql
                _execute(cursor, sql, [value for row in part for value in row])
                if returning:
                    keys.extend(value for (value,) in cursor.fetchall())
    return keys


@functools.lru_cache(maxsize=64)
def _qmark(sql: str) -> str:
    return sql.replace("%s", "?")


def _execute(cursor: Any, sql: str, params: list) -> None:
    """`cursor.execute(sql, params)`. On SQLite, unless queries are being logged or wrapped, the statement
    goes to the driver's own cursor in the driver's `?` style: Django's wrapper would rewrite each `%s` of a
    statement of a thousand values with a regular expression first (about a twentieth of a roster import).
    Database errors still become Django's."""
    if connection.vendor != "sqlite" or connection.execute_wrappers or connection.queries_logged:
        cursor.execute(sql, params)
        return
    with connection.wrap_database_errors:
        sqlite3.Cursor.execute(cursor.cursor, _qmark(sql), params)


def insert(model: type[models.Model], objs: list[models.Model]) -> None:
    """INSERT the objects and give them their primary keys. Values are taken as the objects hold them:
    the callers build them from parsed cells and check them with the model's rules first."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = _values(objs, fields, timezone.now())
    keys = insert_rows(model, [f.name for f in fields], rows, returning=True)
    # The key's attribute set as `obj.pk = key` sets it for a model without parents.
    attname = None if model._meta.parents else model._meta.pk.attname
    for obj, key in zip(objs, keys, strict=True):
        if attname is None:
            obj.pk = key
        else:
            obj.__dict__[attname] = key
        obj._state.adding = False


def update(model: type[models.Model], objs: Iterable[models.Model], names: list[str]) -> None:
    """UPDATE the named fields of saved objects (and `updated_at`): `bulk_update` without its CASE
    expressions, one short statement per row run by the driver."""
    objs = list(objs)
    if not objs:
        return
    meta = model._meta
    rows = _values(objs, [meta.get_field(name) for name in names], timezone.now())
    update_rows(model, names, [(obj.pk, row) for obj, row in zip(objs, rows, strict=True)])


def update_rows(model: type[models.Model], names: list[str], rows: list[tuple[Any, list]]) -> None:
    """UPDATE rows given as (primary key, database-ready values of the named fields); a model's
    `updated_at` is set to now, as `save()` would."""
    if not rows:
        return
    meta = model._meta
    touched = []
    if "updated_at" not in names and any(f.name == "updated_at" for f in meta.concrete_fields):
        touched = [meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)]
        names = [*names, "updated_at"]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(meta.get_field(name).column)} = %s" for name in names)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"
    params = [[*values, *touched, pk] for pk, values in rows]
    deferred = getattr(_deferred, "statements", None)
    if deferred is not None:
        deferred.append(("many", sql, params))
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def prepared_values(model: type[models.Model], names: list[str], values: dict[str, Any]) -> list:
    """Values as a JSON record keeps them (a date as text, a relation by its key), made database-ready."""
    meta = model._meta
    out = []
    for name in names:
        f = meta.get_field(name)
        value = values[name]
        out.append(None if value is None else f.get_db_prep_save(f.to_python(value), connection))
    return out


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
        state=ImportBatch.State.PENDING,
    )
    if save:
        batch.file.save(f"{batch.file_sha256[:16]}-{file_name[-80:]}", ContentFile(data), save=False)
        batch.save()
    return batch


def batch_fail(batch: ImportBatch, message: str) -> None:
    batch.state = ImportBatch.State.FAILED
    batch.message = message
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "message", "finished_at"])
