"""The database router (lindungdesa/dbrouter.py). The tests marked `replica` need a real streaming replica
(DATABASE_REPLICA_URL; `.ci/run` starts one with scripts/pg-replica.sh) and are skipped without one."""

import os
import time

import dj_database_url
import psycopg
import pytest
from django.db import connections
from django.db.models import F
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from lindungdesa.accounts.models import User
from lindungdesa.dbrouter import (
    PIN_COOKIE,
    PrimaryReplicaRouter,
    forget_replica_check,
    replica_lag,
    replica_reads,
)
from lindungdesa.regions.models import Region

router = PrimaryReplicaRouter()


def test_reads_go_to_the_replica_only_inside_a_read_only_page_and_until_a_write():
    assert router.db_for_read(Region) == "default"
    with replica_reads():
        assert router.db_for_read(Region) == "replica"
        assert router.db_for_read(User) == "default"  # who is signed in: always the primary
        assert router.db_for_write(Region) == "default"
        assert router.db_for_read(Region) == "default"  # a read after a write, in the same request
    with replica_reads(allowed=False):
        assert router.db_for_read(Region) == "default"
    assert router.allow_migrate("replica", "regions") is False


needs_replica = pytest.mark.skipif(
    not os.environ.get("DATABASE_REPLICA_URL"), reason="needs a streaming replica (DATABASE_REPLICA_URL)"
)
PASSWORD = "kata-sandi-replika-1"


@pytest.fixture
def replica():
    """The `replica` alias on the real replica, in the suite's test database (there by streaming). The
    test run made the alias a mirror of the primary's test database; for this test it is a connection of
    its own to the standby."""
    mirror = connections["replica"]
    real = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    settings_dict = {**connections["default"].settings_dict, "HOST": real["HOST"], "PORT": real["PORT"]}
    standby = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="replica")
    connections["replica"] = standby
    forget_replica_check()
    try:
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True  # a standby, not the primary under another name
        yield standby
    finally:
        standby.close()
        connections["replica"] = mirror
        forget_replica_check()


@pytest.fixture
def analyst(db):
    user = User.objects.create_user(
        username="analis.replika", password=PASSWORD, role=User.Role.PROVINCE_ANALYST, region_id="61"
    )
    return user


def region_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "regions_region" in q["sql"]]


@needs_replica
@pytest.mark.django_db(databases=["default", "replica"])
def test_a_dashboard_reads_from_the_replica(client, replica, analyst):
    client.force_login(analyst)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/wilayah/61/")
    assert response.status_code == 200
    assert region_reads(on_replica.captured_queries)
    assert not region_reads(on_primary.captured_queries)
    assert PIN_COOKIE not in response.cookies


@needs_replica
@pytest.mark.django_db(databases=["default", "replica"])
def test_a_read_after_a_write_goes_to_the_primary(client, replica, analyst):
    # In the same request.
    with replica_reads():
        assert Region.objects.all().db == "replica"
        Region.objects.filter(code="61").update(name=F("name"))
        assert Region.objects.all().db == "default"
    # In the same session: signing in writes, and pins the browser to the primary for a while.
    response = client.post("/masuk/", {"username": "analis.replika", "password": PASSWORD})
    assert response.status_code == 302 and response.cookies[PIN_COOKIE]["max-age"]
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get("/wilayah/61/").status_code == 200
    assert on_replica.captured_queries == []


@needs_replica
@pytest.mark.django_db(databases=["default", "replica"])
def test_a_replica_lagging_beyond_the_limit_is_not_read(client, replica, analyst, settings):
    settings.DATABASE_REPLICA_MAX_LAG = 1
    client.force_login(analyst)
    primary = dj_database_url.parse(os.environ["DATABASE_URL"])
    standby = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    with psycopg.connect(
        host=standby["HOST"], port=standby["PORT"], user="postgres", dbname="postgres", autocommit=True
    ) as control:
        control.execute("SELECT pg_wal_replay_pause()")
        try:
            with psycopg.connect(
                host=primary["HOST"],
                port=primary["PORT"],
                user="postgres",
                dbname="postgres",
                autocommit=True,
            ) as writer:
                writer.execute(
                    "SELECT txid_current()"
                )  # a committed transaction the replica has not replayed
            deadline = time.monotonic() + 30
            while (replica_lag() or 0) <= 1:
                assert time.monotonic() < deadline, "the paused replica never fell behind"
                time.sleep(0.2)
            forget_replica_check()
            with CaptureQueriesContext(replica) as on_replica:
                assert client.get("/wilayah/61/").status_code == 200
            assert not region_reads(on_replica.captured_queries)
        finally:
            control.execute("SELECT pg_wal_replay_resume()")
