"""Expensive test data made once per module (see `shared`)."""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from django.db import transaction

T = TypeVar("T")


def shared(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Rows that cost seconds to make (a whole demo province), made once for all the tests of one module.

    A module-scoped fixture yields from this (`yield from shared(django_db_blocker, build)`). `build()` runs
    in a transaction left open while the module's tests run; each test runs, as always, in a savepoint of
    it (pytest-django's atomic block per test), so whatever a test writes is undone before the next one,
    and the transaction is rolled back after the module's last test: tests of other modules never see the
    rows. Only for modules whose tests use the database without `transaction=True`; such modules mark
    themselves `xdist_group` so that one worker makes the rows once (`make test` distributes by group).
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as Django's TestCase marks its own: durable blocks inside still work
        outer.__enter__()
        try:
            value = build()
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# Where `django_db_setup` copied the test database (on SQLite, in `config.stash`).
MIGRATED = pytest.StashKey[Path]()


def migrated_copy(tmp_path_factory) -> Path:
    """Where `django_db_setup` (tests/conftest.py) copies the test database on SQLite (one per process)."""
    return tmp_path_factory.getbasetemp() / "migrated.sqlite3"


def writes_so_far() -> int | None:
    """How many rows the default connection's INSERT, UPDATE and DELETE statements have touched since it
    opened (SQLite's `total_changes`, rolled-back ones included), or None on a database without the count.
    Unchanged between two moments: no row was written through the connection between them (on a database
    without triggers or cascades of its own, which SQLite would not count)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    return connection.connection.total_changes
