import sqlite3

import pytest
from django.db import connection
from pytest_django.plugin import blocking_manager_key

from lindungdesa.regions.services import regions_load
from tests.conftest import transactional
from tests.shared import MIGRATED


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (a thread's or a tool's own connection must see its rows) ends by
    emptying every table: the database is given back what the session's set-up put in it for the tests
    after it. On SQLite, the copy `django_db_setup` made (the migrations' rows and the regions) is copied
    back (0.6 ms of CPU); loading the regions again took 0.3 s a test and left the data migrations' rows
    (the budget's rules) out. On PostgreSQL the regions are loaded again. After the session's last test
    there is none: its test database is gone by then, and loading would write into the database
    DATABASE_URL names."""
    result = yield
    if transactional(item) and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            copy = item.config.stash.get(MIGRATED, None)
            if connection.vendor == "sqlite" and copy is not None:
                connection.ensure_connection()
                source = sqlite3.connect(copy)
                try:
                    source.backup(connection.connection)
                finally:
                    source.close()
            else:
                regions_load(province_codes=["61"])
    return result
