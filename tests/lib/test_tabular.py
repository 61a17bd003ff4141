import csv
import datetime
import io
import math
import zipfile
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lindungdesa.lib import tabular
from lindungdesa.lib.headers import BPJS_FIELDS, ROSTER_FIELDS, header_score
from lindungdesa.lib.readlimits import ReadLimits
from lindungdesa.lib.tabular import Table, UnreadableFile, read_table
from tests.fixtures.imports.make_fixtures import TEMPLATE  # the golden roster files' header

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
D = datetime.date
roster_hint = partial(header_score, fields=ROSTER_FIELDS)
bpjs_hint = partial(header_score, fields=BPJS_FIELDS)

P = ("61.03.01.2007", "Penyeladi")


def read(name: str, hint=roster_hint) -> Table:
    return read_table((FIXTURES / name).read_bytes(), name, header_hint=hint)


def text_rows(date_sep: str, money: list[str]) -> list[tuple[int, list]]:
    """The four people of the text rosters, dates written with `date_sep`."""

    def d(day: str) -> str:
        return day.replace("-", date_sep)

    return [
        (
            2,
            [*P, "6103011203750003", "Yohanes Antonius, S.Pd", "L", d("12-03-1975"), "APARAT", "Kepala Desa"]
            + [
                "141/01/PEM/2019",
                d("12-03-2019"),
                d("12-03-2019"),
                d("12-03-2027"),
                money[0],
                "081234567801",
            ],
        ),
        (
            3,
            [*P, "6103014507890001", "Maria Goreti", "P", d("05-07-1989"), "APARAT", "Sekretaris Desa"]
            + ["141/02/PEM/2020", d("06-01-2020"), d("06-01-2020"), None, money[1], "081234567802"],
        ),
        (
            4,
            [
                *P,
                "6103010102700004",
                "Paulus Ajon",
                "L",
                d("01-02-1970"),
                "APARAT",
                "Kepala Dusun Sungai Ayak",
            ]
            + ["141/03/PEM/2021", d("02-08-2021"), d("02-08-2021"), None, money[2], None],
        ),
        (
            5,
            [*P, "6103015708800005", "Siti Aminah", "P", d("17-08-1980"), "BPD", "Ketua BPD", "188.4/12/2021"]
            + [d("10-05-2021"), d("10-05-2021"), d("10-05-2029"), money[3], None],
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# Golden files: CSV and text


def test_utf8_csv_with_quotes_a_blank_line_and_a_short_row():
    table = read("roster_utf8.csv")
    assert (table.source, table.kind, table.header_row, table.headers) == (
        "roster_utf8.csv",
        "csv",
        1,
        TEMPLATE,
    )
    assert list(table.rows) == [
        (
            2,
            [*P, "6103011203750003", "Yohanes Antonius, S.Pd", "L", "1975-03-12", "APARAT", "Kepala Desa"]
            + ["141/01/PEM/2019", "2019-03-12", "2019-03-12", "2027-03-12", "2426640", "081234567801"],
        ),
        (
            3,
            [*P, "6103014507890001", "Maria Goreti", "P", "1989-07-05", "APARAT", "Sekretaris Desa"]
            + ["141/02/PEM/2020", "2020-01-06", "2020-01-06", None, "2224420", "081234567802"],
        ),
        # Row 4 of the file is blank: dropped, and the numbers after it stay as the user sees them.
        (
            5,
            [*P, "6103010102700004", "Paulus Ajon", "L", "1970-02-01", "APARAT", "Kepala Dusun Sungai Ayak"]
            + ["141/03/PEM/2021", "2021-08-02", "2021-08-02", None, "2022200", None],  # short row, padded
        ),
        (
            6,
            ["61.03.02.2001", "Kedukul", "6103023006680007", 'Hendrikus "Hen" Lawing', "L", "1968-06-30"]
            + ["APARAT", "Pj. Kepala Desa", "141/PJ/2025", "2025-11-03", "2025-11-03", None, "2426640"]
            + ["0812-3456-7803"],
        ),
    ]


def test_utf8_csv_with_bom():
    table = read("roster_utf8_bom.csv")
    assert table.headers == TEMPLATE  # no "\ufeffkode_desa"
    assert list(table.rows) == text_rows(
        "/", ["Rp 2.426.640", "Rp 2.224.420", "Rp 2.022.200", "Rp 1.000.000"]
    )


def test_windows_1252_csv_with_semicolons():
    table = read("roster_cp1252_semicolon.csv")
    assert (table.kind, table.header_row, table.headers) == ("csv", 1, TEMPLATE)
    andreas = [
        *P,
        "6103010909900006",
        "Andréas Kéning",
        "L",
        "09-09-1990",
        "BPD",
        "Anggota BPD",
        "188.4/12/2021",
    ]
    andreas += ["10-05-2021", "10-05-2021", "10-05-2029", "750.000,00", None]
    assert list(table.rows) == [*text_rows("-", ["2426640", "2224420", "2022200", "1000000"]), (6, andreas)]


@pytest.mark.parametrize("name", ["roster_tab.tsv", "roster_unicode_text.txt"])
def test_tab_separated_text_in_utf8_and_utf16(name):
    table = read(name)
    assert (table.kind, table.header_row, table.headers) == ("csv", 1, TEMPLATE)
    assert list(table.rows) == text_rows(".", ["2426640", "2224420", "2022200", "1000000"])


def test_synonym_headers_are_kept_as_written():
    table = read("roster_synonyms.csv")
    assert table.headers == [
        "No",
        "Nama Lengkap",
        "No. KTP",
        "L/P",
        "Tgl Lahir",
        "Jabatan",
        "Unsur",
        "No SK",
        "Tgl SK",
        "TMT",
        "Akhir Masa Jabatan",
        "Siltap",
        "No HP",
        "Kode Kemendagri",
        "Keterangan",
    ]
    assert [number for number, _ in table.rows] == [2, 3, 4]
    assert table.rows[2] == (
        4,
        ["3", "Siti Aminah", "6103015708800005", "P", "17 Agustus 1980", "Ketua", "BPD", "188.4/12/2021"]
        + ["10 Mei 2021", "10 Mei 2021", "10 Mei 2029", "1000000", None, "61.03.01.2007", None],
    )


def test_bad_values_are_read_as_they_are():
    table = read("roster_bad_values.csv")
    cells = {number: dict(zip(table.headers, row, strict=True)) for number, row in table.rows}
    assert cells[2]["tanggal_sk"] == "31/02/2024"
    assert cells[3]["penghasilan_bulanan"] == "dua juta"
    assert cells[4]["jabatan"] == "Staf Desa"
    assert cells[5]["nik"] == "6.10301E+15"
    assert cells[6]["nik"] == "6103010909900006"


def test_bpjs_extract_csv():
    table = read("bpjs_extract.csv", bpjs_hint)
    assert table.headers == [
        "NIK",
        "Nama",
        "No KPJ",
        "Tgl Lahir",
        "Program",
        "Kategori",
        "Upah",
        "Tgl Kepesertaan",
        "Bulan Iuran Terakhir",
        "Status",
        "Kode Desa",
    ]
    code = "61.03.01.2007"
    assert list(table.rows) == [
        (
            2,
            [
                "6103011203750003",
                "YOHANES ANTONIUS",
                "19012345678",
                "12-03-1975",
                "JKK,JKM",
                "PU",
                "2.426.640",
            ]
            + ["01-01-2020", "2026-10", "AKTIF", code],
        ),
        (
            3,
            [
                "6103014507890001",
                "MARIA GORETI",
                "1901-2345-679",
                "05-07-1989",
                "JKK JKM JHT",
                "PU",
                "2224420",
            ]
            + ["01-02-2020", "10-2026", "AKTIF", code],
        ),
        (
            4,
            ["6103015708800005", "SITI AMINAH", "2101234567", "17-08-1980", "JKK+JKM", "BPU", "1000000"]
            + ["01-06-2021", "Jun 2026", "Non Aktif", code],
        ),
        (
            5,
            [
                "6103010909900006",
                "ANDREAS KENING",
                "21012345680",
                "09-09-1990",
                "jkk/jkm",
                "BPU",
                "1.000.000,00",
            ]
            + ["01-06-2021", "Okt 2026", "AKTIF", None],
        ),
    ]


# ---------------------------------------------------------------------------------------------------------
# Golden files: workbooks, read by python-calamine and by openpyxl streaming alike


@pytest.fixture(params=["calamine", "stream"])
def engine(request, monkeypatch):
    if request.param == "stream":
        monkeypatch.setattr(tabular, "CALAMINE_MAX_XML_BYTES", 0)
    return request.param


def typed_rows() -> list[tuple[int, list]]:
    """The people of the workbooks: dates as dates, money as numbers, NIKs as text."""
    return [
        (
            0,
            [*P, "6103011203750003", "Yohanes Antonius, S.Pd", "L", D(1975, 3, 12), "APARAT", "Kepala Desa"]
            + ["141/01/PEM/2019", D(2019, 3, 12), D(2019, 3, 12), D(2027, 3, 12), 2426640, "081234567801"],
        ),
        (
            0,
            [*P, "6103014507890001", "Maria Goreti", "P", D(1989, 7, 5), "APARAT", "Sekretaris Desa"]
            + ["141/02/PEM/2020", D(2020, 1, 6), D(2020, 1, 6), None, 2224420, "081234567802"],
        ),
        (
            0,
            [*P, "6103010102700004", "Paulus Ajon", "L", D(1970, 2, 1), "APARAT", "Kepala Dusun Sungai Ayak"]
            + ["141/03/PEM/2021", D(2021, 8, 2), D(2021, 8, 2), None, 2022200, None],
        ),
        (
            0,
            [*P, "6103015708800005", "Siti Aminah", "P", D(1980, 8, 17), "BPD", "Ketua BPD", "188.4/12/2021"]
            + [D(2021, 5, 10), D(2021, 5, 10), D(2029, 5, 10), 1000000, None],
        ),
    ]


def numbered(numbers: list[int], rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    return [(number, cells) for number, (_, cells) in zip(numbers, rows, strict=True)]


def test_title_rows_above_the_header_and_a_blank_row_between(engine):
    table = read("roster_title_rows.xlsx")
    assert (table.source, table.kind, table.header_row) == ("roster_title_rows.xlsx [Aparat]", "xlsx", 4)
    assert table.headers == TEMPLATE
    assert list(table.rows) == numbered([5, 6, 8, 9], typed_rows())


def test_merged_headers_and_a_merged_desa_column(engine):
    table = read("roster_merged.xlsx")
    assert table.header_row == 3  # under "Masa Jabatan", merged over Mulai and Akhir
    assert table.headers == [
        "Kode Desa",  # merged over rows 2-3: filled into row 3
        "Nama Desa",
        "NIK",
        "Nama",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Kelompok",
        "Jabatan",
        "Nomor SK",
        "Tanggal SK",
        "Mulai",
        "Akhir",
        "Penghasilan Bulanan",
        "No HP",
    ]
    # The desa code and name are merged down the three data rows: each row has them.
    assert list(table.rows) == numbered([4, 5, 6], typed_rows()[:3])


def test_instructions_sheet_first_and_a_hidden_list_sheet(engine):
    table = read("roster_multi_sheet.xlsx")
    assert (table.source, table.header_row, table.headers) == ("roster_multi_sheet.xlsx [Data]", 1, TEMPLATE)
    assert list(table.rows) == numbered([2, 3], typed_rows()[:2])


def test_a_nik_in_a_number_cell_stays_a_number(engine):
    table = read("roster_nik_as_number.xlsx")
    niks = [cells[2] for _, cells in table.rows]
    assert niks == [6103011203750000, 6103014507890001, "6103010102700004"]
    assert [type(n) for n in niks] == [int, int, str]


def test_bpjs_extract_workbook(engine):
    table = read("bpjs_extract.xlsx", bpjs_hint)
    assert (table.source, table.header_row) == ("bpjs_extract.xlsx [Peserta]", 4)
    assert table.headers[:3] == ["NIK", "Nama Peserta", "No KPJ"]
    code = "61.03.01.2007"
    assert list(table.rows) == [
        (
            5,
            ["6103011203750003", "YOHANES ANTONIUS", 19012345678, D(1975, 3, 12), "JKK,JKM", "PU", 2426640]
            + [D(2020, 1, 1), D(2026, 10, 1), "AKTIF", code],
        ),
        (
            6,
            ["6103014507890001", "MARIA GORETI", 19012345679, D(1989, 7, 5), "JKK JKM JHT", "PU", 2224420]
            + [D(2020, 2, 1), D(2026, 9, 1), "AKTIF", code],
        ),
        (
            7,
            ["6103015708800005", "SITI AMINAH", 2101234567, D(1980, 8, 17), "JKK,JKM", "BPU", 1000000]
            + [D(2021, 6, 1), D(2026, 6, 1), "NONAKTIF", code],
        ),
    ]


def test_an_excel_97_2003_file():
    table = read("roster_old_excel.xls")
    assert (table.source, table.kind, table.header_row) == ("roster_old_excel.xls [Sheet1]", "xls", 2)
    assert table.headers == ["kode_desa", "nik", "nama", "jabatan", "tanggal_lahir", "mulai_menjabat"] + [
        "penghasilan_bulanan"
    ]
    assert list(table.rows) == [
        (
            3,
            ["61.03.01.2007", "6103011203750003", "Yohanes Antonius, S.Pd", "Kepala Desa", D(1975, 3, 12)]
            + [D(2019, 3, 12), 2426640],
        ),
        (
            4,  # the desa code is merged down from row 3
            ["61.03.01.2007", "6103014507890001", "Maria Goreti", "Sekretaris Desa", D(1989, 7, 5)]
            + [D(2020, 1, 6), 2224420],
        ),
    ]


def ods_cell(text: str, date: str = "") -> str:
    kind = f'office:value-type="date" office:date-value="{date}"' if date else 'office:value-type="string"'
    return f"<table:table-cell {kind}><text:p>{text}</text:p></table:table-cell>"


ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Aparat">'
    f"<table:table-row>{ods_cell('nik')}{ods_cell('nama')}{ods_cell('tanggal_lahir')}</table:table-row>"
    f"<table:table-row>{ods_cell('6103014507890001')}{ods_cell('Maria Goreti')}"
    f"{ods_cell('05/07/89', '1989-07-05')}</table:table-row>"
    "</table:table></office:spreadsheet></office:body></office:document-content>"
)


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/"'
    ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def test_an_opendocument_spreadsheet():
    data = zip_bytes(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": ODS_CONTENT.encode(),
            "META-INF/manifest.xml": ODS_MANIFEST.encode(),
        }
    )
    table = read_table(data, "aparat.ods", header_hint=roster_hint)
    assert (table.source, table.kind, table.headers) == (
        "aparat.ods [Aparat]",
        "ods",
        ["nik", "nama", "tanggal_lahir"],
    )
    assert list(table.rows) == [(2, ["6103014507890001", "Maria Goreti", D(1989, 7, 5)])]


# ---------------------------------------------------------------------------------------------------------
# Golden files: OpenSID's HTML served as .xls


def test_opensid_officials_download():
    table = read("opensid_pamong.xls")
    assert (table.source, table.kind, table.header_row) == ("opensid_pamong.xls", "opensid-html", 1)
    assert table.headers == [
        "No",
        "NIK",
        "NIP",
        "Nama",
        "Tempat, Tanggal Lahir",
        "Jenis Kelamin",
        "Pendidikan",
        "Agama",
        "Jabatan",
        "Nomor SK",
        "Tanggal SK",
        "Masa/Periode Jabatan",
        "Status",
    ]
    assert table.rows[0] == (
        2,
        ["1", "6103011203750003", None, "Yohanes Antonius, S.Pd", "Sanggau, 12-03-1975", "LAKI-LAKI"]
        + [
            "DIPLOMA IV/ STRATA I",
            "KATHOLIK",
            "Kepala Desa",
            "141/01/PEM/2019",
            "12-03-2019",
            "2019-2027",
            "Aktif",
        ],
    )
    assert table.rows[3] == (
        5,
        ["4", "6103011508650008", "196508151990031004", "Petrus Lim", "Sosok, 15-08-1965", "LAKI-LAKI"]
        + ["SLTA / SEDERAJAT", "KATHOLIK", "Kaur Keuangan", "141/05/PEM/2013", "01-04-2013"]
        + ["6 Tahun Periode Pertama (2013 s/d 2019)", "Tidak Aktif"],
    )
    assert len(table.rows) == 4


def test_opensid_lembaga_members_inside_a_layout_table():
    table = read("opensid_bpd.xls")
    assert (table.kind, table.header_row) == ("opensid-html", 1)
    assert table.headers[:6] == [
        "No.",
        "No. Anggota",
        "NIK",
        "Nama Lengkap",
        "Jenis Kelamin",
        "Tempat / Tanggal Lahir",
    ]
    assert [cells[8] for _, cells in table.rows] == ["KETUA", "WAKIL KETUA", "SEKRETARIS", "ANGGOTA"]
    assert table.rows[0] == (
        2,
        ["1", "001", "6103015708800005", "Siti Aminah", "PEREMPUAN", "SANGGAU / 17 AGUSTUS 1980", "ISLAM"]
        + [
            "DUSUN SUNGAI AYAK RT 001 / RW 002",
            "KETUA",
            "SLTA / SEDERAJAT",
            "188.4/12/2021 / 10-05-2021",
            "/",
        ]
        + [None],
    )


def test_opensid_buku_aparat_drops_the_column_numbers_row():
    table = read("opensid_buku_aparat.xls")
    assert table.header_row == 1
    assert [number for number, _ in table.rows] == [3, 4]  # row 2 is "1 2 3 ... 13"
    assert table.rows[0][1][10] == "141/01/PEM/2019, 12-03-2019"


# ---------------------------------------------------------------------------------------------------------
# Odd shapes


def csv_table(text: str, hint=roster_hint, encoding: str = "utf-8") -> Table:
    return read_table(text.encode(encoding), "data.csv", header_hint=hint)


def test_a_header_without_rows_is_a_table_without_rows():
    table = csv_table("nik;nama;jabatan\r\n")
    assert (table.headers, len(table.rows)) == (["nik", "nama", "jabatan"], 0)


def test_excel_sep_line_sets_the_delimiter_and_is_not_a_row():
    table = csv_table("sep=|\nnik|nama\n6103014507890001|Maria, Goreti\n")
    assert (table.header_row, table.headers) == (1, ["nik", "nama"])
    assert list(table.rows) == [(2, ["6103014507890001", "Maria, Goreti"])]


def test_names_with_commas_do_not_fool_the_delimiter_choice():
    table = csv_table("nik;nama;jabatan\n6103014507890001;Goreti, Maria, S.Pd;Sekdes\n")
    assert list(table.rows) == [(2, ["6103014507890001", "Goreti, Maria, S.Pd", "Sekdes"])]


def test_trailing_delimiters_do_not_widen_the_table_but_data_beyond_the_header_does():
    table = csv_table("nik;nama;;;\n6103014507890001;Maria;;;\n")
    assert table.headers == ["nik", "nama"]
    assert list(table.rows) == [(2, ["6103014507890001", "Maria"])]
    table = csv_table("nik,nama\n6103014507890001,Maria,catatan\n")
    assert table.headers == ["nik", "nama", ""]
    assert list(table.rows) == [(2, ["6103014507890001", "Maria", "catatan"])]


def test_rows_of_only_spaces_are_blank():
    table = csv_table("nik,nama\n  ,\t\n6103014507890001,Maria\n")
    assert list(table.rows) == [(3, ["6103014507890001", "Maria"])]


def test_multi_line_quoted_cells_count_as_one_row():
    table = csv_table('nik,nama\n6103014507890001,"Maria\nGoreti"\n6103011203750003,Yohanes\n')
    assert list(table.rows) == [
        (2, ["6103014507890001", "Maria\nGoreti"]),
        (3, ["6103011203750003", "Yohanes"]),
    ]


def test_without_a_recognised_header_the_first_row_is_the_header():
    table = csv_table("a,b\n1,2\n")
    assert (table.header_row, table.headers, list(table.rows)) == (1, ["a", "b"], [(2, ["1", "2"])])


def test_a_cell_holding_the_row_separator_survives():
    table = csv_table("nik,nama\n6103014507890001,Ma\x1fria\n")
    assert list(table.rows) == [(2, ["6103014507890001", "Ma\x1fria"])]


def test_rows_read_like_a_list():
    rows = csv_table("nik,nama\n1,a\n2,b\n3,c\n").rows
    assert len(rows) == 3 and rows[-1] == (4, ["3", "c"])
    assert list(rows[1:]) == [(3, ["2", "b"]), (4, ["3", "c"])]
    assert list(rows) == list(rows[:]) == [(2, ["1", "a"]), (3, ["2", "b"]), (4, ["3", "c"])]
    number, cells = rows[0]
    cells.append("changed")
    assert rows[0] == (2, ["1", "a"])  # each access gives a fresh list


def workbook_bytes(fill) -> bytes:
    workbook = openpyxl.Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_formatting_left_far_to_the_right_is_ignored(engine):
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["nik", "nama"])
        sheet.append(["6103014507890001", "Maria"])
        sheet.cell(row=2, column=ReadLimits().columns + 5).font = openpyxl.styles.Font(bold=True)

    table = read_table(workbook_bytes(fill), "x.xlsx", header_hint=roster_hint)
    assert table.headers == ["nik", "nama"]
    assert list(table.rows) == [(2, ["6103014507890001", "Maria"])]


def test_a_stray_cell_beyond_the_column_limit_is_named_in_the_refusal(engine):
    # Read, it would widen every row; dropped, it would lose what the user typed without a word.
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["nik", "nama"])
        sheet.append(["6103014507890001", "Maria"])
        sheet.cell(row=2, column=1029, value="x")

    with pytest.raises(UnreadableFile) as refused:
        read_table(workbook_bytes(fill), "x.xlsx", header_hint=roster_hint)
    assert str(refused.value) == (
        "Baris 2 berkas x.xlsx berisi data di kolom ke-1.029 (AMO), di luar batas 1.024 kolom. Hapus isi di "
        "sebelah kanan tabel, lalu unggah ulang."
    )


def test_an_empty_workbook_is_unreadable(engine):
    with pytest.raises(UnreadableFile, match="Tidak ada data"):
        read_table(workbook_bytes(lambda wb: None), "kosong.xlsx", header_hint=roster_hint)


def test_typed_cells_formulas_and_booleans(engine):
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["nama", "tanggal_sk", "penghasilan_bulanan", "aktif", "rumus", "jam"])
        sheet.append(
            ["Maria", datetime.datetime(2020, 1, 6, 8, 30), 2224420.5, True, "=1+1", datetime.time(8, 30)]
        )
        sheet["B2"].number_format = "dd/mm/yyyy hh:mm"

    table = read_table(workbook_bytes(fill), "x.xlsx", header_hint=roster_hint)
    # A formula that was never calculated (openpyxl stores no result) reads as empty.
    assert list(table.rows) == [
        (2, ["Maria", datetime.datetime(2020, 1, 6, 8, 30), 2224420.5, True, None, "08:30:00"])
    ]


# ---------------------------------------------------------------------------------------------------------
# Files that are not tables


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "File kosong"),
        (b"  \r\n ", "File kosong"),
        (zip_bytes({"foto.jpg": b"\xff\xd8\xff"}), "arsip ZIP, bukan file Excel"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "dokumen Word"),
        (zip_bytes({"xl/workbook.xml": b"<not xml"}), "tidak dapat dibaca"),
        (b"PK\x03\x04" + b"\x00" * 40, "rusak"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "gambar atau arsip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "File Excel lama \\(.xls\\)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"), "kata sandi"),
        (b"<html><body><p>Tidak ada data</p></body></html>", "HTML tanpa tabel"),
        (b"\x00\x01\x02\x03" * 100, "bukan tabel"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "2003"),
    ],
)
def test_what_is_not_a_table_is_unreadable_with_a_reason(data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_table(data, "unggahan.xlsx", header_hint=roster_hint)


def test_the_format_comes_from_the_content_not_the_name():
    csv_named_xlsx = read_table(b"nik,nama\n6103014507890001,Maria\n", "roster.xlsx", header_hint=roster_hint)
    assert csv_named_xlsx.kind == "csv"
    xlsx_named_csv = read_table(
        (FIXTURES / "roster_multi_sheet.xlsx").read_bytes(), "r.csv", header_hint=roster_hint
    )
    assert xlsx_named_csv.kind == "xlsx"


def test_an_error_in_reading_becomes_unreadable_file(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tabular, "_read_csv", broken)
    with pytest.raises(UnreadableFile, match="tidak dapat dibaca sebagai tabel"):
        read_table(b"a,b\n", "x.csv", header_hint=roster_hint)


SIGNATURES = [
    b"",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"<table>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
]


@settings(max_examples=150, deadline=None)
@given(prefix=st.sampled_from(SIGNATURES), data=st.binary(max_size=600))
def test_arbitrary_bytes_give_a_table_or_unreadable_file(prefix, data):
    try:
        table = read_table(prefix + data, "acak.bin", header_hint=roster_hint)
    except UnreadableFile as exc:
        assert str(exc)
    else:
        assert all(len(cells) == len(table.headers) for _, cells in table.rows)


@settings(max_examples=40, deadline=None)
@given(
    names=st.lists(st.sampled_from(["xl/workbook.xml", "xl/worksheets/sheet1.xml", "mimetype"]), max_size=3)
)
def test_broken_workbooks_give_unreadable_file(names):
    data = zip_bytes({name: b"<x" for name in names})
    with pytest.raises(UnreadableFile):
        read_table(data, "rusak.xlsx", header_hint=roster_hint)


# Control characters other than tabs and line breaks are what binary files are made of: left out here.
cell_text = st.text(
    st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\t\r\n\x1f")), max_size=12
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(cell_text, min_size=len(TEMPLATE), max_size=len(TEMPLATE)), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_what_csv_writer_wrote_is_read_back(rows, delimiter, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([TEMPLATE, *rows])
    text = buffer.getvalue()
    # More than 8 control characters (and 2 % of the first 8 KB) are what binary files are made of: such a
    # file is refused whole, with the message that says to save it again as a table.
    if text[:8192].count("\x1f") > max(8, len(text[:8192]) // 50):
        with pytest.raises(UnreadableFile, match="bukan tabel"):
            read_table(text.encode(encoding), "acak.csv", header_hint=roster_hint)
        return
    table = read_table(text.encode(encoding), "acak.csv", header_hint=roster_hint)
    assert (table.header_row, table.headers) == (1, TEMPLATE)
    expected = [
        (number, [cell or None for cell in cells])
        for number, cells in enumerate(rows, start=2)
        if any(cell.strip() for cell in cells)
    ]
    if expected and tabular._is_numbering_row(expected[0][1]) and expected[0][0] == 2:
        expected = expected[1:]
    assert list(table.rows) == expected


@settings(max_examples=120, deadline=None)
@given(text=st.text(max_size=400), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_arbitrary_text_gives_a_table_or_unreadable_file(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", errors="replace")
    try:
        read_table(data, "acak.csv", header_hint=roster_hint)
    except UnreadableFile as exc:
        assert str(exc)


typed_cells = st.one_of(
    st.none(),
    st.text(
        st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_categories=("Cs",)), max_size=10
    ).filter(
        lambda text: not text.startswith("=")  # openpyxl would write a formula
    ),
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.booleans(),
    st.dates(min_value=D(1901, 1, 1), max_value=D(2099, 12, 31)),
)


def expected_cell(value):
    # A cell of nothing but white space (a space, U+0085, U+2000 ...) reads as empty in both readers.
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def read_by_both(data: bytes):
    """The workbook read by python-calamine and by the streaming reader (as for a large sheet)."""
    calamine = read_table(data, "x.xlsx", header_hint=roster_hint)
    limit = tabular.CALAMINE_MAX_XML_BYTES
    tabular.CALAMINE_MAX_XML_BYTES = 0
    try:
        streamed = read_table(data, "x.xlsx", header_hint=roster_hint)
    finally:
        tabular.CALAMINE_MAX_XML_BYTES = limit
    return calamine, streamed


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(typed_cells, min_size=3, max_size=3), min_size=1, max_size=5))
@example(rows=[["\x85", "Yohanes", None], [" ", 1, "\u2000"]])
def test_workbook_cells_keep_their_type_in_both_readers(rows):
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["nik", "nama", "tanggal_lahir"])
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"

    data = workbook_bytes(fill)
    expected = [
        (number, [expected_cell(c) for c in row])
        for number, row in enumerate(rows, start=2)
        if not all(expected_cell(c) is None or (isinstance(c, str) and not c.strip()) for c in row)
    ]
    calamine, streamed = read_by_both(data)
    assert list(streamed.rows) == list(calamine.rows)
    # openpyxl writes floats with 16 significant digits: numbers compare within that precision.
    assert [n for n, _ in calamine.rows] == [n for n, _ in expected]
    for (_, got), (_, wanted) in zip(calamine.rows, expected, strict=True):
        assert [type(c) is bool for c in got] == [type(c) is bool for c in wanted]
        assert all(same(a, b) for a, b in zip(got, wanted, strict=True)), (got, wanted)


def same(a, b) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-14)
    return a == b and type(a) is type(b)


# ---------------------------------------------------------------------------------------------------------
# Size


def test_a_large_csv_streams_into_compact_rows():
    lines = ["nik;nama;program;bulan_iuran_terakhir"]
    lines += [f"61030145078{i:05d};Nama {i};JKK,JKM;2026-10" for i in range(50_000)]
    table = read_table("\n".join(lines).encode(), "besar.csv", header_hint=bpjs_hint)
    assert len(table.rows) == 50_000
    assert table.rows[-1] == (50_001, ["6103014507849999", "Nama 49999", "JKK,JKM", "2026-10"])
    assert all(type(stored) is str for stored in table.rows._rows[:100])  # one string per row


def test_a_large_workbook_is_streamed_past_the_calamine_limit(monkeypatch):
    monkeypatch.setattr(tabular, "CALAMINE_MAX_XML_BYTES", 20_000)

    def fill(workbook):
        sheet = workbook.active
        sheet.append(["nik", "nama", "tanggal_lahir"])
        for i in range(1200):
            sheet.append([f"61030145078{i:05d}", f"Nama {i}", D(1989, 7, 5)])
            sheet.cell(row=sheet.max_row, column=3).number_format = "dd/mm/yyyy"

    data = workbook_bytes(fill)
    called = []
    monkeypatch.setattr(tabular, "run_with_memory_limit", lambda *a: called.append(a))  # python-calamine
    table = read_table(data, "besar.xlsx", header_hint=roster_hint)
    assert called == [] and len(table.rows) == 1200
    assert table.rows[-1] == (1201, ["6103014507801199", "Nama 1199", D(1989, 7, 5)])


@pytest.mark.parametrize("preserve", [False, True])
def test_a_cell_of_spaces_only_is_empty_in_both_readers(preserve):
    # openpyxl marks no white space to be kept when a text is only white space; python-calamine then drops
    # it, and the streaming reader must read the same (found by the property test above).
    def fill(workbook):
        sheet = workbook.active
        sheet.append(["nik", "nama", "tanggal_lahir"])
        sheet.append(["6103014507890001", " ", "Maria"])

    data = workbook_bytes(fill)
    if preserve:
        data = _with_preserved_space(data)
    calamine, streamed = read_by_both(data)
    assert list(streamed.rows) == list(calamine.rows) == [(2, ["6103014507890001", None, "Maria"])]


def _with_preserved_space(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                content = content.replace(b"<t> </t>", b'<t xml:space="preserve"> </t>')
            target.writestr(name, content)
    return out.getvalue()


def spanned_grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """What an HTML table of these (text, colspan, rowspan) cells shows: each cell in the first column its row
    leaves free, a rowspan's text below it, a row as wide as its cells or the spans that reach it."""
    taken: dict[tuple[int, int], str] = {}
    shown = []
    for number, cells in enumerate(rows):
        row: list[str] = []
        for text, colspan, rowspan in cells:
            for _ in range(colspan):
                while (number, len(row)) in taken:
                    row.append(taken[number, len(row)])
                taken.update({(number + below, len(row)): text for below in range(1, rowspan)})
                row.append(text)
        reach = max((column for (at, column) in taken if at == number), default=-1)
        shown.append(row + [taken.get((number, c), "") for c in range(len(row), reach + 1)])
    return shown


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.tuples(st.sampled_from(["", "a", "b c"]), st.integers(1, 3), st.integers(1, 4)), max_size=4
        ),
        min_size=1,
        max_size=6,
    )
)
def test_html_spans_fill_the_cells_they_cover(rows):
    cells = ("".join(f'<td colspan="{c}" rowspan="{r}">{text}</td>' for text, c, r in row) for row in rows)
    page = "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"
    assert tabular.html_tables(page, ReadLimits()) == [spanned_grid(rows)]
