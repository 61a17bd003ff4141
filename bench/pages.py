"""Server time and query count of each role's main pages on the demo province.

Usage (from the repository root, after `make run` or `lindungdesa setup --province 61 --demo`):

    .venv/bin/python bench/pages.py [--repeat 20] [--role "village operator"] [--url /monev/]
        [--skip /anggaran/]

It measures in-process with Django's test client (request → response, no network), on whatever database
DATABASE_URL / LINDUNGDESA_VAR_DIR point at, as each demo user (bench/roles.py lists the pages). Each
page's requests are interleaved with requests for a floor page (`/akun/` as the province analyst: the
session, the user, the menu and a small template, what every page pays), so that a busy machine slows both
alike: the ratio p95 / floor p50 is the figure to compare between runs; the milliseconds are this
machine's at that moment.

"first ms" is each page's first request of its measurement (not in p50/p95; bench/roles.py has opened
every page once before, to find them). With `--cold` the cache is emptied just before it, so that it is
the page's time when nothing it keeps is kept yet (`indicators/versioned.py`, the budget totals), as after
a change to the data. Like a server process (lindungdesa/wsgi.py), the run freezes what it loaded before
measuring (`gc.freeze()`; `--no-freeze` to compare).
"""

import argparse
import gc
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.roles import role_pages  # noqa: E402
from bench.timing import percentile, timed  # noqa: E402
from lindungdesa.accounts.models import User  # noqa: E402
from lindungdesa.officials.models import Position  # noqa: E402

FLOOR = "/akun/"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--province", default="61")
    parser.add_argument("--role", action="append", help="only this role (repeatable)")
    parser.add_argument("--url", action="append", help="only pages whose address starts so (repeatable)")
    parser.add_argument("--skip", action="append", help="not the pages whose address starts so (repeatable)")
    parser.add_argument(
        "--cold", action="store_true", help="empty the cache before each page's first request"
    )
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave what the process loaded in the collector's reach"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    if not args.no_freeze:
        # As a server process does once the application is loaded (lindungdesa/wsgi.py): what is held from
        # the start is out of the full collections' reach, which otherwise walk it every few requests.
        gc.collect()
        gc.freeze()

    if not User.objects.filter(username="analis").exists():
        sys.exit("No demo users: run `lindungdesa setup --province 61 --demo` first.")
    print(
        f"database: {connection.vendor}; positions: {Position.objects.count()}; repeat: {args.repeat}; "
        f"frozen: {not args.no_freeze}; load average: {os.getloadavg()[0]:.1f}"
    )
    print("| role | page | p50 ms | p95 ms | p95 / floor p50 | queries | KB | first ms |")
    print("|---|---|---|---|---|---|---|---|")
    floors = []
    floor_client = Client()
    floor_client.force_login(User.objects.get(username="analis"))
    for role in role_pages(args.province):
        if args.role and role.role not in args.role:
            continue
        client = Client()
        if role.username:
            client.force_login(User.objects.get(username=role.username))
        for url in role.urls:
            if args.url and not url.startswith(tuple(args.url)):
                continue
            if args.skip and url.startswith(tuple(args.skip)):
                continue
            if args.cold:
                cache.clear()
            first = timed(client, url)  # warm-up (see the docstring)
            floor_client.get(FLOOR)
            times, floor = [], []
            for _ in range(args.repeat):
                floor.append(timed(floor_client, FLOOR))
                times.append(timed(client, url))
            floors.extend(floor)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            p95 = percentile(times, 95)
            print(
                f"| {role.role} | `{url}` | {statistics.median(times):.0f} | {p95:.0f} | "
                f"{p95 / statistics.median(floor):.1f} | {len(queries)} | {len(response.content) // 1024} | "
                f"{first:.0f} |",
                flush=True,
            )
    if floors:
        print(
            f"\nfloor `{FLOOR}` (province analyst): p50 {statistics.median(floors):.1f} ms, "
            f"p95 {percentile(floors, 95):.1f} ms; load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
