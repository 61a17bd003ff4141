"""Issue 4 at national scale: a full monthly snapshot, then the server time of the dashboard pages.

Usage (from the repository root), on the database the import benchmark left (or any other):

    LINDUNGDESA_VAR_DIR=/tmp/natl/var .venv/bin/python bench/dashboard.py --period 2026-10 [--history 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_imports .venv/bin/python bench/dashboard.py ...

1. `snapshot_take` for --period (every region of every province), timed with its peak memory; then
   --history earlier months, so the trends have points.
2. Each page requested --repeat times in-process with Django's test client (request to response, no
   network) by a national administrator, after one warm-up: p50, p95, max and the number of queries.
3. The same after marking the data changed (as right after an import, before the background job has
   retaken the snapshot): regions up to LIVE_LIMIT desa are computed live.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.timing import percentile  # noqa: E402
from lindungdesa.accounts.models import User  # noqa: E402
from lindungdesa.indicators.services import data_changed, snapshot_take  # noqa: E402
from lindungdesa.lib.months import Month  # noqa: E402
from lindungdesa.officials.models import Position  # noqa: E402
from lindungdesa.regions.models import Region  # noqa: E402


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", required=True, help="YYYY-MM")
    parser.add_argument("--history", type=int, default=0, help="also snapshot this many months before")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--province", default="61")
    parser.add_argument("--skip-snapshot", action="store_true")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("collectstatic", "--noinput", verbosity=0)  # the pages name hashed static files
    period = Month.parse(args.period)

    print(
        f"database: {connection.vendor}; regions: {Region.objects.count():,}; "
        f"positions: {Position.objects.count():,}"
    )
    if not args.skip_snapshot:
        for back in range(args.history, -1, -1):
            month = period.add(-back)
            started = time.perf_counter()
            snapshot = snapshot_take(period=month)
            wall = time.perf_counter() - started
            print(f"snapshot {month}: {snapshot.regions:,} regions in {wall:.1f} s, peak RSS {peak_mb()} MB")

    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": User.Role.ADMIN, "region": None, "is_staff": True}
    )
    desa = Position.objects.filter(desa__province_code=args.province).order_by("desa_id").first().desa
    q = f"?periode={period}"
    pages = {
        "national home": "/",
        "province": f"/wilayah/{args.province}/{q}",
        "kabupaten": f"/wilayah/{desa.regency_code}/{q}",
        "kecamatan": f"/wilayah/{desa.district_code}/{q}",
        "desa": f"/wilayah/{desa.code}/{q}",
        "province map figures": f"/wilayah/{args.province}/peta.json{q}",
        "province map shapes": f"/wilayah/{args.province}/batas.json",
        "province worklist (registered nobody)": f"/wilayah/{args.province}/tindak-lanjut/{q}",
        "province worklist (coverage fell)": f"/wilayah/{args.province}/tindak-lanjut/{q}&daftar=fell",
        "public province page": f"/publik/{args.province}/",
    }
    client = Client()
    client.force_login(user)
    print(f"repeat: {args.repeat}")
    measure(client, pages, args.repeat)
    # After an import the snapshots are stale until the background job retakes them: regions of up to
    # LIVE_LIMIT desa are then computed live, larger ones read the stale snapshot.
    data_changed()
    print("\nstale snapshots (as right after an import):")
    live = {
        k: v for k, v in pages.items() if k in ("province", "kabupaten", "kecamatan", "public province page")
    }
    measure(client, live, args.repeat)


def measure(client: Client, pages: dict[str, str], repeat: int) -> None:
    print("| page | p50 ms | p95 ms | max ms | queries | bytes |")
    print("|---|---|---|---|---|---|")
    for label, url in pages.items():
        client.get(url)  # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 302), (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        print(
            f"| {label} `{url}` | {statistics.median(times):.0f} | {percentile(times, 95):.0f} | "
            f"{max(times):.0f} | {len(queries)} | {len(response.content):,} |"
        )


if __name__ == "__main__":
    main()
