"""Generate a national-scale roster and BPJS extract as CSV files (issue 3's import benchmark).

    .venv/bin/python bench/national_data.py --out bench/data [--positions-per-desa 20] [--enrolled 0.8]

About 75,000 desa × 20 positions = 1.5 million roster rows, and 1.2 million BPJS rows (80 % of them),
with valid NIKs registered in each desa's own kecamatan. Deterministic (seeded).
"""

import argparse
import csv
import random
import time
from datetime import date, timedelta
from pathlib import Path

from lokal import wilayah

OFFICES_APARAT = [
    "Kepala Desa",
    "Sekretaris Desa",
    "Kaur Tata Usaha dan Umum",
    "Kaur Keuangan",
    "Kaur Perencanaan",
    "Kasi Pemerintahan",
    "Kasi Kesejahteraan",
    "Kasi Pelayanan",
]
OFFICES_BPD = ["Ketua BPD", "Wakil Ketua BPD", "Sekretaris BPD"] + ["Anggota BPD"] * 4
FIRST = [
    "Agus",
    "Budi",
    "Siti",
    "Dewi",
    "Yohanes",
    "Maria",
    "Rudi",
    "Yanti",
    "Hendra",
    "Rina",
    "Antonius",
    "Nur",
]
LAST = ["Santoso", "Wijaya", "Aminah", "Lestari", "Ale", "Pratama", "Hidayat", "Kurniawan", "Saputra", "Sari"]
ROSTER_HEADER = [
    "kode_desa",
    "nik",
    "nama",
    "jenis_kelamin",
    "kelompok",
    "jabatan",
    "nama_dusun",
    "nomor_sk",
    "tanggal_sk",
    "mulai_menjabat",
    "akhir_menjabat",
    "penghasilan_bulanan",
]
BPJS_HEADER = [
    "nik",
    "nama",
    "kpj",
    "program",
    "kategori",
    "upah",
    "tanggal_kepesertaan",
    "bulan_iuran_terakhir",
    "status",
    "kode_desa",
]


def villages() -> list[str]:
    codes = [c for c in wilayah._desa() if c.split(".")[3][0] in "23"]  # desa and desa adat, not kelurahan
    return sorted(codes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="bench/data")
    parser.add_argument("--positions-per-desa", type=int, default=20)
    parser.add_argument("--enrolled", type=float, default=0.8)
    parser.add_argument("--limit-desa", type=int, default=0, help="only the first N desa (for a quick run)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    codes = villages()
    if args.limit_desa:
        codes = codes[: args.limit_desa]
    per_district: dict[str, int] = {}
    base = date(1962, 1, 1)
    kpj = 10_000_000_000
    positions = enrolled = 0
    dusun_count = args.positions_per_desa - len(OFFICES_APARAT) - len(OFFICES_BPD)
    with (
        open(out / "roster.csv", "w", newline="", encoding="utf-8") as rf,
        open(out / "bpjs.csv", "w", newline="", encoding="utf-8") as bf,
    ):
        roster = csv.writer(rf)
        bpjs = csv.writer(bf)
        roster.writerow(ROSTER_HEADER)
        bpjs.writerow(BPJS_HEADER)
        for code in codes:
            district = code[:8]
            offices = (
                [(o, "APARAT", "") for o in OFFICES_APARAT]
                + [("Kepala Dusun", "APARAT", f"Dusun {i + 1}") for i in range(max(dusun_count, 0))]
                + [(o, "BPD", "") for o in OFFICES_BPD]
            )
            for office, group, dusun in offices:
                i = per_district.get(district, 0)
                per_district[district] = i + 1
                born = base + timedelta(days=i % 14000)
                serial = i // 14000 + 1
                sex = "P" if rng.random() < 0.3 else "L"
                day = born.day + (40 if sex == "P" else 0)
                nik = f"{district.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                start = date(2019 + rng.randrange(6), rng.randrange(1, 13), 1)
                end = (
                    start.replace(year=start.year + 8) - timedelta(days=1)
                    if group == "BPD" or office == "Kepala Desa"
                    else None
                )
                income = (
                    2_426_640
                    if office == "Kepala Desa"
                    else 2_224_420
                    if office == "Sekretaris Desa"
                    else 2_022_200
                )
                if group == "BPD":
                    income = 900_000
                roster.writerow(
                    [
                        code,
                        nik,
                        name,
                        sex,
                        group,
                        office,
                        dusun,
                        f"141/{positions % 997}/KPTS/{start.year}",
                        start.strftime("%d/%m/%Y"),
                        start.strftime("%d/%m/%Y"),
                        end.strftime("%d/%m/%Y") if end else "",
                        income,
                    ]
                )
                positions += 1
                if rng.random() < args.enrolled:
                    kpj += 1
                    paid = rng.choice(
                        ["2026-10", "2026-10", "2026-10", "2026-09", "2026-07", "10-2026", "Okt 2026"]
                    )
                    bpjs.writerow(
                        [
                            nik,
                            name.upper(),
                            kpj,
                            "JKK,JKM",
                            "PU",
                            income,
                            (start + timedelta(days=40)).isoformat(),
                            paid,
                            "AKTIF",
                            code,
                        ]
                    )
                    enrolled += 1
    elapsed = time.perf_counter() - started
    print(f"{len(codes)} desa, {positions} roster rows, {enrolled} BPJS rows in {elapsed:.1f} s", end="")
    print(f" -> {out}/roster.csv, {out}/bpjs.csv")


if __name__ == "__main__":
    main()
