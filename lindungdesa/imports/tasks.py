"""Imports in the background, with progress the page can poll."""

from django.core.cache import cache
from django_tasks import task

from .models import ImportBatch
from .services import batch_process
from .summary import ImportFailed


def progress_key(batch_id: int) -> str:
    return f"import-progress-{batch_id}"


def progress_of(batch: ImportBatch) -> tuple[int, int] | None:
    """(rows done, rows in the file) while the batch runs, else None."""
    return cache.get(progress_key(batch.pk))


@task()
def import_batch_run(batch_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)

    def progress(done: int, total: int) -> None:
        # The cache, not the batch row: the row is inside the import's transaction until it commits.
        cache.set(progress_key(batch_id), (done, total), timeout=6 * 3600)

    try:
        batch_process(batch, progress=progress)
    except ImportFailed:
        pass  # the batch records why; the page shows it
    finally:
        cache.delete(progress_key(batch_id))
