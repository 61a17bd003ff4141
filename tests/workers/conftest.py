import os

import pytest

from tests.imports.conftest import desa, people  # noqa: F401  (fixtures)
from tests.shared import migrated_copy
from tests.workers.procs import drop_side_database, side_database


@pytest.fixture(scope="session")
def side_db(django_db_setup, tmp_path_factory, worker_id):
    """A database real processes can share (see procs.py), on the suite's kind of database."""
    side = side_database(
        os.environ.get("DATABASE_URL", ""),
        tmp_path_factory.mktemp("side"),
        worker_id,
        migrated=migrated_copy(tmp_path_factory),
    )
    yield side
    drop_side_database(side)
