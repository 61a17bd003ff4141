"""CPU time of each page of bench/load.py's mix, in-process: where the saturation's time goes, per page.

Usage (from the repository root, on a database made by `lindungdesa setup --province 61 --demo` and
`lindungdesa collectstatic`, DATABASE_URL / LINDUNGDESA_VAR_DIR pointing at it):

    .venv/bin/python bench/mix_cpu.py [--repeat 10] [--only rekonsiliasi] [--profile FILE]

Each role's pages (bench/load.py's plan: the same people, weights and pages) are asked for with Django's
test client as that role's demo user (a redirect followed, as a browser does), after one request to warm
them; the median CPU time of this process per page (`time.process_time()`: the server's own work and the
database client's, not PostgreSQL's) and the queries of one request. The last line is the mix's mean, the
pages weighted as bench/load.py's people open them. CPU time, not wall time: on a machine shared with other
work, compare two commits only in turn (A/B/A/B, e.g. each from a `git archive` copy with PYTHONPATH
on it; not `git stash`, which every worktree of the repository shares).
`--profile FILE` keeps a cProfile of the measured requests (CPU time) in FILE and prints its top.
"""

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from lindungdesa.accounts.models import User  # noqa: E402
from lindungdesa.regions.models import Region  # noqa: E402

# bench/load.py's people: (username or None for the public, weight).
PEOPLE = [
    ("analis", 2),
    ("operator.kab", 3),
    ("operator.desa", 5),
    ("bpjs", 2),
    ("peninjau", 1),
    ("admin.kab", 1),
    (None, 2),
]


def plan() -> dict[str | None, list[str]]:
    """bench/load.py's PLAN, without the monev round (the demo opens none)."""
    users = dict(
        User.objects.filter(username__in=[u for u, _ in PEOPLE if u]).values_list("username", "region")
    )
    desa, regency = users["operator.desa"], users["operator.kab"]
    district = Region.objects.filter(parent_id=regency).order_by("code").first().code
    return {
        "analis": ["/", "/wilayah/61/", f"/wilayah/{regency}/", "/target/", "/ucj/", "/laporan/kemendagri/"]
        + ["/anggaran/61/", "/monev/"],
        "operator.kab": ["/", f"/wilayah/{regency}/", f"/wilayah/{district}/", f"/rekonsiliasi/{regency}/"]
        + ["/impor/", f"/anggaran/{regency}/", "/monev/"],
        "operator.desa": ["/", f"/wilayah/{desa}/", f"/anggaran/{desa}/", f"/rekonsiliasi/{desa}/", "/impor/"]
        + ["/monev/"],
        "bpjs": ["/", "/rekonsiliasi/", f"/rekonsiliasi/{regency}/", "/impor/"],
        "peninjau": ["/", "/wilayah/61/", f"/wilayah/{regency}/", "/target/"],
        "admin.kab": ["/", f"/wilayah/{regency}/", "/pengguna/", "/audit/"],
        None: ["/publik/", "/publik/61/", f"/publik/{regency}/"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--only", help="only the pages whose role and address contain this")
    parser.add_argument("--profile", type=Path, help="keep a cProfile (CPU time) of the measured requests")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    # As a server process does (lindungdesa/wsgi.py).
    gc.collect()
    gc.freeze()
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    weights = dict(PEOPLE)
    total = weight = 0.0
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| role | page | CPU ms (median) | queries |\n|---|---|---|---|")
    for role, pages in plan().items():
        client = Client()
        if role:
            client.force_login(User.objects.get(username=role))
        for url in pages:
            if args.only and args.only not in f"{role or 'public'}{url}":
                continue
            client.get(url, follow=True)
            times = []
            for _ in range(args.repeat):
                if profiler:
                    profiler.enable()
                start = time.process_time()
                client.get(url, follow=True)
                times.append((time.process_time() - start) * 1000)
                if profiler:
                    profiler.disable()
            with CaptureQueriesContext(connection) as queries:
                client.get(url, follow=True)
            ms = statistics.median(times)
            print(f"| {role or 'public'} | `{url}` | {ms:.1f} | {len(queries)} |", flush=True)
            total += weights[role] * ms / len(pages)
            weight += weights[role] / len(pages)
    print(f"\nthe mix's mean page, weighted as bench/load.py's people: {total / max(weight, 1e-9):.1f} ms")
    if profiler:
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
