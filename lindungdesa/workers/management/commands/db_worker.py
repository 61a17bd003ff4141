"""`lindungdesa db_worker`: django-tasks-db's worker, with three things added.

- It never stops on a database error (SQLite busy past its timeout, PostgreSQL restarted, a connection
  lost): it logs one line, waits, and goes on. A task whose end could not be recorded is recorded as
  failed once the database answers again.
- It holds a lease (workers/lease.py) and, every `--recover-interval` seconds, from its start, marks
  failed the tasks of workers that died while running them (workers/services.py): a worker restarted
  after `kill -9` recovers what the killed one left, and so does any other worker still running.
- It reports a heartbeat from a thread of its own (ops/worker_health.py), which the readiness check reads:
  the lease tells whether one given worker lives, the heartbeat whether any worker runs at all.
"""

import logging
import os
import threading
import time

from django.db import DatabaseError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks.signals import task_finished
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from lindungdesa.ops.worker_health import WorkerHeartbeatThread
from lindungdesa.workers.lease import WorkerLease
from lindungdesa.workers.services import tasks_recover_abandoned

logger = logging.getLogger("django_tasks_db")

RETRY_SECONDS = 5.0  # after a database error, before trying again


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"


class Worker(db_worker.Worker):
    def __init__(self, *, recover_interval: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.recover_interval = recover_interval
        self.lease = WorkerLease(self.worker_id)
        self.stopped = threading.Event()  # set when run() returns: the recovery thread ends with it

    def run(self) -> None:
        self._until_done(self.lease.hold, "taking the worker's lease")
        # Nothing runs here yet: a task still marked running under this worker's id is a predecessor's.
        self._until_done(
            lambda: tasks_recover_abandoned(starting_worker_id=self.worker_id), "recovering its own tasks"
        )
        recovery = threading.Thread(target=self._recover_forever, name="task-recovery", daemon=True)
        recovery.start()
        heartbeat = WorkerHeartbeatThread(self.worker_id)
        heartbeat.start()
        try:
            while True:
                try:
                    return super().run()
                except DatabaseError as exc:
                    if not self.running:
                        return
                    self._database_error(exc, "looking for a task")
                    self.startup_delay = False
        finally:
            self.stopped.set()
            recovery.join()
            heartbeat.stop()
            self.lease.release()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:
            # The task ran, but neither its success nor its failure could be written. Recorded as failed
            # when the database answers again (what the task itself wrote, e.g. an import batch, says
            # what it did).
            error = exc
            self._database_error(error, f"recording the end of task id={db_task_result.id}")
            self._until_done(lambda: self._record_failed(db_task_result, error), "recording it")

    def _record_failed(self, db_task_result: DBTaskResult, exc: BaseException) -> None:
        if not DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.RUNNING).exists():
            return
        db_task_result.set_failed(exc)
        backend = type(db_task_result.task.get_backend())
        task_finished.send(sender=backend, task_result=db_task_result.task_result)

    def _database_error(self, exc: BaseException, doing: str) -> None:
        logger.error(
            "Worker %s: database error while %s (%s); trying again in %s s.",
            self.worker_id,
            doing,
            _first_line(exc),
            RETRY_SECONDS,
        )
        connections.close_all()
        time.sleep(RETRY_SECONDS)

    def _until_done(self, step, doing: str) -> None:
        while self.running:
            try:
                step()
                return
            except DatabaseError as exc:
                self._database_error(exc, doing)

    def _recover_forever(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                self.lease.hold()  # again, if the connection that held it was lost
                tasks_recover_abandoned()
            except DatabaseError as exc:
                logger.error(
                    "Worker %s: database error while recovering tasks (%s); trying again in %s s.",
                    self.worker_id,
                    _first_line(exc),
                    self.recover_interval,
                )
                connections["default"].close()
            self.stopped.wait(self.recover_interval)
        connections.close_all()  # this thread's own connections


class Command(db_worker.Command):
    help = "Run a database background worker that outlives database errors and recovers dead workers' tasks"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-interval",
            type=db_worker.valid_interval,
            default=15.0,
            help="seconds between two looks for tasks whose worker died (default: %(default)r)",
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        recover_interval: float,
        **options,
    ) -> None:
        # As django-tasks-db's own handle(), with this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            recover_interval=recover_interval,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
