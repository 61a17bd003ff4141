"""Imports as services: the pages, the background task and the CLI all call these."""

from django.apps import apps
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.enrolment.reconcile import enrolments_link_by_nik, match_proposals_refresh, nik_prefix_of
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import Region

from .bpjs import BpjsRows
from .engine import Progress, RowHandler, batch_create, batch_fail, run_import
from .models import BatchChange, ImportBatch
from .roster import RosterRows
from .summary import ImportFailed, ImportSummary


def roster_import_file(
    *,
    data: bytes,
    file_name: str,
    user=None,
    scope_code: str | None = None,
    default_desa: Region | None = None,
    dry_run: bool = False,
    overrides: dict[int, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a roster file now. A dry run writes nothing (not even a batch) and reports the same counts."""
    batch = batch_create(
        kind=ImportBatch.Kind.ROSTER,
        data=data,
        file_name=file_name,
        user=user,
        scope_code=_scope(user, scope_code),
        default_desa=default_desa,
        overrides=overrides,
        dry_run=dry_run,
        save=not dry_run,
    )
    return batch_process(batch, data=data, progress=progress)


def bpjs_import_file(
    *,
    data: bytes,
    file_name: str,
    as_of: Month,
    user=None,
    scope_code: str | None = None,
    dry_run: bool = False,
    overrides: dict[int, str] | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one month's BPJS participant extract now."""
    batch = batch_create(
        kind=ImportBatch.Kind.BPJS,
        data=data,
        file_name=file_name,
        user=user,
        scope_code=_scope(user, scope_code),
        as_of=as_of.first_day,
        overrides=overrides,
        dry_run=dry_run,
        save=not dry_run,
    )
    return batch_process(batch, data=data, progress=progress)


def _scope(user, scope_code: str | None) -> str:
    if scope_code is not None:
        return scope_code
    return (user.region_id or "") if user is not None and user.is_authenticated else ""


def handler_for(batch: ImportBatch) -> RowHandler:
    if batch.kind == ImportBatch.Kind.ROSTER:
        return RosterRows(scope_code=batch.scope_code, default_desa=batch.default_desa)
    return BpjsRows(as_of=Month.of(batch.as_of), scope_code=batch.scope_code, batch_id=batch.pk)


def batch_process(
    batch: ImportBatch, *, data: bytes | None = None, progress: Progress | None = None
) -> ImportSummary:
    """Run a batch: a dry run (kept as a preview when the batch is saved) or the real import.

    An unsaved batch (the CLI's dry run) leaves no trace at all. Raises ImportFailed when the file as a whole
    cannot be imported; the batch then says why, and nothing else changed.
    """
    saved = batch.pk is not None
    if data is None:
        with batch.file.open("rb") as fh:
            data = fh.read()
    if saved:
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.RUNNING, progress=0, message=""
        )
    overrides = {int(k): v for k, v in (batch.column_overrides or {}).items()}
    try:
        summary = run_import(
            handler=handler_for(batch),
            data=data,
            file_name=batch.file_name,
            batch=batch if saved else None,
            dry_run=batch.dry_run,
            overrides=overrides or None,
            progress=progress,
        )
    except ImportFailed as exc:
        if saved:
            batch_fail(batch, str(exc))
        raise
    except Exception:
        if saved:
            batch_fail(batch, "Impor gagal karena kesalahan sistem; tidak ada data yang diubah.")
        raise
    if not batch.dry_run:
        reconcile_after_import(batch.scope_code)
    return summary


def batch_commit_preview(batch: ImportBatch) -> ImportBatch:
    """Turn a previewed dry run into the real import (run it again: the data may have changed since)."""
    if batch.state != ImportBatch.State.PREVIEWED:
        raise ValueError("Hanya uji coba yang selesai yang dapat disimpan.")
    batch.dry_run = False
    batch.state = ImportBatch.State.PENDING
    batch.save(update_fields=["dry_run", "state"])
    return batch


def reconcile_after_import(scope_code: str = "") -> None:
    """New people may be the participants BPJS already reported; new participants may be known people."""
    enrolments_link_by_nik()
    match_proposals_refresh(nik_prefix=nik_prefix_of(scope_code))


class UndoRefused(Exception):
    """The batch cannot be undone; the message says why, in Indonesian."""


@transaction.atomic
def batch_undo(*, batch: ImportBatch, user=None) -> int:
    """Undo the last completed batch: delete what it created, restore what it changed. Returns a count."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.DONE:
        raise UndoRefused("Hanya impor yang selesai yang dapat dibatalkan.")
    if ImportBatch.objects.filter(state=ImportBatch.State.DONE, pk__gt=batch.pk).exists():
        raise UndoRefused("Hanya impor terakhir yang dapat dibatalkan; batalkan dulu impor yang lebih baru.")
    changes = list(batch.changes.order_by("-id"))
    # Rows are "changed since" when edited after this batch, or after a later batch was undone (undoing one
    # rewrites the rows it had touched, which must not block undoing the one before).
    later_undo = ImportBatch.objects.filter(pk__gt=batch.pk, state=ImportBatch.State.UNDONE).aggregate(
        at=Max("undone_at")
    )["at"]
    cutoff = max(t for t in (batch.finished_at, later_undo) if t is not None) if batch.finished_at else None
    restored: set[tuple[str, int]] = set()
    for change in changes:
        model = apps.get_model(change.model)
        obj = model.objects.filter(pk=change.object_id).first()
        if obj is None:
            continue
        key = (change.model, change.object_id)
        if key not in restored and cutoff and obj.updated_at > cutoff:
            raise UndoRefused(
                f"Data {model._meta.verbose_name} dari impor ini sudah diubah sesudahnya; pembatalan akan "
                "menghapus perubahan itu. Perbaiki datanya secara langsung."
            )
        restored.add(key)
        if change.action == BatchChange.Action.CREATE:
            if isinstance(obj, Person):
                # BPJS participants linked to this person by NIK become unmatched again, as before the import.
                Enrolment.objects.filter(person=obj).update(person=None)
            try:
                obj.delete()
            except ProtectedError as exc:
                raise UndoRefused(
                    f"Data {model._meta.verbose_name} yang dibuat impor ini sudah dipakai data lain."
                ) from exc
        else:
            for field, value in change.before.items():
                model_field = model._meta.get_field(field)
                setattr(obj, model_field.attname, None if value is None else model_field.to_python(value))
            obj.save()
    batch.state = ImportBatch.State.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = user if user is not None and user.is_authenticated else None
    batch.save(update_fields=["state", "undone_at", "undone_by"])
    return len(changes)
