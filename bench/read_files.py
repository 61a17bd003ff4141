"""How fast the file reader takes a national BPJS extract (1.2 million rows × 11 columns, CSV).

    .venv/bin/python bench/read_files.py [--rows 1200000]

Prints rows, seconds and peak memory (MB, the file itself included).
"""

import argparse
import os
import resource
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from lindungdesa.lib.headers import BPJS_FIELDS, header_score  # noqa: E402
from lindungdesa.lib.tabular import read_table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_200_000)
    n = parser.parse_args().rows
    header = "nik,nama,kpj,tanggal_lahir,program,kategori,upah,tanggal_kepesertaan,"
    header += "bulan_iuran_terakhir,status,"
    header += "kode_desa"
    lines = [header] + [
        f"61030145078{i % 10000:04d}{i // 10000 % 10},Nama Peserta {i},{19000000000 + i},05-07-1989,"
        f'"JKK,JKM",PU,2426640,2023-01-15,2026-10,AKTIF,61.03.01.{2000 + i % 75000:04d}'
        for i in range(n)
    ]
    data = "\n".join(lines).encode()
    del lines
    start = time.perf_counter()
    table = read_table(data, "bpjs.csv", header_hint=partial(header_score, fields=BPJS_FIELDS))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"rows {len(table.rows)}, {seconds:.1f} s, peak {peak_mb} MB ({len(data) / 1e6:.0f} MB file)")


if __name__ == "__main__":
    main()
