"""Settings read from the environment, checked in a fresh interpreter (settings are read once per process)."""

import json
import os
import subprocess
import sys

import pytest

PRINT_OPTIONS = (
    "import json, lindungdesa.settings as s; "
    "print(json.dumps({k: v.get('OPTIONS', {}) for k, v in s.DATABASES.items()}))"
)


def options_for(**env: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PRINT_OPTIONS],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("postgres://u@127.0.0.1:5432/x", {}, 5),
        ("postgres://u@127.0.0.1:5432/x", {"DATABASE_CONNECT_TIMEOUT": "2"}, 2),
        ("postgres://u@127.0.0.1:5432/x?connect_timeout=9", {"DATABASE_CONNECT_TIMEOUT": "2"}, 9),
    ],
)
def test_postgresql_connections_give_up_instead_of_hanging(url, env, expected):
    options = options_for(DATABASE_URL=url, DATABASE_REPLICA_URL="postgres://u@127.0.0.1:5433/x", **env)
    assert int(options["default"]["connect_timeout"]) == expected
    assert int(options["replica"]["connect_timeout"]) == expected


def test_sqlite_gets_no_postgresql_option():
    options = options_for(DATABASE_URL="sqlite:////tmp/lindungdesa-settings-test.sqlite3")
    assert "connect_timeout" not in options["default"]


PRINT_HEALTH_CHECKS = (
    "import json, lindungdesa.settings as s; "
    "print(json.dumps({k: v['CONN_HEALTH_CHECKS'] for k, v in s.DATABASES.items()}))"
)


@pytest.mark.parametrize(("env", "expected"), [({}, True), ({"DB_CONN_HEALTH_CHECKS": "0"}, False)])
def test_a_kept_connection_is_checked_before_a_request_reuses_it(env, expected):
    # bench/load.py's fault step: without the check, each web process answered 500 once after PostgreSQL
    # restarted (5 of 160 requests on national data), on the connection the restart had broken.
    out = subprocess.run(
        [sys.executable, "-c", PRINT_HEALTH_CHECKS],
        env={
            **os.environ,
            "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
            "DATABASE_REPLICA_URL": "postgres://u@127.0.0.1:5433/x",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {"default": expected, "replica": expected}
