"""The file reader of two commits (`lib/tabular.py` and what it imports from `lib/readlimits.py`), timed in
turn in one process: on a machine whose speed drifts, runs side by side are what can be compared.

    .venv/bin/python bench/read_pair.py A_COMMIT B_COMMIT [--rows 1200000] [--rounds 4] [FILE ...]
    .venv/bin/python bench/read_pair.py main HEAD --rows 1200000
    .venv/bin/python bench/read_pair.py main HEAD --rounds 7 tests/fixtures/imports/roster_merged.xlsx

Without FILE it reads `bench/read_files.py`'s national BPJS extract (CSV). Each round reads with A and with
B, the order swapped every round; a read's time is the CPU of this process and of the reader processes it
started (python-calamine reads in a child). Prints the least time of each side and B / A; checks that both
gave the same table.
"""

import argparse
import hashlib
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")

import django  # noqa: E402

django.setup()

from lindungdesa.lib.headers import BPJS_FIELDS, ROSTER_FIELDS, header_score  # noqa: E402


def load(commit: str, side: str, folder: Path):
    """That commit's tabular module, under a name of its own, importing that commit's readlimits."""
    for name in ("tabular", "readlimits"):
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:lindungdesa/lib/{name}.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        (folder / f"{name}_{side}.py").write_text(
            text.replace(".readlimits import", f".readlimits_{side} import")
        )
    for name in ("readlimits", "tabular"):
        spec = importlib.util.spec_from_file_location(
            f"lindungdesa.lib.{name}_{side}", folder / f"{name}_{side}.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def extract(rows: int) -> bytes:
    header = "nik,nama,kpj,tanggal_lahir,program,kategori,upah,tanggal_kepesertaan,bulan_iuran_terakhir,"
    lines = [header + "status,kode_desa"] + [
        f"61030145078{i % 10000:04d}{i // 10000 % 10},Nama Peserta {i},{19000000000 + i},05-07-1989,"
        f'"JKK,JKM",PU,2426640,2023-01-15,2026-10,AKTIF,61.03.01.{2000 + i % 75000:04d}'
        for i in range(rows)
    ]
    return "\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("files", nargs="*")
    parser.add_argument("--rows", type=int, default=1_200_000)
    parser.add_argument("--rounds", type=int, default=4)
    options = parser.parse_intermixed_args()
    with tempfile.TemporaryDirectory() as folder:
        sides = {"A": load(options.a, "a", Path(folder)), "B": load(options.b, "b", Path(folder))}
    inputs = [(Path(f).name, Path(f).read_bytes(), ROSTER_FIELDS) for f in options.files]
    inputs = inputs or [("bpjs.csv", extract(options.rows), BPJS_FIELDS)]
    for name, data, fields in inputs:
        hint = partial(header_score, fields=fields)
        times: dict[str, list[float]] = {"A": [], "B": []}
        digests = {}
        for round_ in range(options.rounds):
            for side in "AB" if round_ % 2 else "BA":
                start = cpu()
                table = sides[side].read_table(data, name, header_hint=hint)
                times[side].append(cpu() - start)
                digest = hashlib.sha256(repr(table.headers).encode())
                for row in table.rows:
                    digest.update(repr(row).encode())
                digests[side] = (len(table.rows), digest.hexdigest())
                del table
        assert digests["A"] == digests["B"], f"{name}: the two sides read different tables"
        a, b = min(times["A"]), min(times["B"])
        print(f"{name}: {digests['A'][0]:,} rows, A {a:.3f} s, B {b:.3f} s of CPU", end=" ")
        print(f"(least of {options.rounds}), B / A {b / a:.2f}")


if __name__ == "__main__":
    main()
