import io
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from lindungdesa.accounts.models import User
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import batch_retry
from lindungdesa.imports.tasks import WORKER_DIED, import_batch_run
from lindungdesa.lib.logging import NoEmptyTraceback
from lindungdesa.lib.pii import mask_text
from lindungdesa.workers.lease import WorkerLease
from lindungdesa.workers.services import tasks_recover_abandoned
from tests.imports.conftest import ROSTER_HEADER, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_batch(people):
    """A roster batch a worker had started on: the batch and its task both say running."""
    from lindungdesa.imports.engine import batch_create

    data = to_csv(ROSTER_HEADER, [people.row("Yohanes Ale", "Kepala Desa", serial=1)])
    batch = batch_create(kind=ImportBatch.Kind.ROSTER, data=data, file_name="roster.csv", save=True)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)
    batch.refresh_from_db()
    return batch


def running_task(batch: ImportBatch, worker_id: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path=import_batch_run.module_path,
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        started_at=timezone.now(),
        worker_ids=[worker_id],
    )


def test_a_dead_workers_task_fails_and_its_batch_says_why(running_batch):
    task = running_task(running_batch, "gone-worker")
    assert tasks_recover_abandoned() == [str(task.pk)]
    task.refresh_from_db()
    running_batch.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "lindungdesa.workers.services.WorkerDied"
    assert running_batch.state == ImportBatch.State.FAILED
    assert running_batch.message == WORKER_DIED
    assert tasks_recover_abandoned() == []  # once


def test_the_failed_tasks_log_line_has_no_empty_traceback_under_it(running_batch):
    # django-tasks logs a failed task's end with logger.exception; the recovery is outside any exception,
    # and the console handler (settings.LOGGING) wrote "NoneType: None" under the line (seen in the worker's
    # log of bench/load.py --faults on national data).
    [handler] = [
        h for h in logging.getLogger().handlers if any(isinstance(f, NoEmptyTraceback) for f in h.filters)
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        task = running_task(running_batch, "gone-worker")
        tasks_recover_abandoned()
    finally:
        handler.setStream(old)
    lines = stream.getvalue().splitlines()
    # The line as the log writes it: a task id whose last group is all digits is masked like a NIK.
    assert mask_text(f"Task id={task.pk} path={import_batch_run.module_path} state=FAILED") in lines
    assert "NoneType: None" not in lines
    assert "Traceback" not in stream.getvalue()


def test_a_live_workers_task_is_left_running(running_batch):
    lease = WorkerLease("live-worker")
    lease.hold()
    try:
        task = running_task(running_batch, "live-worker")
        assert tasks_recover_abandoned() == []
        task.refresh_from_db()
        running_batch.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING
        assert running_batch.state == ImportBatch.State.RUNNING
    finally:
        lease.release()
    # Once the lease is let go (the worker ended), the task is the dead worker's.
    assert tasks_recover_abandoned() == [str(task.pk)]


def test_a_failed_batch_can_be_tried_again_from_its_file(running_batch):
    running_task(running_batch, "gone-worker")
    tasks_recover_abandoned()
    running_batch.refresh_from_db()
    batch_retry(running_batch)
    import_batch_run.enqueue(running_batch.pk)  # the tests' backend runs it here
    running_batch.refresh_from_db()
    assert (running_batch.state, running_batch.created, running_batch.message) == ("done", 1, "")


def test_the_page_offers_to_try_again_and_runs_it(client, running_batch):
    operator = User.objects.create_user(
        username="sanggau", password="x", role=User.Role.REGENCY_OPERATOR, region_id="61.03"
    )
    ImportBatch.objects.filter(pk=running_batch.pk).update(uploaded_by=operator, scope_code="61.03")
    running_task(running_batch, "gone-worker")
    tasks_recover_abandoned()
    client.force_login(operator)
    page = client.get(reverse("import-detail", args=[running_batch.pk])).content.decode()
    assert WORKER_DIED in page
    assert reverse("import-retry", args=[running_batch.pk]) in page and "Coba lagi" in page
    response = client.post(reverse("import-retry", args=[running_batch.pk]))
    assert response.status_code == 302
    running_batch.refresh_from_db()
    assert running_batch.state == ImportBatch.State.DONE


def test_only_a_failed_batch_is_tried_again(running_batch):
    with pytest.raises(ValueError):
        batch_retry(running_batch)


def test_an_undo_is_refused_while_an_import_runs(people):
    from lindungdesa.imports.services import IMPORT_LOCK, UndoRefused, batch_undo, roster_import_file
    from lindungdesa.lib.locks import NamedLock, separate_connection

    data = to_csv(ROSTER_HEADER, [people.row("Yohanes Ale", "Kepala Desa", serial=1)])
    batch = ImportBatch.objects.get(pk=roster_import_file(data=data, file_name="roster.csv").batch)
    elsewhere = separate_connection()
    running = NamedLock(IMPORT_LOCK, connection=elsewhere)  # an import in another process
    assert running.acquire(wait=False)
    try:
        with pytest.raises(UndoRefused, match="Impor lain sedang berjalan"):
            batch_undo(batch=batch)
    finally:
        running.release()
        if elsewhere.vendor == "postgresql":
            elsewhere.close()
    assert batch_undo(batch=batch) == 2


def test_a_worker_restarted_under_the_same_id_recovers_what_its_predecessor_ran(running_batch):
    lease = WorkerLease("fixed-id")
    lease.hold()  # the new process, under the id the killed one had
    try:
        task = running_task(running_batch, "fixed-id")
        assert tasks_recover_abandoned() == []  # to anyone else, the id looks alive
        assert tasks_recover_abandoned(starting_worker_id="fixed-id") == [str(task.pk)]
    finally:
        lease.release()
    running_batch.refresh_from_db()
    assert running_batch.state == ImportBatch.State.FAILED
