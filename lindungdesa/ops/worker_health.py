"""Task workers' heartbeats: is any worker running?

Every `lindungdesa db_worker` writes its row (`WorkerHeartbeat`, keyed by django-tasks-db's worker id)
every WORKER_HEARTBEAT_SECONDS from a thread of its own, also while it runs a long task, and deletes it
when it stops cleanly. A worker killed (`kill -9`, a crash, a lost machine) stops writing: its row grows
older than WORKER_HEARTBEAT_STALE_SECONDS. The readiness check asks `worker_heartbeat_age()`. Whether one
given worker is still alive (to recover the tasks it left RUNNING) is its lease's to say (workers/lease.py):
a beat may come late on SQLite, a lease never outlives its process.

On SQLite a beat waits while another process holds the write lock (an import that writes in one
transaction), so a beat may come late by as long as that lock is held.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.db.models import Max
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# A row older than this belongs to a worker long gone; it is deleted by the next beat of any worker.
FORGET_AFTER = timedelta(days=1)


def worker_heartbeat_beat(*, worker_id: str, started_at: datetime, now: datetime | None = None) -> None:
    """Record that this worker is alive now."""
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=started_at,
            beat_at=now,
        )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


def worker_heartbeat_end(worker_id: str) -> None:
    """The worker stops cleanly: it is no longer expected to beat."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def worker_heartbeat_age(*, now: datetime | None = None) -> float | None:
    """Seconds since the latest beat of any worker; None when no worker is registered."""
    latest = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    if latest is None:
        return None
    return max(0.0, ((now or timezone.now()) - latest).total_seconds())


class WorkerHeartbeatThread(threading.Thread):
    """Beats for one worker until stopped; then removes the worker's row.

    A thread, so that the worker keeps beating while its main thread runs a task. It has its own database
    connection (Django's connections are per thread), so a beat is never part of a task's transaction.
    """

    def __init__(self, worker_id: str, *, interval: float | None = None):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval if interval is not None else settings.WORKER_HEARTBEAT_SECONDS
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def run(self) -> None:
        try:
            while True:
                self._beat()
                if self._stopping.wait(self.interval):
                    break
            worker_heartbeat_end(self.worker_id)
        except DatabaseError as exc:
            logger.warning("Worker %s could not remove its heartbeat: %s", self.worker_id, exc)
        finally:
            connections.close_all()  # this thread's connections only

    def _beat(self) -> None:
        close_old_connections()
        try:
            worker_heartbeat_beat(worker_id=self.worker_id, started_at=self.started_at)
        except DatabaseError as exc:
            # The database is away or busy: the worker goes on, the next beat tries again.
            logger.warning("Worker %s could not record its heartbeat: %s", self.worker_id, exc)

    def stop(self, timeout: float | None = 30) -> None:
        self._stopping.set()
        self.join(timeout)
