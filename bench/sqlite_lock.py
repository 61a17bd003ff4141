"""How long an import holds SQLite's write lock, seen from outside (issue 21, item 6).

    .venv/bin/python bench/national_data.py --out bench/data          # the national files, once
    .venv/bin/python bench/sqlite_lock.py --data bench/data --province 61 [--province 33]

For each province: a new SQLite database (migrate, the province's regions), the province's rows of the
national roster as a file of their own, then `lindungdesa import roster` while a probe in this process
tries every 20 ms to take the write lock (BEGIN IMMEDIATE, no waiting) and to read (a COUNT on the
regions). Prints the import's time, the longest time the write lock could not be had (what a login or an
API write would wait), and the slowest read.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent


class Probe(threading.Thread):
    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.longest_lock = 0.0
        self.slowest_read = 0.0

    def run(self) -> None:
        db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        locked_since = None
        while not self.stop.is_set():
            now = time.perf_counter()
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                if locked_since is not None:
                    self.longest_lock = max(self.longest_lock, now - locked_since)
                locked_since = None
            except sqlite3.OperationalError:
                locked_since = locked_since or now
            started = time.perf_counter()
            db.execute("SELECT count(*) FROM regions_region").fetchone()
            self.slowest_read = max(self.slowest_read, time.perf_counter() - started)
            time.sleep(0.02)
        if locked_since is not None:
            self.longest_lock = max(self.longest_lock, time.perf_counter() - locked_since)


def province_file(roster: Path, province: str, out: Path) -> int:
    rows = 0
    with roster.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        dst.write(src.readline())
        for line in src:
            if line.startswith(f"{province}."):
                dst.write(line)
                rows += 1
    return rows


def measure(data: Path, province: str) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-lock-{province}-"))
    env = {**os.environ, "LINDUNGDESA_VAR_DIR": str(work), "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}"}
    cli = str(BIN / "lindungdesa")
    subprocess.run([cli, "migrate", "-v0"], env=env, check=True)
    subprocess.run([cli, "load-regions", "--province", province], env=env, check=True, capture_output=True)
    file = work / f"roster-{province}.csv"
    rows = province_file(data / "roster.csv", province, file)
    probe = Probe(work / "db.sqlite3")
    probe.start()
    started = time.perf_counter()
    done = subprocess.run(
        [cli, "import", "roster", str(file), "--json"], env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    time.sleep(0.2)
    probe.stop.set()
    probe.join()
    summary = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-500:]}
    return {
        "province": province,
        "rows": rows,
        "import_s": round(wall, 1),
        "longest_write_lock_s": round(probe.longest_lock, 1),
        "slowest_read_ms": round(probe.slowest_read * 1000, 1),
        "created": summary.get("created"),
        "rejected": summary.get("rejected"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default="bench/data", help="folder with the national roster.csv")
    parser.add_argument("--province", action="append", required=True)
    args = parser.parse_args()
    for province in args.province:
        print(json.dumps(measure(Path(args.data), province)), flush=True)


if __name__ == "__main__":
    main()
