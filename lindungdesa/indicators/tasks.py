"""Snapshots in the background: on request, and once a month on their own."""

from datetime import datetime, time

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from lindungdesa.lib.months import Month

from .services import snapshot_take

MONTHLY_TASK_PATH = "lindungdesa.indicators.tasks.snapshot_monthly"


PROGRESS_KEY = "snapshot-progress"


def snapshot_progress() -> dict | None:
    """{"period", "done", "total"} of the snapshot being computed in the background, if any."""
    return cache.get(PROGRESS_KEY)


@task()
def snapshot_run(period: str, user_id: int | None = None) -> int:
    from lindungdesa.accounts.models import User
    from lindungdesa.accounts.permissions import SNAPSHOT_TAKE, require

    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user_id:
        require(user, SNAPSHOT_TAKE)  # asked for by a user: whose right may have gone while it waited

    def progress(done: int, total: int) -> None:
        cache.set(PROGRESS_KEY, {"period": period, "done": done, "total": total}, timeout=3600)

    progress(0, 1)
    try:
        return snapshot_take(period=Month.parse(period), user=user, progress=progress).pk
    finally:
        cache.delete(PROGRESS_KEY)


@task()
def snapshot_monthly() -> None:
    """Close last month's snapshot and start this month's, then come back on the first of next month."""
    this_month = Month.of(timezone.localdate())
    snapshot_take(period=this_month.add(-1))
    snapshot_take(period=this_month)
    snapshot_schedule(after_run=True)


def next_run(now: datetime) -> datetime:
    """01:00 local time on the first day of the month after `now`."""
    first = Month.of(timezone.localtime(now).date()).add(1).first_day
    return timezone.make_aware(datetime.combine(first, time(1, 0)))


def snapshot_schedule(*, after_run: bool = False) -> bool:
    """Make sure a monthly snapshot is waiting in the queue. Returns True when one was added.

    Backends that cannot run a task later (the immediate backend of the tests) have no schedule.
    """
    if not default_task_backend.supports_defer:
        return False
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=MONTHLY_TASK_PATH, status="READY")
        if not after_run and waiting.exists():
            return False
    snapshot_monthly.using(run_after=next_run(timezone.now())).enqueue()
    return True


SNAPSHOT_TASK_PATH = "lindungdesa.indicators.tasks.snapshot_run"


def snapshot_refresh_soon() -> bool:
    """After the data changed (an import finished or was undone): recompute this month's snapshot in the
    background, once, so that large dashboards read fresh figures again. Not with the immediate backend of
    the tests and the command line, where it would make every import wait for a snapshot."""
    if not default_task_backend.supports_defer:
        return False
    period = str(Month.of(timezone.localdate()))
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(task_path=SNAPSHOT_TASK_PATH, status="READY")
        if any(
            (r or {}).get("args", [None])[0] == period for r in waiting.values_list("args_kwargs", flat=True)
        ):
            return False
    snapshot_run.enqueue(period, None)
    return True
