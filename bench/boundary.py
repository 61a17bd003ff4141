"""What the region boundary on writes (officials/boundary.py) costs an import by a user with a region.

    .venv/bin/python bench/national_data.py --out /tmp/bd --limit-desa 1000
    LINDUNGDESA_VAR_DIR=$(mktemp -d) sh -c '.venv/bin/lindungdesa migrate -v0 &&
        .venv/bin/lindungdesa load-regions --all > /dev/null &&
        .venv/bin/python bench/boundary.py --data /tmp/bd --scope 11 --rounds 3'

The roster and the extract are imported once for the whole country; then each is imported again (every row
already held: the boundary is asked of every row) alternately for the whole country and for `--scope`, as
dry runs, and the median wall and CPU time of each is printed. The scope must hold every desa of the files
(the first 1,000 desa are all in province 11), so that both runs decide the same rows.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from lindungdesa.imports import services  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402

AS_OF = Month(2026, 10)


def run(kind: str, data: bytes, scope: str) -> tuple[float, float, int]:
    """One dry run: wall seconds, CPU seconds of this process and its reader, rows accepted."""
    cpu = os.times()
    wall = time.perf_counter()
    if kind == "roster":
        summary = services.roster_import_file(data=data, file_name="r.csv", scope_code=scope, dry_run=True)
    else:
        summary = services.bpjs_import_file(
            data=data, file_name="b.csv", as_of=AS_OF, scope_code=scope, dry_run=True
        )
    wall = time.perf_counter() - wall
    after = os.times()
    used = sum(
        getattr(after, f) - getattr(cpu, f) for f in ("user", "system", "children_user", "children_system")
    )
    return wall, used, summary.accepted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--scope", required=True, help="a region holding every desa of the files, e.g. 11")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = {
        "roster": Path(args.data, "roster.csv").read_bytes(),
        "bpjs": Path(args.data, "bpjs.csv").read_bytes(),
    }
    services.roster_import_file(data=files["roster"], file_name="r.csv")
    services.bpjs_import_file(data=files["bpjs"], file_name="b.csv", as_of=AS_OF)
    for kind, data in files.items():
        times: dict[str, list[tuple[float, float]]] = {"": [], args.scope: []}
        accepted = set()
        for _round in range(args.rounds):
            for scope in times:  # alternately, so that a busy moment of the machine hits both
                wall, cpu, rows = run(kind, data, scope)
                times[scope].append((wall, cpu))
                accepted.add(rows)
        assert len(accepted) == 1, f"the two scopes decided differently: {accepted}"
        (rows,) = accepted
        for scope, pairs in times.items():
            wall = statistics.median(w for w, _ in pairs)
            cpu = statistics.median(c for _, c in pairs)
            print(
                f"{kind:6} scope={scope or 'national':8} rows={rows} wall {wall:6.2f} s  cpu {cpu:6.2f} s "
                f"(median of {args.rounds})"
            )


if __name__ == "__main__":
    main()
