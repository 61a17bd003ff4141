"""How long uploaded files, and what came of them, are kept; and how much one user may keep.

- A dry run or a failed import changed nothing: IMPORT_DRAFT_DAYS after it finished it is deleted whole
  (the batch, its file, its rejected rows).
- A saved import keeps its file, its undo log and its rejected rows for IMPORT_UNDO_DAYS after it
  finished, as long as it can be undone; then they are deleted and it can no longer be undone. Who, when,
  which file (name and SHA-256) and the counts stay in the history.
- An undone import keeps them IMPORT_DRAFT_DAYS after the undo, then likewise.
- A batch waiting or running is never touched.
- A file under imports/ that no batch names (left by a crash between storing and saving) is deleted once
  it is older than IMPORT_DRAFT_DAYS.

`uploads_prune` does all this: the command `lindungdesa prune-uploads` and a daily background task
(`tasks.uploads_prune_daily`). Each user may keep IMPORT_QUOTA_MB of uploaded files (`upload_quota_check`).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from lindungdesa.lib.readlimits import MB, size_text

from .models import BatchChange, ImportBatch, RejectedRow

FOLDER = "imports"  # where ImportBatch.file keeps uploads (its upload_to)
DRAFT_STATES = (ImportBatch.State.PREVIEWED, ImportBatch.State.FAILED)


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, name))


def kept_until(batch: ImportBatch) -> datetime.datetime | None:
    """When the retention takes this batch (a dry run or failure) or its file and details (a saved or an
    undone import); None while it waits or runs, or once it has been pruned."""
    if batch.pruned_at is not None:
        return None
    if batch.state in DRAFT_STATES:
        return (batch.finished_at or batch.created_at) + _days("IMPORT_DRAFT_DAYS")
    if batch.state == ImportBatch.State.UNDONE and batch.undone_at:
        return batch.undone_at + _days("IMPORT_DRAFT_DAYS")
    if batch.state == ImportBatch.State.DONE and batch.finished_at:
        return batch.finished_at + _days("IMPORT_UNDO_DAYS")
    return None


def undo_expired(batch: ImportBatch, now: datetime.datetime | None = None) -> bool:
    """A saved import can be undone for IMPORT_UNDO_DAYS; after that its undo log is not kept."""
    if batch.pruned_at is not None:
        return True
    until = kept_until(batch) if batch.state == ImportBatch.State.DONE else None
    return until is not None and (now or timezone.now()) >= until


def undo_expired_message() -> str:
    return (
        f"Impor ini selesai lebih dari {settings.IMPORT_UNDO_DAYS} hari yang lalu; catatan untuk "
        "membatalkannya sudah tidak disimpan. Perbaiki datanya secara langsung."
    )


@dataclass
class PruneSummary:
    deleted: list[int] = field(default_factory=list)  # dry runs and failed imports, deleted whole
    pruned: list[int] = field(default_factory=list)  # saved and undone imports: file and details deleted
    files: int = 0  # stored files deleted (orphans included)
    bytes: int = 0
    orphans: list[str] = field(default_factory=list)  # files no batch named

    def as_dict(self) -> dict:
        return {
            "deleted_batches": self.deleted,
            "pruned_batches": self.pruned,
            "files": self.files,
            "bytes": self.bytes,
            "orphan_files": self.orphans,
        }


def uploads_prune(*, now: datetime.datetime | None = None, dry_run: bool = False) -> PruneSummary:
    """Delete what the retention periods no longer keep (see the module's docstring). With `dry_run`, only
    say what would go."""
    now = now or timezone.now()
    draft_cutoff = now - _days("IMPORT_DRAFT_DAYS")
    undo_cutoff = now - _days("IMPORT_UNDO_DAYS")
    summary = PruneSummary()

    drafts = ImportBatch.objects.alias(ended=Coalesce("finished_at", "created_at")).filter(
        state__in=DRAFT_STATES, ended__lt=draft_cutoff
    )
    for pk, name, size in drafts.order_by("pk").values_list("pk", "file", "file_size"):
        with transaction.atomic():
            # Locked, and asked again: a preview may have been saved since the query above.
            batch = (
                ImportBatch.objects.select_for_update()
                .alias(ended=Coalesce("finished_at", "created_at"))
                .filter(pk=pk, state__in=DRAFT_STATES, ended__lt=draft_cutoff)
                .first()
            )
            if batch is None:
                continue
            summary.deleted.append(pk)
            if not dry_run:
                batch.delete()  # its rejected rows with it
        _file_gone(summary, name, size, dry_run)

    expired = Q(state=ImportBatch.State.DONE, finished_at__lt=undo_cutoff) | Q(
        state=ImportBatch.State.UNDONE, undone_at__lt=draft_cutoff
    )
    saved = ImportBatch.objects.filter(expired, pruned_at__isnull=True)
    for pk, name, size in saved.order_by("pk").values_list("pk", "file", "file_size"):
        with transaction.atomic():
            # Locked as batch_undo locks it: an undo and the pruning of its log never overlap.
            locked = ImportBatch.objects.select_for_update()
            batch = locked.filter(expired, pk=pk, pruned_at__isnull=True).first()
            if batch is None:
                continue
            summary.pruned.append(pk)
            if not dry_run:
                BatchChange.objects.filter(batch=batch).delete()
                RejectedRow.objects.filter(batch=batch).delete()
                # A warning may quote a value from the file (an odd KPJ): details go with the rows.
                ImportBatch.objects.filter(pk=pk).update(file="", warnings=[], people=[], pruned_at=now)
        _file_gone(summary, name, size, dry_run)

    _orphans_prune(summary, draft_cutoff, dry_run)
    return summary


def _file_gone(summary: PruneSummary, name: str, size: int, dry_run: bool) -> None:
    if not name:
        return
    summary.files += 1
    summary.bytes += size
    if not dry_run:
        default_storage.delete(name)  # after the batch's row changed: a failure leaves an orphan, swept later


def _orphans_prune(summary: PruneSummary, cutoff: datetime.datetime, dry_run: bool) -> None:
    named = set(ImportBatch.objects.exclude(file="").values_list("file", flat=True))
    for name in _stored_files(FOLDER):
        if name in named:
            continue
        try:
            if default_storage.get_modified_time(name) >= cutoff:
                continue  # perhaps an upload being saved right now
            size = default_storage.size(name)
        except OSError:
            continue
        summary.orphans.append(name)
        summary.files += 1
        summary.bytes += size
        if not dry_run:
            default_storage.delete(name)


def _stored_files(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for name in sorted(folders):
        yield from _stored_files(f"{folder}/{name}")


# ---------------------------------------------------------------------------------------------------------
# Quota


class QuotaExceeded(Exception):
    """The upload would take the user past IMPORT_QUOTA_MB of kept files; the message is Indonesian."""


def stored_upload_bytes(user) -> int:
    """Bytes of the files kept for this user's batches."""
    kept = ImportBatch.objects.filter(uploaded_by=user).exclude(file="")
    return kept.aggregate(total=Sum("file_size"))["total"] or 0


def upload_quota_check(*, user, size: int) -> None:
    """Refuse an upload of `size` bytes that would take `user` past the quota. The command line, run by
    whoever has the server, has none; nor has anyone when IMPORT_QUOTA_MB is 0."""
    quota = settings.IMPORT_QUOTA_MB * MB
    if not quota or user is None or not user.is_authenticated:
        return
    kept = stored_upload_bytes(user)
    if kept + size <= quota:
        return
    raise QuotaExceeded(
        f"Ruang simpan unggahan Anda penuh: berkas Anda yang masih disimpan {size_text(kept)}, ditambah "
        f"berkas ini {size_text(size)}, melebihi batas {settings.IMPORT_QUOTA_MB} MB per pengguna. "
        f"Uji coba dan impor yang gagal dihapus {settings.IMPORT_DRAFT_DAYS} hari setelah selesai, berkas "
        f"impor yang disimpan {settings.IMPORT_UNDO_DAYS} hari setelah selesai; bila perlu lebih cepat, "
        "hubungi administrator."
    )
