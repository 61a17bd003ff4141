"""Real `lindungdesa db_worker` processes on a database of their own (procs.py)."""

import signal

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from lindungdesa.imports.tasks import WORKER_DIED, progress_key
from tests.workers.procs import log_text, province_roster, wait_for

# One test process runs the tests of the side database (tests/workers/conftest.py), so it is migrated once.
pytestmark = pytest.mark.xdist_group("side-database")

ROWS = 6_000  # three chunks (CHUNK_ROWS): the worker is killed after the first


def batch_state(side_db, batch_id: int) -> tuple:
    return side_db.query(
        "SELECT state, message, created FROM imports_importbatch WHERE id = %s", (batch_id,)
    )[0]


def task_states(side_db) -> list[str]:
    return [
        row[0]
        for row in side_db.query("SELECT status FROM django_tasks_database_dbtaskresult ORDER BY enqueued_at")
    ]


def worker(side_db, worker_id: str, log, *extra: str, **env: str):
    return side_db.start(
        "db_worker",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--interval",
        "0.1",
        "--worker-id",
        worker_id,
        *extra,
        log=log,
        **env,
    )


def stop(process) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except Exception:
            process.kill()
            process.wait(5)


def test_a_worker_killed_mid_import_leaves_a_failed_batch_that_is_tried_again(side_db, tmp_path):
    roster = tmp_path / "kill.csv"
    roster.write_bytes(province_roster(ROWS, desa_from=0))
    batch_id = side_db.django(
        "from lindungdesa.imports.engine import batch_create\n"
        "from lindungdesa.imports.tasks import import_batch_run\n"
        f"data = open({str(roster)!r}, 'rb').read()\n"
        "batch = batch_create(kind='roster', data=data, file_name='kill.csv', save=True)\n"
        "import_batch_run.enqueue(batch.pk)\n"
        "result = batch.pk\n"
    )
    people_before = side_db.query("SELECT count(*) FROM officials_person")[0][0]
    cache = FileBasedCache(str(side_db.var_dir / "cache"), {})
    log = tmp_path / "workers.log"

    first = worker(side_db, f"killed-{batch_id}", log)
    try:
        # Mid-import: the first chunk is decided, the rest not yet.
        wait_for(lambda: cache.get(progress_key(batch_id)), seconds=120, what="the import under way")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first)
    # What the issue saw: the batch and its task say running, and nothing of the import was kept.
    assert batch_state(side_db, batch_id)[0] == "running"
    assert "RUNNING" in task_states(side_db)
    assert side_db.query("SELECT count(*) FROM officials_person")[0][0] == people_before

    second = worker(side_db, f"restarted-{batch_id}", log, "--recover-interval", "1")
    try:
        state, message, _ = wait_for(
            lambda: (row := batch_state(side_db, batch_id))[0] == "failed" and row,
            seconds=60,
            what="the killed worker's batch marked failed",
        )
        assert message == WORKER_DIED
        assert side_db.query("SELECT count(*) FROM officials_person")[0][0] == people_before

        # The page's "Coba lagi": queued again from the kept file, and run by the worker that is left.
        side_db.django(
            "from lindungdesa.imports.models import ImportBatch\n"
            "from lindungdesa.imports.services import batch_retry\n"
            "from lindungdesa.imports.tasks import import_batch_run\n"
            f"batch_retry(ImportBatch.objects.get(pk={batch_id}))\n"
            f"import_batch_run.enqueue({batch_id})\n"
        )
        state, message, created = wait_for(
            lambda: (row := batch_state(side_db, batch_id))[0] == "done" and row,
            seconds=180,
            what="the batch tried again and done",
        )
        assert created == ROWS
        assert side_db.query("SELECT count(*) FROM officials_person")[0][0] == people_before + ROWS
        assert second.poll() is None, log_text(log)
    finally:
        stop(second)
    assert "Traceback" not in log_text(log)


def test_a_worker_outlives_a_database_it_cannot_use_and_then_works(side_db, tmp_path):
    """The issue's worker exited on "database is locked" (SQLite): now it logs and goes on."""
    log = tmp_path / "worker.log"
    # A second's busy timeout: the worker's look for a task fails while the transaction is held. Its
    # heartbeat thread, the worker's only other writer, beats once, at the start: on a loaded machine a beat
    # during the import can keep the write lock past that second and fail the import's own writes (a
    # traceback from recording the task's failure, seen once at load 10 under a profiler), which is not
    # what this test is about (the heartbeat thread: tests/ops/test_worker_health.py).
    # No task waits in the side database before this worker starts (tests/workers/conftest.py): it runs this
    # test's task alone.
    process = worker(side_db, "outlives", log, SQLITE_BUSY_TIMEOUT="1", WORKER_HEARTBEAT_SECONDS="3600")
    try:
        with side_db.import_transaction():
            wait_for(
                lambda: "database error" in log_text(log) or side_db.vendor == "postgresql",
                seconds=30,
                what="the error logged",
            )
        assert process.poll() is None, log_text(log)
        roster = tmp_path / "small.csv"
        roster.write_bytes(province_roster(3, desa_from=1700, serial_from=7000))
        batch_id = side_db.django(
            "from lindungdesa.imports.engine import batch_create\n"
            "from lindungdesa.imports.tasks import import_batch_run\n"
            f"data = open({str(roster)!r}, 'rb').read()\n"
            "batch = batch_create(kind='roster', data=data, file_name='small.csv', save=True)\n"
            "import_batch_run.enqueue(batch.pk)\n"
            "result = batch.pk\n"
        )
        wait_for(lambda: batch_state(side_db, batch_id)[0] == "done", seconds=60, what="the import run")
        assert process.poll() is None
    finally:
        stop(process)
    if side_db.vendor == "sqlite":
        errors = [line for line in log_text(log).splitlines() if "database error" in line]
        assert errors and all("database is locked" in line for line in errors), log_text(log)
    assert "Traceback" not in log_text(log), log_text(log)
