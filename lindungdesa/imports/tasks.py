"""Imports in the background, with progress the page can poll."""

from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.cache import cache
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished

from lindungdesa.accounts import audit
from lindungdesa.accounts.permissions import BPJS_IMPORT, ROSTER_IMPORT, can

from .engine import batch_fail
from .models import ImportBatch
from .retention import uploads_prune
from .services import batch_process
from .summary import ImportFailed


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


def progress_of(batch: ImportBatch) -> tuple[int, int] | None:
    """(rows done, rows in the file) while the batch runs, else None."""
    return cache.get(progress_key(batch.pk))


def may_run(batch: ImportBatch) -> bool:
    """The uploader still has the right to import this kind of file where its rows land (the role may
    have changed, or the account been closed, while the batch waited in the queue)."""
    user = batch.uploaded_by
    if user is None:  # the command line, run by whoever has the server
        return True
    action = BPJS_IMPORT if batch.kind == ImportBatch.Kind.BPJS else ROSTER_IMPORT
    return can(user, action, batch.scope_code or None) and (bool(batch.scope_code) or user.region_id is None)


@task()
def import_batch_run(batch_id: int) -> None:
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    if not may_run(batch):
        batch_fail(batch, "Pengunggah tidak lagi berhak mengimpor berkas ini; impor tidak dijalankan.")
        return

    def progress(done: int, total: int) -> None:
        # The cache, not the batch row: the row is inside the import's transaction until it commits.
        cache.set(progress_key(batch_id), (done, total), timeout=6 * 3600)

    try:
        with audit.acting_as(batch.uploaded_by):
            batch_process(batch, progress=progress)
    except ImportFailed:
        pass  # the batch records why; the page shows it
    finally:
        cache.delete(progress_key(batch_id))


PRUNE_TASK_PATH = "lindungdesa.imports.tasks.uploads_prune_daily"


@task()
def uploads_prune_daily() -> None:
    """Delete what the retention periods no longer keep, then come back tomorrow night."""
    try:
        uploads_prune()
    finally:
        uploads_prune_schedule(after_run=True)


def next_prune(now: datetime) -> datetime:
    """02:30 local time on the day after `now` (after the monthly snapshot's 01:00)."""
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time(2, 30)))


def uploads_prune_schedule(*, after_run: bool = False) -> bool:
    """Make sure tonight's pruning is waiting in the queue, as the monthly snapshot is (indicators.tasks).
    Returns True when one was added; backends that cannot run a task later have no schedule."""
    if not default_task_backend.supports_defer:
        return False
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=PRUNE_TASK_PATH, status="READY")
        if not after_run and waiting.exists():
            return False
    uploads_prune_daily.using(run_after=next_prune(timezone.now())).enqueue()
    return True


WORKER_DIED = (
    "Impor terhenti karena proses pekerja latar belakang berhenti di tengah jalan; tidak ada data yang "
    "diubah. Coba lagi."
)
TASK_FAILED = "Impor gagal karena kesalahan sistem; tidak ada data yang diubah. Coba lagi."


@receiver(task_finished)
def import_task_finished(sender, task_result, **kwargs) -> None:
    """A failed import task whose batch still says it waits or runs (its worker died, or the task failed
    before the import could record why): the batch is marked failed, with a retry on its page."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != import_batch_run.module_path:
        return
    batch = ImportBatch.objects.filter(pk=task_result.args[0]).first()
    if batch is None or batch.state not in (ImportBatch.State.PENDING, ImportBatch.State.RUNNING):
        return
    died = any(error.exception_class_path.endswith(".WorkerDied") for error in task_result.errors)
    batch_fail(batch, WORKER_DIED if died else TASK_FAILED)
