"""Snapshots in the background: on request, and once a month on their own."""

from datetime import datetime, time

from django.apps import apps
from django.utils import timezone
from django_tasks import default_task_backend, task

from lindungdesa.lib.months import Month

from .services import snapshot_take

MONTHLY_TASK_PATH = "lindungdesa.indicators.tasks.snapshot_monthly"


@task()
def snapshot_run(period: str, user_id: int | None = None) -> int:
    from lindungdesa.accounts.models import User
    from lindungdesa.accounts.permissions import SNAPSHOT_TAKE, require

    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user_id:
        require(user, SNAPSHOT_TAKE)  # asked for by a user: whose right may have gone while it waited
    return snapshot_take(period=Month.parse(period), user=user).pk


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
