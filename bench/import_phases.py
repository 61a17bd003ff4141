"""The CPU time of one import by phase: each of the handler's methods, the undo log, the reconciliation
after it, and Python's cyclic garbage collector by generation (time and number of collections), from
process CPU time around each call (a collection is also counted in the phase it interrupts).

    LINDUNGDESA_VAR_DIR=DIR .venv/bin/python bench/import_phases.py bpjs DATA/bpjs.csv   # a migrated copy
    NO_GC=1 ...    # the same with the collector off, to see what it costs (never so in the product)
    TREE=/tmp/A ...  # the code of another tree (`git archive COMMIT`), as bench/paired.sh exports it
"""

import gc
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.environ.get("TREE") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from lindungdesa.imports import bpjs, engine, roster, services  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402

spent: dict[str, float] = defaultdict(float)
_started = [0.0]


def _collected(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.process_time()
    else:
        spent[f"gc{info['generation']}"] += time.process_time() - _started[0]
        spent[f"gc{info['generation']} count"] += 1


def _timed(owner: object, name: str, label: str) -> None:
    function = getattr(owner, name, None)
    if function is None:  # a phase of another commit (before da8177f each handler wrote its own chunk)
        return

    def timed(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - started

    setattr(owner, name, timed)


def main() -> None:
    kind, path = sys.argv[1], Path(sys.argv[2])
    for handler in (roster.RosterRows, bpjs.BpjsRows):
        for name in ("read", "read_rows", "prefetch", "apply", "write"):
            _timed(handler, name, name)  # read_rows: in this process only for chunks no worker read
    _timed(engine, "write", "write")
    _timed(engine, "prepare", "prepare")
    _timed(engine, "_received", "received")  # a chunk's readings made again from the columns
    _timed(engine, "record_changes", "record_changes")
    _timed(services, "reconcile_after_import", "reconcile")
    gc.callbacks.append(_collected)
    if os.environ.get("NO_GC"):
        gc.disable()
    data = path.read_bytes()
    started = time.process_time()
    if kind == "roster":
        summary = services.roster_import_file(data=data, file_name=path.name)
    else:
        summary = services.bpjs_import_file(data=data, file_name=path.name, as_of=Month.parse("2026-10"))
    total = time.process_time() - started
    phases = ", ".join(f"{k} {v:.2f}" if "count" not in k else f"{k} {v:.0f}" for k, v in spent.items())
    print(
        f"{kind}: {summary.created:,} new, {summary.rejected:,} rejected; import {total:.2f} s CPU, "
        f"process {sum(os.times()[:2]):.2f} s; {phases}"
    )


if __name__ == "__main__":
    main()
