import gc
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from lindungdesa.regions.services import regions_load
from lindungdesa.web import kept
from tests.shared import MIGRATED, migrated_copy, shared
from tests.web.conftest import roster_make
from tests.world import World, build_world

# Property tests judge their examples, not the machine's speed: on a busy machine (two test processes
# beside other work) a draw can take seconds, and Hypothesis' timing checks (a deadline per example, a
# health check on slow data generation) then failed tests that were right. A test's own `@settings` still
# wins for what it names.
hypothesis.settings.register_profile(
    "lindungdesa", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("lindungdesa")


# The cyclic garbage collector, in the test processes only: a full collection walks every object the
# process holds (Django, the collected tests, a module's shared data; over a million objects), and with
# Python's default thresholds it ran some 40 times in 100 s of tests, 6-7 s of them. Here it runs a tenth as
# often (after 100 collections of the middle generation instead of 10), and what the session has made by
# the end of collection (the imported code and the collected tests, ~170,000 objects, never garbage) is left
# out of it (`pytest_collection_finish`). The younger generations are collected as before. Measured in
# docs/benchmarks.md; the product's processes keep Python's defaults.
gc.set_threshold(700, 10, 100)


def pytest_collection_finish(session):
    # The libraries Django no longer imports as it starts (fast8: production's processes start without
    # them) are imported here, before the freeze, as the tests use them anyway: imported later, their
    # objects were walked by every full collection (the suite's CPU 0.94 with this, paired in turn,
    # docs/benchmarks.md).
    import drf_spectacular.openapi  # noqa: F401
    import openpyxl  # noqa: F401
    import weasyprint  # noqa: F401

    import lindungdesa.api.auth  # noqa: F401

    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`make test` runs `--dist loadgroup`: the tests of one `xdist_group` share data made once
    (tests/shared.py) only if pytest-xdist really sends them to one process. It marks them by adding
    `@group` to their ids, which some pytest versions silently undo (pytest 9.2, pytest-xdist issue #1386):
    then every process would build the shared data, and the suite would take minutes longer.

    Also notes the modules whose tests share the kept world (`shared_world`), and puts first the tests
    that start servers and worker processes and wait for them (tests/ops, tests/workers): pytest-xdist
    hands out the groups first, largest first, then the other tests in this order, and the production
    server's test (some 9 s of waiting) came among the last: one process waited on it while the other
    had finished (docs/benchmarks.md). Not the transactional ones: they end by emptying the database, which
    on PostgreSQL takes the rows of the data migrations (the budget's rules) from the tests after them."""
    _world_modules.update(item.path for item in items if "shared_world" in item.fixturenames)
    processes = [config.rootpath / "tests" / name for name in ("ops", "workers")]
    items.sort(
        key=lambda item: transactional(item) or not any(item.path.is_relative_to(f) for f in processes)
    )
    if not getattr(config.option, "loadgroup", False):
        return
    grouped = [item.nodeid for item in items if item.get_closest_marker("xdist_group")]
    lost = [nodeid for nodeid in grouped if "@" not in nodeid]
    if lost:
        raise pytest.UsageError(f"--dist loadgroup does not group {lost[0]} (pytest-xdist issue #1386)")


def transactional(item) -> bool:
    """Whether a test runs outside a transaction (`transaction=True` or `reset_sequences=True`,
    `transactional_db`, `live_server`), as pytest-django tells them apart: it empties every table after it."""
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = set(item.fixturenames)
    return bool(
        {"transactional_db", "live_server"} & fixtures
        or kwargs.get("transaction")
        or kwargs.get("reset_sequences")
    )


def pytest_make_parametrize_id(config, val, argname):
    """A file given as a test parameter (bytes) is named by its length, not its bytes. Files such as ZIP
    archives are made while the tests are collected and hold the time they were made: two test processes
    collecting a second apart gave the same test different ids, and pytest-xdist then refused to run the
    suite ("Different tests were collected"), a failure that went away when run again."""
    if isinstance(val, bytes) and len(val) > 40:
        return f"{argname}-{len(val)}-bytes"
    return None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory, request):
    """Kalimantan Barat's regions, loaded once for the whole session (2,334 rows, about a second). On
    SQLite, the database as it then is (migrated, with the regions) is also copied to a file
    (`migrated_copy`): the worker tests' side database starts from it instead of migrating anew in a
    process of its own (tests/workers/procs.py), and a transactional test's emptied database is restored
    from it (tests/ops/conftest.py)."""
    with django_db_blocker.unblock():
        regions_load(province_codes=["61"])
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            copy = sqlite3.connect(migrated_copy(tmp_path_factory))
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            request.config.stash[MIGRATED] = migrated_copy(tmp_path_factory)


@pytest.fixture(scope="session")
def _media_folders(tmp_path_factory) -> Iterator[Path]:
    """Where the tests' own media folders are (one a test, under one folder per process)."""
    root = tmp_path_factory.mktemp("media")
    return (root / str(n) for n in itertools.count())


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, _media_folders):
    """Uploaded files of a test go to its own folder, made when the first is written (as it was under
    `tmp_path`). Not under `tmp_path` itself: that made a folder for every test, each after scanning the
    process's folder of them for the next free number (some 1,100 entries by the end of a run)."""
    settings.MEDIA_ROOT = next(_media_folders)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache. The database is rolled back after every test, but the cache
    (one per test process) is not: totals cached under a data version (the budget's, keyed on counts and
    timestamps that a rolled-back test may repeat) would otherwise reach the next test in that process,
    which then passes or fails according to what ran before it. The same for the pages' kept parts
    (web/kept.py, in this process's memory)."""
    cache.clear()
    kept.clear()
    yield
    cache.clear()
    kept.clear()


# The world of `shared_world` while the tests of modules that ask for it follow one another in this process
# (see there), and those modules (`pytest_collection_modifyitems`).
_kept_world: list[tuple[Iterator[World], World]] = []
_world_modules: set[Path] = set()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """The world of the hand-made roster, with every lazy object made (`tests/shared.py`: each test's writes
    are undone). Made once for as long as the tests asking for it run one after another in this process,
    not once a module: the scope, personal-data and downloads matrices (one `xdist_group`, so one process
    runs them in a row) share one world, which took 1.5-2 s of CPU to make. It is rolled back after the
    last test of such modules in a row (`pytest_runtest_teardown` below), so that no test of another module
    sees it, as a module's own shared rows; a module after others in between gets a world made anew."""
    if not _kept_world:
        media = tmp_path_factory.mktemp("world-media")

        def build() -> World:
            with override_settings(MEDIA_ROOT=media):
                world = build_world(roster_make())
                for place in world.places.values():
                    for attr in list(place.lazy):
                        place.object(attr)
            world.media = media
            return world

        rows = shared(django_db_blocker, build)
        _kept_world.append((rows, next(rows)))
    return _kept_world[0][1]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The kept world (`shared_world`) is rolled back once the next test is not of a module that asks for
    it: after this test's own fixtures are torn down (its savepoint), before the next test's are set up."""
    result = yield
    if _kept_world and (nextitem is None or nextitem.path not in _world_modules):
        rows, _world = _kept_world.pop()
        next(rows, None)  # past the generator's yield: its transaction is rolled back
    return result


@pytest.fixture
def world(shared_world, db, settings) -> World:
    """The module's world (`shared_world`), its attachments where this test reads files from."""
    settings.MEDIA_ROOT = shared_world.media
    return shared_world
