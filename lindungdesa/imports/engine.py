"""What every import shares: read the file, match headers, take each row in a savepoint, keep the rejects.

A row handler (roster.py, bpjs.py) turns one row's cells into writes through the domain services; this
module makes the whole file atomic, the dry run exact (the same writes, rolled back), and the batch
undoable (every write is recorded as a BatchChange).
"""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from lindungdesa.lib.headers import Field, header_score, match_headers
from lindungdesa.lib.tabular import Table, UnreadableFile, read_table
from lindungdesa.lib.values import CellError

from .models import BatchChange, ImportBatch, RejectedRow
from .summary import ImportFailed, ImportSummary, RowError, RowRejected

Progress = Callable[[int, int], None]


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


class Recorder:
    """Collects what a batch wrote, for undo."""

    def __init__(self) -> None:
        self.changes: list[BatchChange] = []
        self.outcome = Outcome.UNCHANGED

    def created(self, obj: models.Model) -> None:
        self.changes.append(
            BatchChange(model=obj._meta.label, object_id=obj.pk, action=BatchChange.Action.CREATE)
        )
        self.outcome = Outcome.CREATED

    def updated(self, obj: models.Model, before: dict[str, Any]) -> None:
        self.changes.append(
            BatchChange(
                model=obj._meta.label,
                object_id=obj.pk,
                action=BatchChange.Action.UPDATE,
                before=_json_safe(before),
            )
        )
        if self.outcome != Outcome.CREATED:
            self.outcome = Outcome.UPDATED


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return model_to_dict(obj, fields=fields)


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


class RowHandler(Protocol):
    kind: str
    fields: tuple[Field, ...]

    def required(self) -> set[str]: ...

    def duplicate_key(self, values: dict[str, Any]) -> tuple | None: ...

    def apply(self, values: dict[str, Any], recorder: Recorder, warn: Callable[[str, str], None]) -> None: ...


# ValidationError keys of the domain services → the import column the user knows.
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


def problems_of(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (SERVICE_FIELD_NAMES.get(key, key), message)
            for key, errors in exc.message_dict.items()
            for message in errors
        ]
    return [("baris", message) for message in exc.messages]


class _DryRun(Exception):
    pass


@dataclass
class Prepared:
    table: Table
    mapping: dict[int, str]
    rows: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)


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
    prepared = Prepared(table=table, mapping=match.mapping)
    for row_number, cells in table.rows:
        values = {name: cells[index] for index, name in match.mapping.items() if index < len(cells)}
        raw = {
            (table.headers[i] or f"Kolom {i + 1}"): cell_text(c)
            for i, c in enumerate(cells)
            if i < len(table.headers)
        }
        prepared.rows.append((row_number, values, raw))
    return prepared


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

    Raises ImportFailed when the file as a whole cannot be read; then nothing is changed.
    """
    prepared = prepare(data, file_name, handler, overrides)
    summary = ImportSummary(total_rows=len(prepared.rows))
    rejected: list[RejectedRow] = []
    recorder_changes: list[BatchChange] = []
    seen: dict[tuple, int] = {}
    total = len(prepared.rows)

    def reject(row_number: int, raw: dict[str, str], problems: list[tuple[str, str]]) -> None:
        summary.rejected += 1
        for field_name, message in problems:
            summary.errors.append(RowError(row_number, field_name, message))
            rejected.append(RejectedRow(row_number=row_number, field=field_name, message=message, data=raw))

    try:
        with transaction.atomic():
            for done, (row_number, values, raw) in enumerate(prepared.rows, start=1):
                try:
                    key = handler.duplicate_key(values)
                except (CellError, RowRejected):
                    key = None  # the row's own parsing will report the problem below
                if key is not None and key in seen:
                    reject(
                        row_number,
                        raw,
                        [("baris", f"Baris ini sama dengan baris {seen[key]} di berkas ini.")],
                    )
                    continue
                recorder = Recorder()

                def warn(field_name: str, message: str, row_number: int = row_number) -> None:
                    summary.warnings.append(RowError(row_number, field_name, message))

                try:
                    with transaction.atomic():
                        handler.apply(values, recorder, warn)
                except RowRejected as exc:
                    reject(row_number, raw, exc.problems)
                except ValidationError as exc:
                    reject(row_number, raw, problems_of(exc))
                else:
                    if key is not None:
                        seen[key] = row_number
                    summary.accepted += 1
                    setattr(summary, recorder.outcome, getattr(summary, recorder.outcome) + 1)
                    recorder_changes.extend(recorder.changes)
                if progress and (done % 200 == 0 or done == total):
                    progress(done, total)
            if dry_run:
                raise _DryRun
            if batch is not None:
                for change in recorder_changes:
                    change.batch = batch
                BatchChange.objects.bulk_create(recorder_changes, batch_size=2000)
                _finish(batch, summary, rejected, ImportBatch.State.DONE)
    except _DryRun:
        if batch is not None:
            with transaction.atomic():
                _finish(batch, summary, rejected, ImportBatch.State.PREVIEWED)
    summary.batch = batch.pk if batch is not None and not dry_run else None
    return summary


def _finish(batch: ImportBatch, summary: ImportSummary, rejected: list[RejectedRow], state: str) -> None:
    batch.rejected_rows.all().delete()  # a preview run again replaces its earlier rejects
    for row in rejected:
        row.batch = batch
    RejectedRow.objects.bulk_create(rejected, batch_size=2000)
    for name in ("total_rows", "accepted", "rejected", "created", "updated", "unchanged"):
        setattr(batch, name, getattr(summary, name))
    batch.state = state
    batch.progress = 100
    batch.finished_at = timezone.now()
    batch.save()


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
