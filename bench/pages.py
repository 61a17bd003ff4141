"""Server time of the dashboard pages on the demo province.

Usage (from the repository root, after `make run` or `lindungdesa setup --province 61 --demo`):

    .venv/bin/python bench/pages.py [--repeat 30]

It measures in-process with Django's test client (request → response, no network), on whatever database
DATABASE_URL / LINDUNGDESA_VAR_DIR point at, as the province analyst demo user.
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

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from lindungdesa.accounts.models import User  # noqa: E402
from lindungdesa.officials.models import Position  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--province", default="61")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]

    user = User.objects.filter(role=User.Role.PROVINCE_ANALYST, region_id=args.province).first()
    if user is None:
        sys.exit("No province analyst: run `lindungdesa setup --province 61 --demo` first.")
    desa = Position.objects.filter(desa__province_code=args.province).order_by("desa_id").first().desa
    pages = {
        "province": args.province,
        "kabupaten": desa.regency_code,
        "kecamatan": desa.district_code,
        "desa": desa.code,
    }
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; positions: {Position.objects.count()}; repeat: {args.repeat}")
    print("| page | p50 ms | p95 ms | max ms | queries | bytes |")
    print("|---|---|---|---|---|---|")
    for label, code in pages.items():
        url = f"/wilayah/{code}/"
        client.get(url)  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        print(
            f"| {label} `{url}` | {statistics.median(times):.0f} | {percentile(times, 95):.0f} | "
            f"{max(times):.0f} | {len(queries)} | {len(response.content)} |"
        )


if __name__ == "__main__":
    main()
