"""One import through the service, with its pace every 100,000 rows and its CPU time (and that of any
child process, as `os.times()` counts a reaped child: commits before issue 22 read large files in a second
process): the CPU times move less than the wall time on a shared machine.

    LINDUNGDESA_VAR_DIR=$(mktemp -d) sh -c '.venv/bin/lindungdesa migrate -v0 &&
        .venv/bin/lindungdesa load-regions --all > /dev/null &&
        .venv/bin/python bench/import_rate.py roster bench/data/roster.csv &&
        .venv/bin/python bench/import_rate.py bpjs bench/data/bpjs.csv'
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from lindungdesa.imports import services  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["roster", "bpjs"])
    parser.add_argument("file")
    parser.add_argument("--as-of", default="2026-10")
    args = parser.parse_args()
    data = Path(args.file).read_bytes()
    started = time.perf_counter()
    last = [started, 0]

    def progress(done: int, total: int) -> None:
        if done - last[1] >= 100_000 or done == total:
            now = time.perf_counter()
            pace = (now - last[0]) / (done - last[1]) * 1e6
            print(f"{done:>9,} rows {now - started:7.1f} s  {pace:5.1f} µs a row", flush=True)
            last[:] = [now, done]

    name = Path(args.file).name
    if args.kind == "roster":
        summary = services.roster_import_file(data=data, file_name=name, progress=progress)
    else:
        summary = services.bpjs_import_file(
            data=data, file_name=name, as_of=Month.parse(args.as_of), progress=progress
        )
    wall = time.perf_counter() - started
    t = os.times()
    counts = f"{summary.created:,} new, {summary.rejected:,} rejected"
    print(f"{summary.total_rows:,} rows ({counts}) in {wall:.1f} s")
    reader = t.children_user + t.children_system
    print(f"CPU: importing process {t.user + t.system:.1f} s, child processes {reader:.1f} s")


if __name__ == "__main__":
    main()
