"""Tasks whose worker is gone: found by the worker's lease (lease.py) and marked failed."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django_tasks.signals import task_finished
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lindungdesa.lib.locks import remove_lock_file

from .lease import lease_name, worker_alive

logger = logging.getLogger(__name__)


class WorkerDied(Exception):
    """Recorded as the error of a task whose worker stopped before finishing it."""


def tasks_recover_abandoned(*, starting_worker_id: str | None = None) -> list[str]:
    """Mark failed every running task whose worker died (its lease is free), and those of
    `starting_worker_id`, a worker that is starting (a restart with a fixed --worker-id: what its id ran
    is its dead predecessor's). Each is then reported finished (django-tasks' `task_finished`), so that
    what the task was doing says it failed (an import batch: imports/tasks.py). Returns their ids."""
    recovered = []
    for result in DBTaskResult.objects.running().only("id", "worker_ids"):
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        predecessor = starting_worker_id is not None and worker_id == starting_worker_id
        if worker_id and not predecessor and worker_alive(worker_id):
            continue
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update().filter(pk=result.pk).first()
            if row is None or row.status != TaskResultStatus.RUNNING or row.worker_ids != result.worker_ids:
                continue  # finished, or taken again, meanwhile
            row.set_failed(WorkerDied(f"worker {worker_id or '?'} stopped before finishing this task"))
        logger.warning("Task id=%s failed: its worker %s stopped before finishing it.", row.pk, worker_id)
        try:
            task_finished.send(sender=type(row.task.get_backend()), task_result=row.task_result)
        except (ImportError, SuspiciousOperation):
            pass  # a task this code no longer has: nothing else to tell
        if worker_id and not predecessor:
            remove_lock_file(lease_name(worker_id))
        recovered.append(str(row.pk))
    return recovered
