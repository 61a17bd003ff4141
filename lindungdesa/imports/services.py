"""Imports as services: the pages, the background task and the CLI all call these."""

from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, ProtectedError, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from lindungdesa.accounts import audit
from lindungdesa.accounts.models import AuditEntry
from lindungdesa.accounts.scope import contains
from lindungdesa.budget.tasks import budget_totals_warm_soon
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.enrolment.reconcile import enrolments_link_by_nik, match_proposals_refresh, nik_prefix_of
from lindungdesa.lib.locks import NamedLock, named_lock
from lindungdesa.lib.months import Month
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import Region

from .bpjs import BpjsRows
from .engine import (
    IN_BATCH,
    Progress,
    RowHandler,
    batch_create,
    batch_fail,
    run_import,
    update,
)
from .models import BatchChange, ImportBatch
from .retention import undo_expired, undo_expired_message
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
    on_wait: Callable[[], None] | None = None,
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
    return batch_process(batch, data=data, progress=progress, on_wait=on_wait)


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
    on_wait: Callable[[], None] | None = None,
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
    return batch_process(batch, data=data, progress=progress, on_wait=on_wait)


def _scope(user, scope_code: str | None) -> str:
    if scope_code is not None:
        return scope_code
    return (user.region_id or "") if user is not None and user.is_authenticated else ""


def handler_for(batch: ImportBatch) -> RowHandler:
    if batch.kind == ImportBatch.Kind.ROSTER:
        return RosterRows(scope_code=batch.scope_code, default_desa=batch.default_desa)
    return BpjsRows(as_of=Month.of(batch.as_of), scope_code=batch.scope_code, batch_id=batch.pk)


# Imports (dry runs too: they write, then roll back) and undos run one at a time, across every process:
# two imports of the same rows at once would both find them missing and both insert them. The later one
# waits, then finds what the first wrote (its rows unchanged).
IMPORT_LOCK = "imports"


def batch_process(
    batch: ImportBatch,
    *,
    data: bytes | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
) -> ImportSummary:
    """Run a batch: a dry run (kept as a preview when the batch is saved) or the real import, once no other
    import or undo runs (`on_wait` is called if it has to wait for one).

    An unsaved batch (the CLI's dry run) leaves no trace at all. Raises ImportFailed when the file as a whole
    cannot be imported; the batch then says why, and nothing else changed.
    """
    with named_lock(IMPORT_LOCK, on_wait=on_wait):
        return _batch_process(batch, data=data, progress=progress)


def _batch_process(batch: ImportBatch, *, data: bytes | None, progress: Progress | None) -> ImportSummary:
    saved = batch.pk is not None
    if data is None:
        try:
            with batch.file.open("rb") as fh:
                data = fh.read()
        except (OSError, ValueError):  # ValueError: the batch names no file
            failure = ImportFailed("Berkas impor ini tidak tersimpan lagi. Unggah kembali berkasnya.")
            if saved:
                batch_fail(batch, str(failure))
            raise failure from None
    if saved:
        ImportBatch.objects.filter(pk=batch.pk).update(
            state=ImportBatch.State.RUNNING, progress=0, message="", missing_columns=[], file_at_fault=False
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
            # What the page needs (the columns found, those missing), so that it never reads the file.
            batch.headers = exc.headers
            batch.missing_columns = exc.missing
            batch.file_at_fault = True
            batch.save(update_fields=["headers", "missing_columns", "file_at_fault"])
            batch_fail(batch, str(exc))
        raise
    except Exception:
        if saved:
            batch_fail(batch, "Impor gagal karena kesalahan sistem; tidak ada data yang diubah.")
        raise
    if not batch.dry_run:
        reconcile_after_import(batch.scope_code)
        transaction.on_commit(partial(budget_totals_warm_soon, batch.scope_code))
        if saved:
            batch.refresh_from_db()
            audit.record_batch(batch, action=AuditEntry.Action.IMPORT)
    return summary


def batch_commit_preview(batch: ImportBatch) -> ImportBatch:
    """Turn a previewed dry run into the real import (run it again: the data may have changed since)."""
    # As for a retry: "Simpan hasil ini" pressed twice on a slow link queues the import once.
    moved = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.PREVIEWED).update(
        dry_run=False, state=ImportBatch.State.PENDING
    )
    if not moved:
        raise ValueError("Hanya uji coba yang selesai yang dapat disimpan.")
    batch.dry_run = False
    batch.state = ImportBatch.State.PENDING
    return batch


def batch_retry(batch: ImportBatch) -> ImportBatch:
    """Queue a failed batch again, from its kept file (the import is atomic: a failed one changed nothing)."""
    # Only the request that moves the batch out of FAILED queues it: the same button pressed twice (two
    # requests read FAILED before either wrote) would otherwise run the import twice.
    moved = (
        ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.FAILED, file_at_fault=False)
        .exclude(file="")
        .update(state=ImportBatch.State.PENDING, message="", finished_at=None)
    )
    if not moved:
        raise ValueError(
            "Hanya impor yang gagal bukan karena berkasnya, dan berkasnya tersimpan, yang dapat dicoba lagi. "
            "Perbaiki berkasnya lalu unggah kembali."
        )
    batch.state = ImportBatch.State.PENDING
    batch.message = ""
    batch.finished_at = None
    return batch


def reconcile_after_import(scope_code: str = "") -> None:
    """New people may be the participants BPJS already reported; new participants may be known people."""
    enrolments_link_by_nik(scope_code)
    match_proposals_refresh(nik_prefix=nik_prefix_of(scope_code))


class UndoRefused(Exception):
    """The batch cannot be undone; the message says why, in Indonesian."""


def batch_undo(*, batch: ImportBatch, user=None) -> int:
    """Undo a completed batch, the last of its region (`undo_blocked_by`) whose objects no later import
    touched: delete what it created, restore what it changed. Returns a count.

    Set by set rather than row by row (a national import writes millions of rows), with the result of
    taking its changes back newest first. Refused while an import runs (a page does not wait for one).
    """
    lock = NamedLock(IMPORT_LOCK)
    if not lock.acquire(wait=False):
        raise UndoRefused("Impor lain sedang berjalan; batalkan impor ini lagi sesudah impor itu selesai.")
    try:
        changed = _batch_undo(batch=batch, user=user)
    finally:
        lock.release()
    transaction.on_commit(partial(budget_totals_warm_soon, batch.scope_code))
    return changed


def undo_refusal(batch: ImportBatch) -> str | None:
    """Why `batch` cannot be undone now (Indonesian, naming the row when an object of it was changed since),
    or None when it can: what the undo page tells before the user confirms, and `_batch_undo` checks again
    under its lock."""
    try:
        _refuse_undo(batch)
    except UndoRefused as exc:
        return str(exc)
    return None


def _refuse_undo(batch: ImportBatch) -> None:
    if batch.state != ImportBatch.State.DONE:
        raise UndoRefused("Hanya impor yang selesai yang dapat dibatalkan.")
    if undo_blocked_by(batch) is not None:
        raise UndoRefused("Hanya impor terakhir yang dapat dibatalkan; batalkan dulu impor yang lebih baru.")
    if undo_expired(batch):
        raise UndoRefused(undo_expired_message())
    _refuse_when_touched_later(batch)
    # Rows are "changed since" when edited after this batch, or after a later batch was undone (undoing one
    # rewrites the rows it had touched, which must not block undoing the one before).
    # Only the undos of later imports in an overlapping region, or that wrote our rows, count: another
    # region's undo must not hide a page edit made here.
    undone = ImportBatch.objects.filter(
        pk__gt=batch.pk, state=ImportBatch.State.UNDONE, undone_at__isnull=False
    )
    ours = {pk for pk, scope in undone.values_list("pk", "scope_code") if _overlap(batch.scope_code, scope)}
    ours |= _touching(batch, undone.exclude(pk__in=ours))
    later_undo = undone.filter(pk__in=ours).aggregate(at=Max("undone_at"))["at"]
    cutoff = max(t for t in (batch.finished_at, later_undo) if t is not None) if batch.finished_at else None
    if cutoff:
        _refuse_when_changed_since(batch, cutoff)


@transaction.atomic
def _batch_undo(*, batch: ImportBatch, user=None) -> int:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _refuse_undo(batch)
    changes = batch.changes.all()
    labels = list(changes.values_list("model", flat=True).distinct().order_by())

    created = changes.filter(action=BatchChange.Action.CREATE)
    # What was made last goes first: a position before the person it belongs to.
    for label in sorted(
        {label for label in created.values_list("model", flat=True).distinct().order_by()},
        key=lambda label: -created.filter(model=label).aggregate(first=Min("id"))["first"],
    ):
        _delete_created(apps.get_model(label), created.filter(model=label))

    for label in labels:
        _restore_updated(apps.get_model(label), changes.filter(model=label, action=BatchChange.Action.UPDATE))

    batch.state = ImportBatch.State.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = user if user is not None and user.is_authenticated else None
    batch.save(update_fields=["state", "undone_at", "undone_by"])
    audit.record_batch(batch, action=AuditEntry.Action.UNDO, user=batch.undone_by)
    return change_count(changes)


def _later_saved(batch: ImportBatch):
    return ImportBatch.objects.filter(state=ImportBatch.State.DONE, dry_run=False, pk__gt=batch.pk)


def _overlap(scope: str, other: str) -> bool:
    # "" is the whole country: it overlaps every region.
    return contains(scope, other or scope) or contains(other, scope or other)


def undo_blocked_by(batch: ImportBatch) -> int | None:
    """The id of a later saved import in a region overlapping this one's (either inside the other, or the
    whole country), which must be undone first; None when there is none. A later import in another region
    does not block: undoing this one leaves its rows alone (`_refuse_when_touched_later` makes sure)."""
    for pk, scope in _later_saved(batch).order_by("-pk").values_list("pk", "scope_code"):
        if _overlap(batch.scope_code, scope):
            return pk
    return None


def _touching(batch: ImportBatch, others) -> set[int]:
    """Which of the batches `others` wrote an object this batch created or changed (their logs compared,
    runs of created objects as ranges of keys)."""
    mine = (
        batch.changes.filter(model=OuterRef("model"))
        .alias(last=Coalesce("last_object_id", "object_id"))
        .filter(object_id__lte=Coalesce(OuterRef("last_object_id"), OuterRef("object_id")))
        .filter(last__gte=OuterRef("object_id"))
    )
    theirs = BatchChange.objects.filter(batch__in=others).filter(Exists(mine))
    return set(theirs.values_list("batch_id", flat=True).distinct().order_by())


def _refuse_when_touched_later(batch: ImportBatch) -> None:
    """Refuse when a later saved import (of another region: the same region blocks already) wrote an object
    this batch created or changed (a person serving in both regions): undoing this one would revert it."""
    hit = min(_touching(batch, _later_saved(batch)), default=None)
    if hit is not None:
        raise UndoRefused(
            _(
                "Sebagian data dari impor ini sudah diubah oleh impor nomor %(id)s sesudahnya; pembatalan "
                "akan menghapus perubahan itu. Batalkan dulu impor itu, atau perbaiki datanya secara "
                "langsung."
            )
            % {"id": hit}
        )


def _refuse_when_changed_since(batch: ImportBatch, cutoff) -> None:
    changes = batch.changes.all()
    newest: tuple[int, type, int, int] | None = None  # (change id, model, first key, last key)
    for label in changes.values_list("model", flat=True).distinct().order_by():
        model = apps.get_model(label)
        edited = model.objects.filter(updated_at__gt=cutoff)
        in_run = edited.filter(pk__gte=OuterRef("object_id"), pk__lte=OuterRef("last_object_id"))
        # An object changed since, named by its own row or inside a run of created ones.
        hit = (
            changes.filter(model=label)
            .filter(Q(object_id__in=edited.values("pk")) | Exists(in_run))
            .order_by("-id")
            .values_list("id", "object_id", "last_object_id")
            .first()
        )
        if hit is not None and (newest is None or hit[0] > newest[0]):
            newest = (hit[0], model, hit[1], hit[2] if hit[2] is not None else hit[1])
    if newest is not None:
        _id, model, first, last = newest
        edited = model.objects.filter(updated_at__gt=cutoff, pk__gte=first, pk__lte=last)
        raise UndoRefused(
            _(
                "%(what)s dari impor ini sudah diubah sesudahnya; pembatalan akan menghapus perubahan itu. "
                "Perbaiki datanya secara langsung."
            )
            % {"what": _changed_row(batch, model, edited.order_by("-updated_at", "-pk").first())}
        )


def _changed_row(batch: ImportBatch, model: type, obj) -> str:
    """The row of the file that wrote `obj` and what it is, as the batch's page shows them (the NIK masked):
    "Baris 3 (Sekretaris Desa Penyeladi, NIK ************0001)". The row is looked up among the people the
    batch names (`ImportBatch.people`, its first rows); beyond them, or for an object of another kind, the
    object alone is named."""
    from lindungdesa.lib.pii import mask
    from lindungdesa.officials.models import Position

    what = shown = desa = ""  # the preview's `what` (an office, a KPJ), and as this message shows it
    if obj is None:  # deleted meanwhile
        return _("Data %(kind)s") % {"kind": model._meta.verbose_name}
    if model is Position:
        person = obj.person
        what = shown = obj.office_label
        desa = obj.desa.name
    elif model is Person:
        person = obj
    elif model is Enrolment:
        person = None
        what, shown = obj.kpj, f"KPJ {mask('kpj', obj.kpj)}" if obj.kpj else ""
    else:
        return _("Data %(kind)s") % {"kind": model._meta.verbose_name}
    nik = obj.nik if person is None else person.nik
    name = "" if person is None else person.name

    def same(entry: dict) -> bool:
        who = (nik and entry.get("nik") == nik) or (name and entry.get("name") == name)
        return bool(who) and (not what or entry.get("what") == what)

    row = next((p["row"] for p in batch.people if same(p)), None)
    if model is Person and row is not None:  # a person: the office the row gave
        shown = next(p["what"] for p in batch.people if p["row"] == row)
    where = f"{shown} {desa}".strip()
    about = ", ".join(part for part in (where, f"NIK {nik_mask(nik)}" if nik else "") if part)
    if row is None:
        return _("Data %(kind)s (%(about)s)") % {"kind": model._meta.verbose_name, "about": about}
    return _("Baris %(row)s (%(about)s)") % {"row": row, "about": about}


UNDO_SLICE = 2000  # objects restored per round


def change_count(changes) -> int:
    """How many objects the BatchChange rows name (a row may name a run of created objects)."""
    return sum(
        1 if last is None else last - first + 1
        for first, last in changes.values_list("object_id", "last_object_id")
    )


def _delete_created(model, created) -> None:
    ids = [
        key
        for first, last in created.values_list("object_id", "last_object_id")
        for key in (range(first, last + 1) if last is not None else (first,))
    ]
    for start in range(0, len(ids), IN_BATCH):
        part = ids[start : start + IN_BATCH]
        if model is Person:
            # BPJS participants linked to this person by NIK become unmatched again, as before the import.
            Enrolment.objects.filter(person_id__in=part).update(person=None)
        try:
            model.objects.filter(pk__in=part).delete()
        except ProtectedError as exc:
            raise UndoRefused(
                f"Data {model._meta.verbose_name} yang dibuat impor ini sudah dipakai data lain."
            ) from exc


def _restore_updated(model, updated) -> None:
    """Each object back to its values before the batch: the oldest record of a field wins."""
    pending: dict[int, dict] = {}

    def flush() -> None:
        by_fields: dict[tuple[str, ...], list] = defaultdict(list)
        for object_id, before in pending.items():
            obj = model(pk=object_id)
            for name, value in before.items():
                f = model._meta.get_field(name)
                setattr(obj, f.attname, None if value is None else f.to_python(value))
            by_fields[tuple(before)].append(obj)
        for names, objs in by_fields.items():
            update(model, objs, list(names))
        pending.clear()

    for object_id, before in (
        updated.order_by("object_id", "-id")
        .values_list("object_id", "before")
        .iterator(chunk_size=UNDO_SLICE)
    ):
        if object_id not in pending and len(pending) >= UNDO_SLICE:
            flush()
        pending.setdefault(object_id, {}).update(before)
    flush()
