import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from lindungdesa.indicators.models import Snapshot
from lindungdesa.lib.months import Month
from lindungdesa.ops.health import health_snapshot
from lindungdesa.ops.worker_health import worker_heartbeat_beat
from tests.web.conftest import roster  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
LIVE = reverse("health-live")
READY = reverse("health-ready")


def this_months_snapshot() -> Snapshot:
    return Snapshot.objects.create(period=str(Month.of(timezone.localdate())), made_at=timezone.now())


def a_worker(seconds_ago: float = 0) -> None:
    now = timezone.now()
    worker_heartbeat_beat(worker_id="w1", started_at=now, now=now - timedelta(seconds=seconds_ago))


def test_liveness_answers_without_sign_in_or_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(LIVE)
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-store" in response["Cache-Control"]


@override_settings(TASKS=DATABASE_TASKS)
def test_ready_when_every_check_passes(client, roster, django_assert_max_num_queries):  # noqa: F811
    this_months_snapshot()
    a_worker(seconds_ago=3)

    with django_assert_max_num_queries(6):
        response = client.get(READY)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["ready"] is True and body["failing"] == []
    assert set(body["checks"]) == {"database", "migrations", "worker", "snapshot"}
    assert body["checks"]["worker"]["heartbeat_age_seconds"] >= 3
    assert body["checks"]["snapshot"]["period"] == str(Month.of(timezone.localdate()))
    # Nothing about a person, a user or the servers.
    text = response.content.decode()
    for person in (roster.budi, roster.siti, roster.maria):
        assert person.name not in text and person.nik not in text
    assert "w1" not in text and connection.settings_dict["NAME"] not in text


@override_settings(TASKS=DATABASE_TASKS)
def test_not_ready_without_a_worker_or_with_one_gone_silent(client):
    this_months_snapshot()
    response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert "db_worker" in response.json()["checks"]["worker"]["detail"]

    with override_settings(WORKER_HEARTBEAT_STALE_SECONDS=60):
        a_worker(seconds_ago=90)
        response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert response.json()["checks"]["worker"]["heartbeat_age_seconds"] >= 90


def test_tasks_run_in_the_request_need_no_worker(client):
    """TASKS_IMMEDIATE (and the tests): the check passes without a heartbeat."""
    this_months_snapshot()
    response = client.get(READY)
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True


def test_not_ready_without_this_months_snapshot(client):
    Snapshot.objects.create(period=str(Month.of(timezone.localdate()).add(-1)), made_at=timezone.now())
    with override_settings(HEALTH_SNAPSHOT_GRACE_HOURS=0):
        response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["snapshot"]
    assert body["checks"]["snapshot"]["expected"] == str(Month.of(timezone.localdate()))
    assert "lindungdesa snapshot" in body["checks"]["snapshot"]["detail"]


@override_settings(HEALTH_SNAPSHOT_GRACE_HOURS=6)
def test_last_months_snapshot_will_do_while_the_monthly_one_is_computed():
    Snapshot.objects.create(period="2026-11", made_at=timezone.now())
    tz = timezone.get_current_timezone()
    first_night = datetime(2026, 12, 1, 3, 0, tzinfo=tz)
    assert health_snapshot(first_night).ok
    assert not health_snapshot(datetime(2026, 12, 1, 7, 0, tzinfo=tz)).ok
    assert not health_snapshot(datetime(2026, 12, 2, 3, 0, tzinfo=tz)).ok
    Snapshot.objects.create(period="2026-12", made_at=timezone.now())
    assert health_snapshot(datetime(2026, 12, 2, 3, 0, tzinfo=tz)).data["period"] == "2026-12"


def test_not_ready_while_migrations_wait(client):
    this_months_snapshot()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'ops'")
    response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"]["unapplied"] == 1


@override_settings(TASKS=DATABASE_TASKS)
def test_only_the_named_checks_run(client):
    """A load balancer asks only what decides whether pages can be served here."""
    response = client.get(READY, {"only": "database,migrations"})
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "migrations"}

    response = client.get(READY, {"only": "database,kopi"})
    assert response.status_code == 400
    assert "kopi" in response.json()["detail"]


def test_health_urls_take_only_reads(client):
    assert client.post(LIVE).status_code == 405
    assert client.post(READY).status_code == 405
    assert client.head(LIVE).status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_over_plain_http_are_not_redirected_to_https(client):
    assert client.get(LIVE).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_not_ready_when_the_database_cannot_be_reached(tmp_path):
    """A real process whose database is a file in a folder that does not exist."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        LINDUNGDESA_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path}/tidak-ada/db.sqlite3",
        DJANGO_SETTINGS_MODULE="lindungdesa.settings",
    )
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='127.0.0.1').get('/health/ready/')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["failing"] == ["database", "migrations", "worker", "snapshot"]
    assert result["body"]["checks"]["database"]["detail"] == "Basis data tidak dapat dibaca."
    assert str(tmp_path) not in json.dumps(result["body"])  # where the database lives is not told
    assert "Readiness check database" in done.stderr  # but logged for whoever runs the server
