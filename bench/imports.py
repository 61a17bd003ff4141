"""Imports and reconciliation at national scale (issue 3): wall time and peak memory of each step, beside
the floor (the same roster-BPJS join on NIK as one DuckDB query over the same CSV files).

    .venv/bin/python bench/national_data.py --out bench/data          # 1.5 M roster rows, 1.2 M BPJS rows
    .venv/bin/pip install duckdb                                      # for the floor only
    .venv/bin/python bench/imports.py --data bench/data               # a fresh SQLite database
    createdb -h 127.0.0.1 -U postgres bench_imports
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_imports
    .venv/bin/python bench/imports.py --data bench/data                # on PostgreSQL

Every step runs in its own process, the imports through the real CLI, so each peak is that step's own: the
peak RSS of its largest process (the kernel's figure) and the peak of the summed PSS of all its processes
(a large import reads its file in a second process), sampled twice a second.
Without DATABASE_URL the database is a new SQLite file in a temporary folder (or --var-dir); with it, the
database must be empty.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PERIOD = "2026-10"


class MemorySampler(threading.Thread):
    """The memory of a process and its descendants (an import's reader process), sampled twice a second:
    the peak of their summed PSS (a page shared after a fork counted once, in parts)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.most_processes = 1
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            pids = self._tree(self.pid)
            total = sum(self._pss_kb(pid) for pid in pids)
            self.peak_kb = max(self.peak_kb, total)
            self.most_processes = max(self.most_processes, len(pids))

    def _tree(self, pid: int) -> list[int]:
        out = [pid]
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return out
        for child in children:
            out.extend(self._tree(int(child)))
        return out

    @staticmethod
    def _pss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0


def run(name: str, argv: list[str], env: dict[str, str], rows: int | None = None) -> dict:
    """Run one step as a child process; its wall time, its own peak RSS (of the largest of its processes)
    and the peak PSS of all its processes together."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sampler = MemorySampler(child.pid)
    sampler.start()
    out = child.stdout.read() if child.stdout else ""
    sampler.done.set()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{name} failed ({child.returncode}):\n{out[-3000:]}")
    step = {"step": name, "wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024)}
    step["peak_pss_all_mb"] = round(sampler.peak_kb / 1024)
    step["processes"] = sampler.most_processes
    step["rows"] = rows
    if rows:
        step["rows_per_s"] = round(rows / wall)
    try:
        step["result"] = json.loads(out.strip().splitlines()[-1]) if out.strip() else None
    except json.JSONDecodeError:
        step["result"] = out.strip()[-500:]
    if isinstance(step["result"], dict):
        step["result"].pop("errors", None)
        step["result"].pop("warnings", None)
    print(
        f"  {name:<14} {step['wall_s']:>8.1f} s  {step['peak_rss_mb']:>6} MB largest process, "
        f"{step['peak_pss_all_mb']:>6} MB all {step['processes']} together",
        file=sys.stderr,
        flush=True,
    )
    return step


def data_rows(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default="bench/data", help="folder with roster.csv and bpjs.csv")
    parser.add_argument("--var-dir", help="LINDUNGDESA_VAR_DIR for the SQLite database (default: a new one)")
    parser.add_argument("--province", help="province of the four lists (default: 61, else the first)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # internal: run one in-process step
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    data = Path(args.data).resolve()
    roster, bpjs = data / "roster.csv", data / "bpjs.csv"
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["LINDUNGDESA_VAR_DIR"] = args.var_dir or tempfile.mkdtemp(prefix="bench-imports-")
    province = args.province or _province(roster)
    database = env.get("DATABASE_URL") or f"sqlite in {env['LINDUNGDESA_VAR_DIR']}"
    print(f"{database}; {data}", file=sys.stderr)
    cli = str(BIN / "lindungdesa")
    me = [sys.executable, str(Path(__file__).resolve())]
    n_roster, n_bpjs = data_rows(roster), data_rows(bpjs)
    steps = [
        run("migrate", [cli, "migrate", "-v0"], env),
        run("load-regions", [cli, "load-regions", "--all"], env),
    ]
    steps.append(run("import roster", [cli, "import", "roster", str(roster), "--json"], env, n_roster))
    steps.append(
        run("import bpjs", [cli, "import", "bpjs", str(bpjs), "--as-of", PERIOD, "--json"], env, n_bpjs)
    )
    steps.append(run("reconcile", [*me, "--step", "reconcile", "--province", province], env))
    steps.append(run("unlink all", [*me, "--step", "unlink"], env))  # readies the next, not timed as it
    steps.append(run("relink all", [*me, "--step", "relink"], env, n_bpjs))
    steps.append(run("duckdb floor", [*me, "--step", "floor", "--data", str(data)], env, n_roster + n_bpjs))
    result = {"database": database, "data": str(data), "province": province, "steps": steps}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(table(steps))


def _province(roster: Path) -> str:
    with roster.open(encoding="utf-8") as fh:
        fh.readline()
        first = fh.readline().split(",", 1)[0][:2]
        return "61" if any(line.startswith("61.") for line in fh) else first


def table(steps: list[dict]) -> str:
    lines = [
        "| step | wall | rows/s | peak RSS (largest process) | peak PSS (all processes) |",
        "|---|---|---|---|---|",
    ]
    for s in steps:
        rate = f"{s['rows_per_s']:,}" if s.get("rows_per_s") else ""
        lines.append(
            f"| {s['step']} | {s['wall_s']:.1f} s | {rate} | {s['peak_rss_mb']:,} MB | "
            f"{s['peak_pss_all_mb']:,} MB ({s['processes']}) |"
        )
    return "\n".join(lines)


# In-process steps ---------------------------------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")
    import django

    django.setup()


def _timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return round(time.perf_counter() - started, 2), value


def step_reconcile(args) -> dict:
    """What follows every import (link by NIK, proposals), then the four lists of one province."""
    _django()
    from lindungdesa.enrolment import reconcile
    from lindungdesa.lib.months import Month

    period = Month.parse(PERIOD)
    out: dict = {}
    out["link_s"], out["linked"] = _timed(reconcile.enrolments_link_by_nik)
    out["proposals_s"], out["proposed"] = _timed(reconcile.match_proposals_refresh)
    for name in ("serving_not_enrolled", "serving_in_arrears", "enrolled_not_serving", "data_differences"):
        seconds, rows = _timed(getattr(reconcile, name), args.province, period)
        out[name] = {"s": seconds, "rows": len(rows)}
    return out


def step_unlink(args) -> dict:
    """Ready the worst case of linking: every participant unmatched, as an extract imported before the
    roster leaves them. On PostgreSQL the table is then rewritten (VACUUM FULL): unlinking leaves a dead
    version of every row, which a table just filled by an import does not have (measured once, the link
    took 28.0 s with them and 25.7 s without). The unlinking is not part of the case: it is timed apart."""
    _django()
    from django.db import connection

    from lindungdesa.enrolment.models import Enrolment

    started = time.perf_counter()
    unlinked = Enrolment.objects.update(person=None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM FULL ANALYZE {connection.ops.quote_name(Enrolment._meta.db_table)}")
    return {"unlinked": unlinked, "s": round(time.perf_counter() - started, 2)}


def step_relink(args) -> dict:
    """The worst case of linking (see step_unlink)."""
    _django()
    from lindungdesa.enrolment import reconcile

    out: dict = {}
    out["link_s"], out["linked"] = _timed(reconcile.enrolments_link_by_nik)
    out["proposals_s"], out["proposed"] = _timed(reconcile.match_proposals_refresh)
    return out


def step_floor(args) -> dict:
    """The same join of the two files on NIK, in one DuckDB query: who serves and is (not) enrolled."""
    import duckdb

    data = Path(args.data)
    started = time.perf_counter()
    row = duckdb.sql(
        f"""
        SELECT count(*) AS roster_rows,
               count(b.nik) AS enrolled,
               count(*) - count(b.nik) AS not_enrolled,
               count(*) FILTER (WHERE b.bulan_iuran_terakhir NOT IN ('2026-10', '10-2026', 'Okt 2026'))
                   AS in_arrears
        FROM read_csv('{data / "roster.csv"}', all_varchar = true) AS r
        LEFT JOIN read_csv('{data / "bpjs.csv"}', all_varchar = true) AS b USING (nik)
        """
    ).fetchall()[0]
    keys = ("roster_rows", "enrolled", "not_enrolled", "in_arrears")
    return {"s": round(time.perf_counter() - started, 2), **dict(zip(keys, row, strict=True))}


STEPS = {"reconcile": step_reconcile, "unlink": step_unlink, "relink": step_relink, "floor": step_floor}

if __name__ == "__main__":
    main()
