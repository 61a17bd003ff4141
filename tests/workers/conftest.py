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
