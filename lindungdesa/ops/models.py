from django.db import models


class WorkerHeartbeat(models.Model):
    """A task worker (`lindungdesa db_worker`) as it last reported itself: written every few seconds while
    it runs, also while it runs a task, and removed when it stops cleanly. A worker that died leaves its
    row behind, growing old."""

    # django-tasks-db's worker id: the one its task rows list in `worker_ids`.
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
