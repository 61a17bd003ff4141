"""Hostile files, built here with small real limits: each is refused with a clear Indonesian message, before
it could cost what it asks for (issue 18, defect 8)."""

import io
import re
import struct
import tracemalloc
import zipfile
from functools import partial

import openpyxl
import pytest

from lindungdesa.lib import readlimits, tabular
from lindungdesa.lib.headers import ROSTER_FIELDS, header_score
from lindungdesa.lib.readlimits import (
    MB,
    LimitExceeded,
    ReadLimits,
    check_member_count,
    column_letters,
    run_with_memory_limit,
    zip_member_count,
)
from lindungdesa.lib.tabular import UnreadableFile, read_table

roster_hint = partial(header_score, fields=ROSTER_FIELDS)
SMALL = ReadLimits(
    unpacked_bytes=8 * MB,
    sheet_bytes=4 * MB,
    rows=100,
    columns=20,
    cells=5_000,
    reader_memory_bytes=256 * MB,
)
# What the English messages of Python and the readers look like; none may reach the user.
ENGLISH = re.compile(r"\b(?:field|limit\b|larger|error|invalid|unexpected|line contains|zip|bad|crc)\b", re.I)


def read(data: bytes, name: str, limits: ReadLimits = SMALL):
    return read_table(data, name, header_hint=roster_hint, limits=limits)


def refusal(data: bytes, name: str, limits: ReadLimits = SMALL) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read(data, name, limits)
    message = str(refused.value)
    assert not ENGLISH.search(message), message
    return message


def peak_while(function) -> int:
    """Bytes Python allocated at most while `function` ran."""
    tracemalloc.start()
    try:
        function()
    except UnreadableFile:
        pass
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


# ---------------------------------------------------------------------------------------------------------
# Workbooks built by hand, so that a member can be padded or its size in the directory changed

WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets>{padding}</workbook>'
)
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
        '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int, *texts: str) -> str:
    return f'<row r="{number}">' + "".join(
        cell(f"{column_letters(i)}{number}", t) for i, t in enumerate(texts, 1)
    )


def roster_sheet(count: int = 2) -> list[str]:
    """The header and `count` rows."""
    return [row(1, "nik", "nama")] + [
        row(n, f"610301450789{n:04d}", f"Nama {n}") for n in range(2, count + 2)
    ]


def xlsx(rows: list[str] | None = None, *, padding: int = 0, merges: str = "") -> bytes:
    rows = rows if rows is not None else roster_sheet()
    body = "".join(r if r.endswith("</row>") else r + "</row>" for r in rows)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><sheetData>{body}</sheetData>{merges}</worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, text in PARTS.items():
            archive.writestr(member, text)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(padding=" " * padding))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with `member`'s unpacked size in both its directory entry and its local header set to
    `size`: a directory that lies."""
    data = bytearray(data)
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + length]) == name:
            struct.pack_into("<L", data, central + 24, size)
            local = struct.unpack_from("<L", data, central + 42)[0]
            struct.pack_into("<L", data, local + 22, size)
            return bytes(data)
        central = data.find(b"PK\x01\x02", central + 4)
    raise AssertionError(member)


@pytest.fixture(params=["calamine", "stream"])
def engine(request, monkeypatch):
    if request.param == "stream":
        monkeypatch.setattr(tabular, "CALAMINE_MAX_XML_BYTES", 0)
    return request.param


def test_the_hand_made_workbook_reads(engine):
    table = read(xlsx(), "ok.xlsx")
    assert table.headers == ["nik", "nama"]
    assert [n for n, _ in table.rows] == [2, 3]


# ---------------------------------------------------------------------------------------------------------
# Zip bombs


def test_a_workbook_xml_padded_past_its_limit_is_refused_from_the_directory(engine, monkeypatch):
    # The file of the issue, scaled down: workbook.xml padded (there 2 GiB, here 32 MB, limit 16 MB).
    data = xlsx(padding=32 * MB)
    assert len(data) < 100_000
    monkeypatch.setattr(readlimits, "PART_MAX_BYTES", 16 * MB)
    peak = peak_while(lambda: refusal(data, "bom.xlsx", ReadLimits(unpacked_bytes=64 * MB)))
    message = refusal(data, "bom.xlsx", ReadLimits(unpacked_bytes=64 * MB))
    assert message == (
        "Bagian xl/workbook.xml dalam berkas bom.xlsx lebih dari 16 MB setelah diekstrak (32 MB), batas "
        "satu impor. Berkas ini tidak dibaca. Bagi datanya menjadi beberapa berkas, atau simpan sebagai "
        ".csv, lalu unggah ulang."
    )
    assert peak < 2 * MB  # nothing was unpacked


def test_all_members_together_are_capped(engine):
    data = xlsx(padding=3 * MB)  # under the part limit, over the whole
    message = refusal(data, "bom.xlsx", ReadLimits(unpacked_bytes=2 * MB))
    assert message.startswith("Isi berkas bom.xlsx lebih dari 2 MB setelah diekstrak, batas satu impor.")


def test_a_sheet_past_its_limit_is_refused(engine):
    data = xlsx(roster_sheet(40_000))
    message = refusal(data, "besar.xlsx", ReadLimits(sheet_bytes=1 * MB))
    assert message.startswith("Lembar kerja xl/worksheets/sheet1.xml dalam berkas besar.xlsx lebih dari 1 MB")


def test_a_directory_claiming_gigabytes_is_refused_before_anything_is_unpacked(engine):
    data = declare_size(xlsx(), "xl/workbook.xml", 0xFFFF_FFF0)
    peak = peak_while(lambda: read(data, "bom.xlsx"))
    assert "xl/workbook.xml" in refusal(data, "bom.xlsx")
    assert peak < 1 * MB


def test_a_directory_that_understates_a_member_is_caught_before_python_calamine_reads(monkeypatch):
    # python-calamine unpacks the archive itself, whatever the directory says: each member is unpacked
    # once first, into nothing, and must not hold more than its entry in the directory.
    data = declare_size(xlsx(padding=2 * MB), "xl/workbook.xml", 1_000)
    monkeypatch.setattr(tabular, "run_with_memory_limit", pytest.fail)  # python-calamine
    assert refusal(data, "bohong.xlsx") == (
        "Berkas bohong.xlsx rusak: isinya lebih besar daripada yang tercatat di daftar isinya. Simpan data "
        "sebagai .xlsx atau .csv, lalu unggah ulang."
    )


def test_the_streaming_reader_takes_no_more_than_the_directory_says(monkeypatch):
    # Every member is unpacked once, a megabyte at a time, before openpyxl opens the archive: the lie is
    # found there, as for python-calamine.
    monkeypatch.setattr(tabular, "CALAMINE_MAX_XML_BYTES", 0)
    data = declare_size(xlsx(padding=2 * MB), "xl/workbook.xml", 1_000)
    peak = peak_while(lambda: read(data, "bohong.xlsx"))
    assert refusal(data, "bohong.xlsx").startswith("Berkas bohong.xlsx rusak: isinya lebih besar")
    assert peak < 4 * MB  # a megabyte unpacked at a time, cut to the size the directory says


def test_an_archive_of_too_many_members_is_refused_from_its_end_record():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(12):
            archive.writestr(f"x{i}.xml", "")
    data = buffer.getvalue()
    assert zip_member_count(data) == 12
    with pytest.raises(LimitExceeded, match="berisi 12 bagian"):
        check_member_count(data, limit=10)
    check_member_count(data, limit=12)


# ---------------------------------------------------------------------------------------------------------
# Rows, columns and cells


def test_too_many_rows_are_refused_in_every_format(engine):
    # The rows of the file that hold anything, its header and title rows included.
    limits = ReadLimits(rows=100)
    expected = (
        "Berkas {} berisi lebih dari 100 baris, batas satu impor. Bagi datanya menjadi beberapa berkas, lalu "
        "unggah satu per satu."
    )
    csv_data = ("nik,nama\n" + "".join(f"610301450789{i:04d},Nama\n" for i in range(100))).encode()
    html = "<table><tr><th>nik</th><th>nama</th></tr>" + "<tr><td>1</td><td>x</td></tr>" * 100 + "</table>"
    assert refusal(csv_data, "a.csv", limits) == expected.format("a.csv")
    assert refusal(xlsx(roster_sheet(100)), "a.xlsx", limits) == expected.format("a.xlsx")
    assert refusal(html.encode(), "a.xls", limits) == expected.format("a.xls")
    assert len(read(csv_data.rsplit(b"\n", 2)[0] + b"\n", "a.csv", limits).rows) == 99  # 100 rows: read
    assert len(read(xlsx(roster_sheet(99)), "a.xlsx", limits).rows) == 99


def test_the_row_limit_comes_from_the_settings(settings):
    settings.IMPORT_MAX_ROWS = 4
    data = ("nik,nama\n" + "6103014507890001,x\n" * 4).encode()
    with pytest.raises(UnreadableFile, match="lebih dari 4 baris,"):
        read_table(data, "a.csv", header_hint=roster_hint)
    settings.IMPORT_MAX_ROWS = 5
    assert len(read_table(data, "a.csv", header_hint=roster_hint).rows) == 4


def test_data_beyond_the_column_limit_is_refused_and_named(engine):
    wide = [row(1, "nik", "nama"), row(2, "6103014507890001", "Maria") + cell("Z2", "x")]
    assert refusal(xlsx(wide), "lebar.xlsx") == (
        "Baris 2 berkas lebar.xlsx berisi data di kolom ke-26 (Z), di luar batas 20 kolom. Hapus isi di "
        "sebelah kanan tabel, lalu unggah ulang."
    )
    csv_data = b"nik,nama\n6103014507890001,Maria" + b"," * 30 + b"x\n"
    assert refusal(csv_data, "lebar.csv").startswith(
        "Baris 2 berkas lebar.csv berisi data di kolom ke-32 (AF)"
    )
    html = b"<table><tr><th>nik</th><th>nama</th><td colspan='40'>x</td></tr></table>"
    assert refusal(html, "lebar.xls").startswith("Baris 1 berkas lebar.xls berisi data di kolom ke-21")


def test_empty_cells_beyond_the_column_limit_are_dropped():
    # Excel writes a CSV as wide as the formatting it once saw.
    table = read(b"nik,nama\n6103014507890001,Maria" + b"," * 3000 + b"\n", "a.csv")
    assert list(table.rows) == [(2, ["6103014507890001", "Maria"])]


def test_a_csv_line_of_millions_of_cells_is_refused_before_it_is_split():
    data = b"nik,nama\n6103014507890001,Maria" + b",ab" * 2_000_000 + b"\n"
    peak = peak_while(lambda: read(data, "lebar.csv", ReadLimits()))
    assert refusal(data, "lebar.csv", ReadLimits()) == (
        "Baris 2 berkas lebar.csv lebih panjang dari 1.048.576 karakter, batas satu baris CSV. Biasanya ada "
        'tanda kutip (") yang dibuka tetapi tidak ditutup; perbaiki, lalu unggah ulang.'
    )
    # Split, the line would have been two million strings of about 50 bytes each.
    assert peak < 40 * MB


def test_a_record_spread_over_many_lines_by_quotes_is_held_to_the_same_length():
    # Each line closes the quote the line before left open, then opens another: one record of many lines.
    line = '",' + "x," * 300 + '"\n'
    data = ("nik,nama\n" + '"' + line * 5000).encode()
    assert "lebih panjang dari 1.048.576 karakter" in refusal(data, "a.csv", ReadLimits())


def test_a_giant_csv_field_is_said_in_indonesian():
    data = b'nik,nama\n6103014507890001,"Maria' + b" panjang" * 20_000 + b"\n"
    assert refusal(data, "kutip.csv") == (
        "Baris 2 berkas kutip.csv: satu sel lebih panjang dari 131.072 karakter, batas satu sel CSV. "
        'Biasanya ada tanda kutip (") yang dibuka tetapi tidak ditutup; perbaiki, lalu unggah ulang.'
    )


def test_a_merged_range_that_would_fill_too_many_cells_is_refused(engine):
    rows = [row(1, "nik", "nama")] + [row(n, "x") for n in range(2, 80)]
    data = xlsx(rows, merges='<mergeCells count="1"><mergeCell ref="A1:T79"/></mergeCells>')
    assert refusal(data, "gabung.xlsx", ReadLimits(cells=1_000)).startswith(
        "Tabel dalam berkas gabung.xlsx lebih dari 1.000 sel"
    )
    assert len(read(data, "gabung.xlsx", ReadLimits(cells=2_000)).rows) == 78


def test_html_spans_that_would_fill_too_many_cells_are_refused():
    body = ('<tr><td colspan="20" rowspan="100">x</td></tr>' + "<tr></tr>" * 99) * 10
    data = f"<table><tr><th>nik</th><th>nama</th></tr>{body}</table>".encode()
    peak = peak_while(lambda: read(data, "span.xls", ReadLimits(rows=10_000, columns=20, cells=5_000)))
    assert "lebih dari 5.000 sel" in refusal(data, "span.xls", ReadLimits(rows=10_000, cells=5_000))
    assert peak < 5 * MB


# ---------------------------------------------------------------------------------------------------------
# python-calamine in a child process with capped memory


def sparse_workbook(row_number: int, column: int) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["nik", "nama"])
    sheet.append(["6103014507890001", "Maria"])
    sheet.cell(row=row_number, column=column, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_stray_cell_in_the_last_cell_of_the_sheet_no_longer_kills_the_process():
    # Five kilobytes; python-calamine asks for 512 GiB to hold A1:XFD1048576 and aborts the process it
    # runs in. That is now a child process; this one answers.
    data = sparse_workbook(1_048_576, 16_384)
    assert len(data) < 10_000
    assert refusal(data, "titik.xlsx", ReadLimits(reader_memory_bytes=256 * MB)).startswith(
        "Berkas titik.xlsx memerlukan lebih dari 256 MB memori untuk dibaca, batas satu impor"
    )


def test_a_sparse_sheet_is_refused_by_its_cells_before_they_become_python_objects():
    data = sparse_workbook(3_000, 1_000)  # 3 million cells, nearly all empty
    assert refusal(data, "titik.xlsx", ReadLimits(cells=1_000_000, columns=2_000)).startswith(
        "Tabel dalam berkas titik.xlsx lebih dari 1.000.000 sel"
    )


def ods(rows_repeated: int, columns_repeated: int) -> bytes:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    one = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"<table:table-row>{one.format('nik')}{one.format('nama')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows_repeated}"><table:table-cell '
        f'table:number-columns-repeated="{columns_repeated}" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
    return buffer.getvalue()


def test_an_ods_cell_repeated_millions_of_times_is_refused_by_memory():
    # Under a kilobyte; python-calamine repeats the cell into 20 million before anything could count them.
    data = ods(200_000, 100)
    assert len(data) < 1_000
    message = refusal(data, "ulang.ods", ReadLimits(reader_memory_bytes=256 * MB, cells=10**9, columns=200))
    assert message.startswith("Berkas ulang.ods memerlukan lebih dari 256 MB memori untuk dibaca")
    assert read(ods(3, 2), "kecil.ods").headers == ["nik", "nama"]


def test_the_child_process_returns_the_value_or_raises_what_was_raised():
    def refuse():
        raise readlimits.too_many_rows(9)

    assert run_with_memory_limit(lambda: ("a", [1, 2]), ReadLimits()) == ("a", [1, 2])
    with pytest.raises(ValueError, match="nope"):
        run_with_memory_limit(lambda: int("nope"), ReadLimits())
    with pytest.raises(LimitExceeded, match="lebih dari 9 baris"):
        run_with_memory_limit(refuse, ReadLimits())


def test_the_child_process_answers_memory_exceeded_when_it_runs_out():
    with pytest.raises(LimitExceeded, match="memerlukan lebih dari 64 MB memori"):
        run_with_memory_limit(lambda: bytearray(512 * MB), ReadLimits(reader_memory_bytes=64 * MB))


# ---------------------------------------------------------------------------------------------------------
# No English from the readers


@pytest.mark.parametrize(
    "data, name",
    [
        (xlsx()[:-200], "terpotong.xlsx"),
        (xlsx().replace(b"PK\x01\x02", b"PK\x01\x03", 1), "rusak.xlsx"),
        (b"PK\x03\x04" + b"\x00" * 200, "kosong.xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "lama.xls"),
        (ods(3, 2).replace(b"content.xml", b"contents.xml"), "rusak.ods"),
        (b'nik,nama\n"6103014507890001,"Maria\n' + b"x" * 140_000, "kutip.csv"),
    ],
)
def test_every_reader_error_reaches_the_user_in_indonesian(data, name):
    refusal(data, name, ReadLimits())
