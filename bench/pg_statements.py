"""Where a PostgreSQL import's time goes on the server: every statement the import sends (and each COPY),
grouped by kind and table, with its count, its wall time and the CPU time of the server's backend process
(from /proc/<backend pid>/stat, read around each statement: the server must run on this machine). At the
end: the import's wall time, this process's CPU, the backend's CPU, and the WAL the server wrote meanwhile
(the whole server's: other databases' writes count too).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB .venv/bin/python bench/pg_statements.py roster FILE
    TREE=/tmp/A ...  # the code of another tree (`git archive COMMIT`), as bench/paired_pg.sh exports it

Only statements sent through psycopg's Cursor are seen (Django's and the COPYs of lib/inserts.py).
"""

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, os.environ.get("TREE") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from lindungdesa.imports import services  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
stats: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # kind -> count, wall, backend CPU
backend = {"pid": None}


def backend_cpu() -> float:
    if backend["pid"] is None:
        return 0.0
    with open(f"/proc/{backend['pid']}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def kind(sql: str) -> str:
    sql = sql.strip()
    words = sql.split(None, 1)
    verb = words[0].upper() if words else "?"
    table = re.search(r'(?:FROM|INTO|UPDATE|ANALYZE|COPY)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1) if table else ''}".strip()


def timed(label: str, call):  # noqa: ANN001, ANN201
    wall, cpu = time.perf_counter(), backend_cpu()
    try:
        return call()
    finally:
        entry = stats[label]
        entry[0] += 1
        entry[1] += time.perf_counter() - wall
        entry[2] += backend_cpu() - cpu


_execute, _executemany, _copy = psycopg.Cursor.execute, psycopg.Cursor.executemany, psycopg.Cursor.copy
_commit = psycopg.Connection.commit


def commit(self):  # noqa: ANN001, ANN201
    return timed("COMMIT", lambda: _commit(self))


def execute(self, query, params=None, **kwargs):  # noqa: ANN001, ANN201
    text = query if isinstance(query, str) else query.as_string(self)
    return timed(kind(text), lambda: _execute(self, query, params, **kwargs))


def executemany(self, query, params_seq, **kwargs):  # noqa: ANN001, ANN201
    text = query if isinstance(query, str) else query.as_string(self)
    return timed(kind(text) + " (many)", lambda: _executemany(self, query, params_seq, **kwargs))


@contextmanager
def copy(self, statement, params=None, **kwargs):  # noqa: ANN001, ANN201
    wall, cpu = time.perf_counter(), backend_cpu()
    with _copy(self, statement, params, **kwargs) as c:
        yield c
    entry = stats[kind(str(statement))]
    entry[0] += 1
    entry[1] += time.perf_counter() - wall
    entry[2] += backend_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["roster", "bpjs"])
    parser.add_argument("file")
    parser.add_argument("--as-of", default="2026-10")
    args = parser.parse_args()
    data = Path(args.file).read_bytes()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), pg_current_wal_lsn()")
        backend["pid"], lsn = cursor.fetchone()
    psycopg.Cursor.execute, psycopg.Cursor.executemany, psycopg.Cursor.copy = execute, executemany, copy
    psycopg.Connection.commit = commit
    cpu0, times0, wall0 = backend_cpu(), os.times(), time.perf_counter()
    name = Path(args.file).name
    if args.kind == "roster":
        summary = services.roster_import_file(data=data, file_name=name)
    else:
        summary = services.bpjs_import_file(data=data, file_name=name, as_of=Month.parse(args.as_of))
    wall, times, cpu = time.perf_counter() - wall0, os.times(), backend_cpu() - cpu0
    psycopg.Cursor.execute, psycopg.Cursor.executemany, psycopg.Cursor.copy = _execute, _executemany, _copy
    psycopg.Connection.commit = _commit
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [lsn])
        (wal,) = cursor.fetchone()
    ours = times.user + times.system - times0.user - times0.system
    print(f"{summary.total_rows:,} rows ({summary.created:,} new, {summary.rejected:,} rejected)")
    print(f"wall {wall:.1f} s, our CPU {ours:.1f} s, backend CPU {cpu:.1f} s, WAL {wal / 2**20:.0f} MB")
    spent, server = sum(e[1] for e in stats.values()), sum(e[2] for e in stats.values())
    print(f"in statements: wall {spent:.1f} s, backend CPU {server:.1f} s")
    print(f"{'statement':<40} {'count':>7} {'wall s':>8} {'backend s':>9}")
    for label, (count, spent, server) in sorted(stats.items(), key=lambda item: -item[1][1]):
        print(f"{label[:40]:<40} {count:>7} {spent:8.2f} {server:9.2f}")


if __name__ == "__main__":
    main()
