"""Where the time of one import goes: each part of the engine's work timed, in µs a row.

    LINDUNGDESA_VAR_DIR=$(mktemp -d) sh -c '.venv/bin/lindungdesa migrate -v0 &&
        .venv/bin/lindungdesa load-regions --all && .venv/bin/python bench/import_parts.py roster FILE.csv'
    .venv/bin/python bench/import_parts.py bpjs FILE.csv      # on the same database, after the roster

The import runs for real (one batch, committed) through the services, with timers around the row
handler's methods and the engine's bulk writes. The timers cost about a µs a call.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from lindungdesa.imports import bpjs, engine, roster, services  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402

spent: Counter[str] = Counter()


def timed(owner, name: str, label: str) -> None:
    inner = getattr(owner, name)

    def timer(*args, **kwargs):
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - started

    setattr(owner, name, timer)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["roster", "bpjs"])
    parser.add_argument("file")
    parser.add_argument("--as-of", default="2026-10")
    args = parser.parse_args()
    handler = roster.RosterRows if args.kind == "roster" else bpjs.BpjsRows
    for part in ("read", "prefetch", "apply"):
        timed(handler, part, part)
    timed(engine, "write", "write")
    timed(engine, "prepare", "file (read_table, headers)")
    timed(engine, "record_changes", "undo log")
    data = Path(args.file).read_bytes()
    started = time.perf_counter()
    if args.kind == "roster":
        summary = services.roster_import_file(data=data, file_name=args.file)
    else:
        summary = services.bpjs_import_file(data=data, file_name=args.file, as_of=Month.parse(args.as_of))
    total = time.perf_counter() - started
    rows = summary.total_rows or 1
    per_row = total / rows * 1e6
    print(f"{summary.total_rows} rows ({summary.created} new) in {total:.1f} s: {per_row:.0f} µs a row")
    for label, seconds in spent.most_common():
        print(f"  {label:<28} {seconds / rows * 1e6:6.1f} µs a row")
    print(f"  {'rest (reconcile, batch)':<28} {(total - sum(spent.values())) / rows * 1e6:6.1f} µs a row")


if __name__ == "__main__":
    main()
