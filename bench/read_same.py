"""Whether two commits read the same rows the same way: every roster and extract fixture, and a few thousand
rows of the national files with cells spoiled at random (blank, "-", dates month first, unknown codes,
OpenSID's combined cells, duplicates), each read by both commits' handlers under several scopes and default
desa; the readings (values, problems, duplicate key, warnings, what a row makes without an object) compared
row by row. No database is written: the regions are read from one migrated database with every region loaded.

    LINDUNGDESA_VAR_DIR=VAR bench/read_same.py main HEAD [--roster FILE --bpjs FILE --rows 6000]

VAR must hold that database first: `lindungdesa migrate` and `lindungdesa load-regions --all` with the same
LINDUNGDESA_VAR_DIR (a fresh one fails with "no such table: regions_region").
"""

import argparse
import csv
import os
import pickle
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/imports"
JUNK = [
    *("", " ", "-", "belum ada", "0", "abc", "x" * 200, "31/02/2020", "13/25/2020", "02/13/1980", "1/2/3"),
    *(
        "Plt",
        "Pj",
        "BPD",
        "APARAT",
        "Kepala Dusun",
        "Anggota",
        "Ketua",
        "tidak aktif",
        "aktif",
        "L",
        "Laki-laki",
    ),
    *(
        "12345678901",
        "1,5 juta",
        "-500",
        "Rp 2.000.000",
        "2019 s/d 2027",
        "141/2/KPTS/2019 tanggal 01/08/2019",
    ),
    *("Sanggau, 01-02-1980", "61.03.01.2001", "6103012001", "99.99.99.9999", "12.01.01.1001", "Desa Lain"),
]
# Columns the national roster lacks, added so that their cells may be spoiled too.
EXTRA = ("tempat_tanggal_lahir", "nomor_tanggal_sk", "masa_jabatan", "nomor_tanggal_henti", "status_aktif")
EXTRA += ("nama_desa", "no_hp", "status_jabatan")


def spoiled(source: Path, target: Path, count: int, extra: tuple[str, ...]) -> None:
    """The first `count` rows of `source`, half of them with one to three cells spoiled, some repeated."""
    rng = random.Random(22)
    with source.open(newline="") as f:
        rows = [row for _i, row in zip(range(count + 1), csv.reader(f), strict=False)]
    header = rows[0] + list(extra)
    out = [header]
    for row in rows[1:]:
        row = row + [""] * (len(header) - len(row))
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 3)):
                other = rng.choice(rows[1:])
                row[rng.randrange(len(header))] = rng.choice([*JUNK, other[rng.randrange(len(other))]])
        out.append(rng.choice(out[1:]) if len(out) > 1 and rng.random() < 0.05 else row)
    with target.open("w", newline="") as f:
        csv.writer(f).writerows(out)


def dump(specs: list[str], out: str) -> None:
    """Run inside a commit's tree: its readings of each (kind, file, scope, desa)."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")
    import django

    django.setup()
    from lindungdesa.imports import engine
    from lindungdesa.imports.bpjs import BpjsRows
    from lindungdesa.imports.roster import RosterRows
    from lindungdesa.lib.months import Month
    from lindungdesa.regions.models import Region

    found = {}
    for spec in specs:
        kind, path, scope, desa = spec.split("|")
        if kind == "roster":
            default = Region.objects.get(code=desa) if desa else None
            handler = RosterRows(scope_code=scope, default_desa=default)
        else:
            handler = BpjsRows(as_of=Month.parse("2026-10"), scope_code=scope, batch_id=None)
        data = Path(path).read_bytes()
        try:
            prepared = engine.prepare(data, Path(path).name, handler, None)
        except engine.ImportFailed as exc:
            found[spec] = str(exc)
            continue
        if hasattr(handler, "begin"):
            handler.begin(data, prepared)
        rows, readings = prepared.table.rows, []
        for start in range(0, len(rows), engine.CHUNK_ROWS):
            chunk = [cells for _number, cells in rows[start : start + engine.CHUNK_ROWS]]
            if hasattr(handler, "read_rows"):
                readings.extend(handler.read_rows(chunk, prepared))
            else:  # a commit that reads row by row
                readings.extend(handler.read(prepared.values(cells)) for cells in chunk)
        found[spec] = [
            (
                None if r.row is None else sorted((k, repr(v)) for k, v in r.row.items()),
                list(r.problems),
                r.key,
                list(r.warnings),
                repr(getattr(r, "made", None)),  # what it makes when the database holds nothing in its way
            )
            for r in readings
        ]
    Path(out).write_bytes(pickle.dumps(found))


def main() -> None:
    if sys.argv[1:2] == ["--dump"]:
        dump(sys.argv[3:], sys.argv[2])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--roster", default="/work/data/roster100k.csv")
    parser.add_argument("--bpjs", default="/work/data/bpjs80k.csv")
    parser.add_argument("--rows", type=int, default=6000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    spoiled(Path(args.roster), work / "roster.csv", args.rows, EXTRA)
    spoiled(Path(args.bpjs), work / "bpjs.csv", args.rows, ())
    specs = []
    for f in sorted(FIXTURES.glob("roster_*")):
        specs += [f"roster|{f}||", f"roster|{f}|61.03|", f"roster|{f}||61.03.01.2007"]
    for f in sorted(FIXTURES.glob("opensid_*")):
        specs += [
            f"roster|{f}||61.03.01.2007",
            f"roster|{f}|61.03|61.03.01.2007",
            f"roster|{f}||12.01.01.1001",
        ]
    for f in sorted(FIXTURES.glob("bpjs_extract.*")):
        specs += [f"bpjs|{f}||", f"bpjs|{f}|61.03|"]
    spoilt = work / "roster.csv"
    specs += [f"roster|{spoilt}||", f"roster|{spoilt}|11.01|", f"roster|{spoilt}||12.01.01.1001"]
    specs += [f"bpjs|{work / 'bpjs.csv'}||", f"bpjs|{work / 'bpjs.csv'}|11.01|"]
    found = []
    for commit in (args.a, args.b):
        tree = work / commit.replace("/", "_")
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        out = work / f"{tree.name}.pickle"
        command = [sys.executable, str(Path(__file__).resolve()), "--dump", str(out), *specs]
        subprocess.run(command, cwd=tree, check=True)
        found.append(pickle.loads(out.read_bytes()))
    differ = 0
    for spec in specs:
        a, b = found[0][spec], found[1][spec]
        rows = len(a) if isinstance(a, list) else a
        refused = sum(1 for r in a if r[1]) if isinstance(a, list) else ""
        print(f"{'same' if a == b else 'DIFFERENT'}: {spec.split('/')[-1]} ({rows} rows, {refused} refused)")
        differ += a != b
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
