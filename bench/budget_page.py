"""Server time of the budget pages on the demo province, warm (totals in the cache) and cold (the data
version just moved), against a floor measured in the same run.

Usage (from the repository root, after `make run` or `lindungdesa setup --province 61 --demo`):

    .venv/bin/python bench/budget_page.py [--repeat 30] [--cold 3]

In-process with Django's test client (request → response, no network), on whatever database
DATABASE_URL / LINDUNGDESA_VAR_DIR point at, as the province analyst demo user. The floor is
`/anggaran/aturan/` (a small page in the same layout: session, user, a few short queries, the base
template), so the ratio says how far a page is from the cheapest rendered page the server gives on this
machine at this moment.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.timing import percentile, timed  # noqa: E402
from lindungdesa.accounts.models import User  # noqa: E402
from lindungdesa.indicators.services import data_changed  # noqa: E402
from lindungdesa.officials.models import Position  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--cold", type=int, default=3, help="reads right after the data version moves")
    parser.add_argument("--province", default="61")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.filter(role=User.Role.PROVINCE_ANALYST, region_id=args.province).first()
    if user is None:
        sys.exit("No province analyst: run `lindungdesa setup --province 61 --demo` first.")
    desa = Position.objects.filter(desa__province_code=args.province).order_by("desa_id").first().desa
    client = Client()
    client.force_login(user)
    floor_url = "/anggaran/aturan/"
    pages = {
        "province": f"/anggaran/{args.province}/",
        "kabupaten": f"/anggaran/{desa.regency_code}/",
        "kecamatan": f"/anggaran/{desa.district_code}/",
        "desa": f"/anggaran/{desa.code}/",
    }
    print(f"database: {connection.vendor}; positions: {Position.objects.count()}; repeat: {args.repeat}")
    timed(client, floor_url)
    floor = [timed(client, floor_url) for _ in range(args.repeat)]
    floor_p50 = statistics.median(floor)
    print(f"floor `{floor_url}`: p50 {floor_p50:.1f} ms, p95 {percentile(floor, 95):.1f} ms")
    print("| page | cold ms (p50) | warm p50 ms | warm p95 ms | p95 ÷ floor p50 | queries warm | bytes |")
    print("|---|---|---|---|---|---|---|")
    for label, url in pages.items():
        cold = []
        for _ in range(args.cold):
            data_changed()  # what a roster change does: the cached totals no longer apply
            cold.append(timed(client, url))
        warm = [timed(client, url) for _ in range(args.repeat)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        print(
            f"| {label} `{url}` | {statistics.median(cold):.0f} | {statistics.median(warm):.0f} | "
            f"{percentile(warm, 95):.0f} | {percentile(warm, 95) / floor_p50:.1f} | {len(queries)} | "
            f"{len(response.content)} |"
        )


if __name__ == "__main__":
    main()
