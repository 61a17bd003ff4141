"""Two real workers on one database, many tasks (issue 21, item 3): each task is run once, by one worker."""

from collections import Counter

import pytest

from tests.workers.procs import log_text

# One test process runs the tests of the side database (tests/workers/conftest.py), so it is migrated once.
pytestmark = pytest.mark.xdist_group("side-database")

TASKS = 300


def test_two_workers_never_take_the_same_task(side_db, tmp_path):
    runs = tmp_path / "runs.txt"
    side_db.django(
        "from tests.workers.sample_tasks import note_run\n"
        f"for number in range({TASKS}):\n"
        f"    note_run.enqueue(number, {str(runs)!r})\n"
    )
    log = tmp_path / "workers.log"
    # --batch: each works until the queue is empty, then ends.
    workers = [
        side_db.start("db_worker", "--queue-name", "*", "--batch", "--worker-id", f"pair-{n}", log=log)
        for n in (1, 2)
    ]
    for worker in workers:
        assert worker.wait(300) == 0, log_text(log)
    lines = [line.split() for line in runs.read_text().splitlines()]
    assert Counter(int(number) for number, _pid in lines) == Counter(range(TASKS))  # each once
    assert {pid for _number, pid in lines} == {str(worker.pid) for worker in workers}  # both worked
    done = side_db.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s",
        ("%note_run",),
    )
    assert len(done) == TASKS and {status for status, _ in done} == {"SUCCESSFUL"}
    assert all(len(_ids(ids)) == 1 for _status, ids in done)  # claimed once each


def _ids(value) -> list:
    import json

    return json.loads(value) if isinstance(value, str) else value
