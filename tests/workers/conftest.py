import os

import pytest

from tests.imports.conftest import desa, people  # noqa: F401  (fixtures)
from tests.shared import migrated_copy
from tests.workers.procs import drop_side_database, side_database


@pytest.fixture(scope="session")
def side_db(request, tmp_path_factory, worker_id):
    """A database real processes can share (see procs.py), on the suite's kind of database. On SQLite, a copy
    of the suite's test database as made (`django_db_setup`), when this session makes one: pytest-django
    makes it only for a session holding tests of the database (else `django_db_setup` would be on the
    database the settings name); else migrated anew."""
    if any(item.get_closest_marker("django_db") for item in request.session.items):
        request.getfixturevalue("django_db_setup")
    side = side_database(
        os.environ.get("DATABASE_URL", ""),
        tmp_path_factory.mktemp("side"),
        worker_id,
        migrated=migrated_copy(tmp_path_factory),
    )
    yield side
    drop_side_database(side)


@pytest.fixture(autouse=True)
def _no_task_left_queued(request):
    """A test of the side database starts with no task waiting there. An import commits with a snapshot
    and a budget warming queued (`snapshot_run`, `budget_totals_warm`), which the test's own workers are
    stopped before running, or which no worker runs (an import by the command line): the next test's
    workers ran them first. They made the tests wait for work not theirs (the two workers of
    test_two_workers.py, `--batch`, froze the snapshot of the 6,000 rows test_concurrent_imports.py left),
    and the worker of test_a_worker_outlives_a_database_it_cannot_use_and_then_works ran them while the
    test held the write lock with a second's busy timeout: a task failed, logged with a traceback (that
    test's failures now and then, after test_a_worker_killed_mid_import_... had left its 10,000 rows')."""
    if "side_db" in request.fixturenames:
        request.getfixturevalue("side_db").query(
            "DELETE FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING') RETURNING id"
        )
