"""What hostile upload files cost the file reader (issue 18, defect 8): peak memory, time and the answer;
and, beside them, what two ordinary workbooks cost, to see what the checks add.

    .venv/bin/python bench/hostile_files.py [--dir /tmp/lindungdesa-hostile] [--case NAME ...]

Each file is built once in --dir (the 2 GiB zip bomb takes a minute) and read by `lib.tabular.read_table`,
as the import job reads an upload, in a fresh process of its own, so each peak is that file's alone (the
peak RSS of the process and of any reader process it started). A process is stopped at 12 GB of address
space so that a bomb cannot take the machine down; "killed" then stands for "more than that". The limits are
those of the settings (set IMPORT_MAX_* in the environment to try others).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE_CAP = 12 << 30

ROSTER_HEADER = [
    "kode_desa",
    "nama_desa",
    "nik",
    "nama",
    "jenis_kelamin",
    "tanggal_lahir",
    "jenis",
    "jabatan",
    "nomor_sk",
    "tanggal_sk",
    "mulai_menjabat",
    "akhir_menjabat",
    "penghasilan_bulanan",
    "telepon",
]


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{_column(i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values, 1)
    )
    return f'<row r="{number}">{cells}</row>'


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_WORKBOOK_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)


def xlsx(path: Path, sheet_parts, *, workbook_padding: int = 0, tail: str = "") -> None:
    """A minimal workbook whose one sheet is written from `sheet_parts` (strings), its workbook.xml padded
    with `workbook_padding` spaces (streamed into the archive: the padding is never in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/workbook.xml", "w", force_zip64=True) as out:
            out.write(_WORKBOOK_HEAD.encode())
            block = b" " * (1 << 24)
            left = workbook_padding
            while left > 0:
                out.write(block[: min(left, len(block))])
                left -= len(block)
            out.write(b"</workbook>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_SHEET_HEAD.encode())
            for part in sheet_parts:
                out.write(part.encode())
            out.write(f"</sheetData>{tail}</worksheet>".encode())


def roster_rows(count: int):
    yield _sheet_row(1, ROSTER_HEADER)
    for i in range(count):
        yield _sheet_row(
            i + 2,
            ["61.03.01.2007", "Penyeladi", f"61030112037{i % 100000:05d}", f"Nama {i}", "L", "1975-03-12"]
            + ["APARAT", "Kepala Dusun", "141/01", "2019-03-12", "2019-03-12", "", "2426640", "0812"],
        )


def build_zip_bomb(path: Path) -> None:
    """The file of the issue: workbook.xml padded to 2 GiB, a 40 MiB sheet."""
    rows, size = [], len(_SHEET_HEAD)
    for row in roster_rows(10**9):
        rows.append(row)
        size += len(row)
        if size >= 40 << 20:
            break
    xlsx(path, rows, workbook_padding=2 << 30)


def build_sparse_xlsx(path: Path) -> None:
    """Five kilobytes: a roster of one row, and one stray cell in the last cell of the sheet (XFD1048576)."""
    parts = list(roster_rows(1)) + [
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    ]
    xlsx(path, parts)


def build_merge_bomb(path: Path) -> None:
    """200,000 short rows under one merged range as wide as the reader reads (A1:AMJ200001)."""
    parts = [_sheet_row(1, ["nik", "nama"])] + [_sheet_row(i, ["x"]) for i in range(2, 200_002)]
    xlsx(path, parts, tail='<mergeCells count="1"><mergeCell ref="A1:AMJ200001"/></mergeCells>')


def build_ods_repeat(path: Path) -> None:
    """Under a kilobyte of OpenDocument: one cell repeated 100 columns wide and 100,000 rows down."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"<table:table-row>{cell.format('nik')}{cell.format('nama')}</table:table-row>"
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
        'table:number-columns-repeated="100" office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )


def build_csv_wide(path: Path) -> None:
    """A roster header, then one line of 50 million commas (50 MB)."""
    with path.open("wb") as out:
        out.write((",".join(ROSTER_HEADER) + "\n").encode())
        out.write(b"6103011203750003,Nama" + b"," * 50_000_000 + b"x\n")


def build_csv_field(path: Path) -> None:
    """A roster whose second row opens a quote it never closes (one field of 1 MB)."""
    with path.open("wb") as out:
        out.write((",".join(ROSTER_HEADER) + "\n").encode())
        out.write(b'61.03.01.2007,Penyeladi,6103011203750003,"Nama' + b" panjang" * 131_072 + b"\n")


def build_csv_195mb(path: Path) -> None:
    """A 195 MB BPJS extract (1.6 million rows): what every view of its failed batch's page read again."""
    header = (
        "nik,nama,kpj,tanggal_lahir,program,kategori,upah,tanggal_kepesertaan,bulan_iuran_terakhir,status"
    )
    with path.open("w") as out:
        out.write(header + "\n")
        i = 0
        while out.tell() < 195_000_000:
            out.write(
                "".join(
                    f"61030145078{j % 10000:04d}{j // 10000 % 10},Nama Peserta {j},{19000000000 + j},"
                    "05-07-1989,"
                    f'"JKK,JKM",PU,2426640,2023-01-15,2026-10,AKTIF\n'
                    for j in range(i, i + 10_000)
                )
            )
            i += 10_000


def build_html_spans(path: Path) -> None:
    """An OpenSID-like HTML table whose cells span 1,000 columns and 1,000 rows, 100 times over."""
    body = "".join(
        '<tr><td colspan="1000" rowspan="1000">x</td></tr>' + "<tr></tr>" * 999 for _ in range(100)
    )
    path.write_text(f"<html><body><table><tr><th>nik</th><th>nama</th></tr>{body}</table></body></html>")


def build_roster_2000(path: Path) -> None:
    """An ordinary roster workbook of 2,000 rows (1.6 MB of sheet XML: python-calamine reads it)."""
    xlsx(path, roster_rows(2_000))


def build_roster_60000(path: Path) -> None:
    """A large roster workbook of 60,000 rows (54 MB of sheet XML: the streaming reader reads it)."""
    xlsx(path, roster_rows(60_000))


CASES = {
    "roster-2000.xlsx": build_roster_2000,
    "roster-60000.xlsx": build_roster_60000,
    "zip-bomb.xlsx": build_zip_bomb,
    "sparse.xlsx": build_sparse_xlsx,
    "merge-bomb.xlsx": build_merge_bomb,
    "repeat.ods": build_ods_repeat,
    "wide.csv": build_csv_wide,
    "giant-field.csv": build_csv_field,
    "extract-195mb.csv": build_csv_195mb,
    "spans.html": build_html_spans,
}


def read_one(path: Path) -> None:
    """In the child: read the file as the import job does and print what came of it."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindungdesa.settings")
    import django

    django.setup()
    from lindungdesa.lib.headers import BPJS_FIELDS, ROSTER_FIELDS, header_score
    from lindungdesa.lib.tabular import UnreadableFile, read_table

    fields = BPJS_FIELDS if "extract" in path.name else ROSTER_FIELDS
    data = path.read_bytes()
    start = time.perf_counter()
    try:
        table = read_table(data, path.name, header_hint=partial(header_score, fields=fields))
        answer = f"read: {len(table.rows):,} rows, {len(table.headers)} columns"
    except UnreadableFile as exc:
        answer = f"refused: {exc}"
    seconds = time.perf_counter() - start
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": peak // 1024, "answer": answer}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default="/tmp/lindungdesa-hostile")
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    parser.add_argument("--read", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.read:
        read_one(Path(options.read))
        return
    folder = Path(options.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print("| file | size | read in | peak memory | answer |\n|---|---|---|---|---|")
    for name in options.case or CASES:
        path = folder / name
        if not path.exists():
            CASES[name](path)
        child = subprocess.run(
            [sys.executable, __file__, "--read", str(path)], capture_output=True, text=True, check=False
        )
        lines = child.stdout.strip().splitlines()
        if child.returncode == 0 and lines:
            result = json.loads(lines[-1])
            shown = (f"{result['seconds']} s", f"{result['peak_mb']:,} MB", result["answer"])
        else:
            last = (child.stderr.strip().splitlines() or ["?"])[-1][:120]
            shown = ("-", "-", f"process died (exit {child.returncode}): {last}")
        print(
            f"| {name} | {path.stat().st_size / 1e6:,.1f} MB | {shown[0]} | {shown[1]} | {shown[2]} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
