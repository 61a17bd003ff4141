"""CPU time of the map's boundary requests (`/wilayah/<code>/batas.json`), in-process (Django's test client).

    LINDUNGDESA_VAR_DIR=$(mktemp -d) sh -c '.venv/bin/lindungdesa migrate -v0 &&
        .venv/bin/lindungdesa load-regions --province 61 > /dev/null &&
        .venv/bin/python bench/map_boundaries.py --repeat 200'

For each region (the province, whose page draws its 14 kabupaten/kota, and Sanggau, its 15 kecamatan),
`--repeat` requests as a province administrator after one to warm up; prints the median CPU milliseconds of
a request (this process: user + system) and the size of the answer. Paired runs: PYTHONPATH=<a commit's
export> for each side in turn, on the same database.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from lindungdesa.accounts.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    user, _ = User.objects.get_or_create(
        username="bench-map", defaults={"role": User.Role.ADMIN, "region_id": "61"}
    )
    client = Client()
    client.force_login(user)
    for code in ("61", "61.03"):
        url = f"/wilayah/{code}/batas.json"
        size = len(client.get(url).content)
        times = []
        for _ in range(args.repeat):
            start = time.process_time()
            response = client.get(url)
            times.append(time.process_time() - start)
            assert response.status_code == 200
        print(f"{url} {statistics.median(times) * 1000:.2f} ms CPU (median of {args.repeat}), {size} bytes")


if __name__ == "__main__":
    main()
