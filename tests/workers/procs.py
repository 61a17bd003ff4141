"""A database of its own for tests that run real processes (`lindungdesa db_worker`, `lindungdesa import`):
the suite's own test database is an in-memory one on SQLite, and on PostgreSQL it is inside the test's
transaction. An SQLite file, or a PostgreSQL database named after the suite's, migrated once per test
process, with Kalimantan Barat's regions."""

import contextlib
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from lokal import wilayah

from tests.imports.conftest import ROSTER_HEADER

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "lindungdesa")
# The system checks, which the processes these tests start skip: they import every view of the URL
# configuration (~0.5 s of CPU a process, half of its start), which a worker or an import never uses.
# `lindungdesa check` is run by tests of its own (tests/web/test_hardening.py).
SKIP_CHECKS = ("--skip-checks",)


@dataclass
class SideDatabase:
    url: str
    var_dir: Path
    helper: subprocess.Popen | None = field(default=None, repr=False, compare=False)

    @property
    def vendor(self) -> str:
        return "postgresql" if self.url.startswith("postgres") else "sqlite"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "DJANGO_SETTINGS")) and key != "TASKS_IMMEDIATE"
        }
        env.update(
            DATABASE_URL=self.url,
            LINDUNGDESA_VAR_DIR=str(self.var_dir),
            PYTHONPATH=str(ROOT),
            DJANGO_SETTINGS_MODULE="lindungdesa.settings",
        )
        env.update(extra)
        return env

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read it directly (no Django: this process's Django is on the suite's database)."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()

    def django(self, code: str, **env: str) -> Any:
        """Run Python code in another process, Django set up there on this database; what it binds to
        `result`, as JSON. Given `env`, in a process of its own; else in the side database's helper process
        (`HELPER`), started at the first call: each code runs there in a namespace of its own, and the
        process's database connections are closed after it, as a process's exit closes them. The tests'
        few calls (queue tasks, make a batch or a user) each paid Django's start in a process of their own:
        the worker tests' processes spent about half their CPU starting."""
        if env:
            script = (
                f"import django, json\ndjango.setup()\nresult = None\n{code}\nprint(json.dumps(result))\n"
            )
            done = subprocess.run(
                [sys.executable, "-c", script],
                env=self.env(**env),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout.strip().splitlines()[-1])
        helper = self._helper()
        helper.stdin.write(json.dumps(code) + "\n")
        helper.stdin.flush()
        watchdog = threading.Timer(120, helper.kill)  # as the process of its own's timeout
        watchdog.start()
        try:
            answer = helper.stdout.readline()
        finally:
            watchdog.cancel()
        assert answer, f"the helper process ended: {log_text(self._helper_log)}"
        done = json.loads(answer)
        assert "error" not in done, done.get("error")
        return done["result"]

    @property
    def _helper_log(self) -> Path:
        return self.var_dir.parent / "helper.log"

    def _helper(self) -> subprocess.Popen:
        if self.helper is None or self.helper.poll() is not None:
            self.var_dir.parent.mkdir(parents=True, exist_ok=True)
            with self._helper_log.open("ab") as log:
                self.helper = subprocess.Popen(
                    [sys.executable, "-c", HELPER],
                    env=self.env(),
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
        return self.helper

    def close(self) -> None:
        """End the helper process, if started."""
        if self.helper is not None and self.helper.poll() is None:
            self.helper.stdin.close()
            try:
                self.helper.wait(30)
            except subprocess.TimeoutExpired:
                self.helper.kill()
                self.helper.wait(5)

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(
            [CLI, *args], env=self.env(), cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )

    def start(self, command: str, *args: str, log: Path, **env: str) -> subprocess.Popen:
        """A management command in the background (`SKIP_CHECKS`)."""
        with log.open("ab") as out:
            return subprocess.Popen(
                [CLI, command, *SKIP_CHECKS, *args], env=self.env(**env), cwd=ROOT, stdout=out, stderr=out
            )

    def django_process(self, code: str, **env: str) -> subprocess.Popen:
        """As django(), in the background: read its output with communicate()."""
        script = f"import django, json\ndjango.setup()\nresult = None\n{code}\nprint(json.dumps(result))\n"
        return subprocess.Popen(
            [sys.executable, "-c", script],
            env=self.env(**env),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @contextlib.contextmanager
    def import_transaction(self) -> Iterator[Callable[[], None]]:
        """Inside: another process holds a transaction as an import does (written to from its start),
        until the block ends or calls what it is given."""
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER],
            env=self.env(),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

        def release() -> None:
            if not holder.stdin.closed:
                holder.stdin.close()

        try:
            wait_for(
                lambda: holder.stdout.readline().strip() == "held", seconds=60, what="the transaction held"
            )
            yield release
        finally:
            release()
            holder.wait(60)


# The helper process of `SideDatabase.django`: reads one code a line (JSON), answers one line (JSON) with
# what the code bound to `result`, or the traceback it raised. What the code prints goes to the log.
HELPER = """
import contextlib, json, sys, traceback
import django
django.setup()
from django.db import connections
answers = sys.stdout
for line in sys.stdin:
    scope = {"__name__": "__helper__", "result": None}
    try:
        with contextlib.redirect_stdout(sys.stderr):
            exec(json.loads(line), scope)
        answer = {"result": scope["result"]}
    except BaseException:
        answer = {"error": traceback.format_exc()}
    finally:
        connections.close_all()
    print(json.dumps(answer), file=answers, flush=True)
"""


HOLDER = """
import sys
import django
django.setup()
from django.db import transaction
from lindungdesa.imports.models import ImportBatch
with transaction.atomic():
    ImportBatch.objects.create(kind="roster", file_name="besar.csv", file_sha256="0" * 64, state="failed")
    print("held", flush=True)
    sys.stdin.read()  # until told to let go
"""


def side_database(base_url: str, folder: Path, suffix: str, *, migrated: Path | None = None) -> SideDatabase:
    """Make and migrate it (an SQLite file in `folder`, or a PostgreSQL database beside `base_url`'s). On
    SQLite, a copy of `migrated` when given: the suite's own test database as it was made (migrated, with
    Kalimantan Barat's regions, tests/conftest.py), what the migration and the loading below would make
    in processes of their own."""
    config = dj_database_url.parse(base_url) if base_url else {"ENGINE": "sqlite3"}
    if config["ENGINE"].endswith("postgresql"):
        name = f"{config['NAME']}_side_{suffix}"
        with _server(config) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{name}"')
        url = _url(config, name)
    else:
        url = f"sqlite:///{folder / 'side.sqlite3'}"
    side = SideDatabase(url=url, var_dir=folder / "var")
    if side.vendor == "sqlite" and migrated is not None and migrated.exists():
        shutil.copyfile(migrated, folder / "side.sqlite3")
        # In WAL mode from the start, as the migration's first connection left it (lindungdesa/settings.py).
        with contextlib.closing(sqlite3.connect(folder / "side.sqlite3")) as db:
            assert db.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
        return side
    done = side.run("migrate", "-v0")
    assert done.returncode == 0, done.stderr
    side.django("from lindungdesa.regions.services import regions_load\nregions_load(province_codes=['61'])")
    return side


def drop_side_database(side: SideDatabase) -> None:
    side.close()
    if side.vendor == "postgresql":
        config = dj_database_url.parse(side.url)
        with _server(config) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def _url(config: dict, name: str) -> str:
    user = config.get("USER") or "postgres"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}/{name}"
    )


def _server(config: dict) -> psycopg.Connection:
    return psycopg.connect(_url(config, "postgres"), autocommit=True)


def wait_for(check: Callable[[], Any], *, seconds: float, what: str, every: float = 0.05) -> Any:
    """Poll `check` until it returns something true, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(every)


FIRST = ["Agus", "Budi", "Siti", "Dewi", "Yohanes", "Maria", "Rudi", "Yanti", "Hendra", "Rina"]
LAST = ["Santoso", "Wijaya", "Aminah", "Lestari", "Ale", "Pratama", "Hidayat", "Kurniawan", "Saputra"]
OFFICES = [
    ("Kepala Desa", "APARAT"),
    ("Sekretaris Desa", "APARAT"),
    ("Kaur Keuangan", "APARAT"),
    ("Kaur Perencanaan", "APARAT"),
    ("Kasi Pemerintahan", "APARAT"),
    ("Kasi Pelayanan", "APARAT"),
    ("Ketua BPD", "BPD"),
    ("Wakil Ketua BPD", "BPD"),
    ("Sekretaris BPD", "BPD"),
    ("Anggota BPD", "BPD"),
]


def province_roster(rows: int, *, desa_from: int, serial_from: int = 0, province: str = "61") -> bytes:
    """A valid roster of `rows` rows over the province's desa from the `desa_from`-th on (ten offices
    each: tests sharing a database take desa of their own), as CSV; people's NIK serials in each
    kecamatan start after `serial_from`."""
    codes = sorted(c for c in wilayah._desa() if c.startswith(f"{province}.") and c.split(".")[3][0] in "23")
    codes = codes[desa_from:]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_HEADER)
    writer.writeheader()
    serials: dict[str, int] = {}
    written = 0
    for code in codes:
        district = code[:8]
        for office, group in OFFICES:
            if written == rows:
                return out.getvalue().encode()
            serial = serials[district] = serials.get(district, serial_from) + 1
            born = date(1970, 1, 1) + timedelta(days=serial % 9000)
            nik = (
                f"{district.replace('.', '')}{born.day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
            )
            writer.writerow(
                {
                    "kode_desa": code,
                    "nik": nik,
                    "nama": f"{FIRST[serial % len(FIRST)]} {LAST[serial // len(FIRST) % len(LAST)]}",
                    "jenis_kelamin": "L",
                    "kelompok": group,
                    "jabatan": office,
                    "nomor_sk": "141/01/KPTS/2022",
                    "tanggal_sk": "03/01/2022",
                    "mulai_menjabat": "03/01/2022",
                    "penghasilan_bulanan": "2426640",
                }
            )
            written += 1
    raise ValueError(f"the province has room for {written} rows, not {rows}")


def log_text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
