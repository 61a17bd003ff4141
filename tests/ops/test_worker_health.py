import time
from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from lindungdesa.ops.models import WorkerHeartbeat
from lindungdesa.ops.worker_health import (
    WorkerHeartbeatThread,
    worker_heartbeat_age,
    worker_heartbeat_beat,
    worker_heartbeat_end,
)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def test_without_a_worker_there_is_no_heartbeat():
    assert worker_heartbeat_age() is None


def test_a_beat_registers_the_worker_and_the_age_counts_from_the_latest_beat():
    start = timezone.now()
    worker_heartbeat_beat(worker_id="a", started_at=start, now=start)
    worker_heartbeat_beat(worker_id="b", started_at=start, now=start + timedelta(seconds=5))
    worker_heartbeat_beat(worker_id="a", started_at=start, now=start + timedelta(seconds=8))

    assert WorkerHeartbeat.objects.count() == 2
    assert worker_heartbeat_age(now=start + timedelta(seconds=10)) == 2
    row = WorkerHeartbeat.objects.get(worker_id="a")
    assert row.started_at == start and row.pid > 0 and row.host


@override_settings(WORKER_HEARTBEAT_STALE_SECONDS=60)
def test_the_age_is_that_of_the_latest_beat_of_any_worker():
    start = timezone.now()
    worker_heartbeat_beat(worker_id="old", started_at=start, now=start)
    worker_heartbeat_beat(worker_id="new", started_at=start, now=start + timedelta(seconds=50))
    later = start + timedelta(seconds=70)

    assert worker_heartbeat_age(now=later) == 20  # the latest beat is what readiness weighs


def test_a_worker_that_stopped_cleanly_is_gone_and_one_long_dead_is_forgotten():
    start = timezone.now()
    worker_heartbeat_beat(worker_id="stopped", started_at=start, now=start)
    worker_heartbeat_beat(worker_id="killed", started_at=start, now=start - timedelta(days=2))
    worker_heartbeat_end("stopped")
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"killed"}

    worker_heartbeat_beat(worker_id="next", started_at=start, now=start)
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"next"}


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError as exc:
            # The tests' in-memory SQLite shares one cache between connections: a read while the heartbeat
            # thread writes gets "database table is locked" at once (no busy timeout for a table lock).
            if "locked" not in str(exc):
                raise
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)  # the thread's own connection must see and write committed rows
def test_the_thread_keeps_beating_until_stopped_then_removes_its_row():
    thread = WorkerHeartbeatThread("w-thread", interval=0.05)
    thread.start()
    try:
        assert wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="w-thread").exists())

        def beat_at():
            return WorkerHeartbeat.objects.get(worker_id="w-thread").beat_at

        first = []
        assert wait_for(lambda: first.append(beat_at()) is None)
        assert wait_for(lambda: beat_at() > first[0])
    finally:
        thread.stop()
    assert not thread.is_alive()
    assert not WorkerHeartbeat.objects.filter(worker_id="w-thread").exists()


SEEN_WHILE_RUNNING: list[bool] = []


@task()
def wait_for_own_heartbeat(worker_id: str) -> None:
    """Runs in the worker's main thread: the heartbeat must come from elsewhere while it runs."""
    SEEN_WHILE_RUNNING.append(wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id=worker_id).exists()))


def test_lindungdesa_db_worker_is_the_command_that_beats():
    assert get_commands()["db_worker"] == "lindungdesa.workers"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS, WORKER_HEARTBEAT_SECONDS=0.05)
def test_the_worker_beats_while_it_runs_a_task_and_stops_beating_when_it_stops():
    SEEN_WHILE_RUNNING.clear()
    wait_for_own_heartbeat.enqueue("w-command")

    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", "w-command", verbosity=0)

    assert SEEN_WHILE_RUNNING == [True]
    assert not WorkerHeartbeat.objects.filter(worker_id="w-command").exists()
