"""OpenSID's own downloads, as golden files with their expected results.

- `opensid_a4_wilayah_2026-11-25.xls`: the Buku Aparat Pemerintah Desa (Model A.4), written from OpenSID
  v2410's `resources/views/admin/pengurus/cetak.blade.php` by `make_opensid.py` beside it;
- `opensid_pamong.xls`: the older officials' download (with NIK, "Tanggal SK" apart);
- `opensid_bpd.xls`: a lembaga's members list (the BPD), of an older OpenSID (with Alamat);
- `opensid_laporan_data_lembaga_..._25_11_2026.xls`: the same list as OpenSID v2410 writes it.
All are for desa Penyeladi (61.03.01.2007, Kapuas, Sanggau), which OpenSID names only in its titles.
"""

import datetime
import io
from functools import partial
from pathlib import Path

import pytest

from lindungdesa.imports.engine import Prepared
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.roster import RosterRows
from lindungdesa.imports.services import roster_import_file
from lindungdesa.imports.summary import ImportFailed
from lindungdesa.lib import values as v
from lindungdesa.lib.headers import ROSTER_FIELDS, header_score, match_headers
from lindungdesa.lib.opensid import (
    is_buku_aparat,
    is_members_list,
    same_place,
    title_places,
    without_signature_block,
)
from lindungdesa.lib.tabular import Table, read_table
from lindungdesa.lib.values import OfficeValue
from lindungdesa.officials.models import Position, serving_on
from lindungdesa.regions.models import Region

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
A4 = "opensid_a4_wilayah_2026-11-25.xls"
D = datetime.date
PRINTED = D(2026, 11, 25)  # the day the A.4 was downloaded


def read(name: str, data: bytes | None = None) -> Table:
    data = data if data is not None else (FIXTURES / name).read_bytes()
    return read_table(data, name, header_hint=partial(header_score, fields=ROSTER_FIELDS))


def fields_of(table: Table) -> list[tuple[int, dict]]:
    mapping = match_headers(table.headers, ROSTER_FIELDS).mapping
    return [(number, {name: cells[i] for i, name in mapping.items()}) for number, cells in table.rows]


@pytest.fixture
def penyeladi(db) -> Region:
    return Region.objects.get(code="61.03.01.2007")


# ---------------------------------------------------------------------------------------------------------
# Model A.4, read


def test_the_a4_is_recognised_by_its_headers():
    table = read(A4)
    assert (table.kind, table.header_row) == ("opensid-html", 1)
    assert [number for number, _ in table.rows] == [3, 4, 5, 6, 7, 8, 9, 10]  # row 2 is "1 2 ... 13"
    assert is_buku_aparat(table) and not is_members_list(table)
    assert is_buku_aparat(read("opensid_buku_aparat.xls"))  # an older A.4 of the same template
    for other in ("opensid_pamong.xls", "opensid_bpd.xls", "roster_utf8.csv"):
        assert not is_buku_aparat(read(other)), other


def test_the_a4_columns_map_onto_the_roster_columns():
    match = match_headers(read(A4).headers, ROSTER_FIELDS)
    assert match.mapping == {
        1: "nama",
        4: "jenis_kelamin",
        5: "tempat_tanggal_lahir",
        8: "jabatan",
        10: "nomor_tanggal_sk",
        11: "nomor_tanggal_henti",
        12: "masa_jabatan",
    }
    # No, NIPD, NIP, Agama, Pangkat/Golongan and Pendidikan are known and not needed; nothing is unknown.
    assert [header for _, header in match.ignored] == [
        "NO",
        "NIPD",
        "NIP",
        "AGAMA",
        "PANGKAT/ GOLONGAN",
        "PENDIDIKAN TERAKHIR",
    ]
    assert match.unknown == [] and "nik" not in match.mapping.values()


def test_the_a4_cells_read_as_opensid_prints_them():
    rows = [
        (
            number,
            row["nama"],
            v.parse_sex(row["jenis_kelamin"]),
            v.parse_optional_place_and_date(row["tempat_tanggal_lahir"]),
            v.parse_sk_number_and_date(row["nomor_tanggal_sk"]),
            v.parse_sk_number_and_date(row["nomor_tanggal_henti"]),
            v.parse_term_text(row["masa_jabatan"]) if row["masa_jabatan"] else None,
        )
        for number, row in fields_of(read(A4))
    ]
    assert rows == [
        (
            3,
            "Yohanes Antonius, S.Pd",
            "L",
            D(1975, 3, 12),
            ("141/01/PEM/2019", D(2019, 3, 12)),
            ("", None),  # ", -": never stopped
            (D(2019, 1, 1), D(2027, 12, 31)),
        ),
        (4, "Maria Goreti", "P", D(1989, 7, 5), ("141/02/PEM/2020", D(2020, 1, 6)), ("", None), None),
        (
            5,
            "Agustinus Ding",
            "L",
            D(1984, 11, 2),
            ("141/04/PEM/2021", None),  # "141/04/PEM/2021, -"
            ("", None),
            (D(2021, 8, 2), D(2027, 8, 2)),
        ),
        (6, "Hj. Nurhayati", "P", D(1982, 3, 15), ("", D(2022, 1, 5)), ("", None), None),  # ", 05-01-2022"
        (7, "Yakobus Ngadan", "L", D(1979, 6, 30), ("", None), ("", None), (D(2021, 1, 1), D(2027, 12, 31))),
        (
            8,
            "Paulus Ajon",
            "L",
            D(1970, 2, 1),
            ("141/03/PEM/2021", D(2021, 8, 2)),
            ("", None),
            (D(2021, 8, 2), D(2027, 8, 2)),
        ),
        (9, "Rina Marlina", "P", D(1996, 4, 21), ("141/07/PEM/2023", D(2023, 2, 1)), ("", None), None),
        (
            10,
            "Stefanus Ajeng",
            "L",
            D(1965, 8, 15),
            ("141/05/PEM/2013", D(2013, 4, 1)),
            ("141/09/PEM/2019", D(2019, 3, 31)),  # stopped
            (D(2013, 1, 1), D(2019, 12, 31)),
        ),
    ]


def test_the_offices_as_villages_type_them():
    offices = []
    for _, row in fields_of(read(A4)):
        try:
            offices.append(v.parse_office(row["jabatan"]))
        except v.CellError as exc:
            offices.append(str(exc))
    assert offices[:6] == [
        OfficeValue("kepala_desa", "", ""),
        OfficeValue("sekretaris_desa", "", ""),
        OfficeValue("kaur_keuangan", "", ""),
        OfficeValue("kaur_tu_umum", "", ""),  # "KAUR TATA USAHA DAN UMUM"
        OfficeValue("kepala_dusun", "", "II"),  # "Kadus II"
        OfficeValue("kepala_dusun", "", "Sungai Ringin"),
    ]
    assert offices[6].startswith("'Staf Desa' bukan jabatan perangkat desa atau BPD")
    assert offices[7] == OfficeValue("kasi_pemerintahan", "", "")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("141/01/PEM/2019, 12-03-2019", ("141/01/PEM/2019", D(2019, 3, 12))),
        ("141/01/PEM/2019, -", ("141/01/PEM/2019", None)),  # tgl_indo_out of an empty date
        (", 12-03-2019", ("", D(2019, 3, 12))),
        (", -", ("", None)),
        ("-", ("", None)),
        (", ", ("", None)),  # older OpenSID printed nothing for an empty date
    ],
)
def test_opensid_sk_cells(cell, expected):
    assert v.parse_sk_number_and_date(cell) == expected


def test_a_birth_place_without_its_date_is_no_birth_date():
    assert v.parse_optional_place_and_date("Sanggau, -") is None
    with pytest.raises(v.CellError, match="Tanggal lahir tidak ada"):
        v.parse_place_and_date("Sanggau, -")


def test_the_title_rows_name_the_desa():
    assert title_places((FIXTURES / A4).read_bytes()) == {
        "desa": "Penyeladi",
        "kecamatan": "Kapuas",
        "kabupaten": "Sanggau",
    }
    assert title_places((FIXTURES / "roster_utf8.csv").read_bytes()) == {}
    assert same_place("Penyeladi", "Penyeladi") and same_place("DESA PENYELADI", "Penyeladi")
    assert not same_place("Sungai Ringin", "Penyeladi")


def resaved_by_excel(data: bytes) -> bytes:
    """The A.4 opened in Excel and saved as a workbook: the page's heading, then every table's rows in
    document order in one sheet (title rows, header, numbering row, officials, signature block), a cell
    spanning columns written in its first column."""
    from openpyxl import Workbook

    from lindungdesa.lib.readlimits import ReadLimits
    from lindungdesa.lib.tabular import html_tables

    book = Workbook()
    sheet = book.active
    sheet.append(["BUKU PEMERINTAH DESA"])
    for rows in html_tables(data.decode("utf-8"), ReadLimits.from_settings()):
        for cells in rows:
            kept, previous = [], None
            for cell in cells:  # a spanned cell repeats its text over the span: keep the first
                kept.append(None if cell == previous and cell else (cell or None))
                previous = cell
            sheet.append(kept)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_a4_resaved_by_excel_reads_without_its_signature_block():
    table = read("wilayah.xlsx", resaved_by_excel((FIXTURES / A4).read_bytes()))
    assert (table.kind, is_buku_aparat(table)) == ("xlsx", True)
    dropped = without_signature_block(table)
    # Heading, Model A.4, four title rows, a blank row: the header is row 8, the numbering row 9.
    assert [number for number, _ in dropped.rows] == list(range(10, 18))
    assert [cells[1] for _, cells in dropped.rows] == [cells[1] for _, cells in read(A4).rows]
    signature = table.rows[len(dropped.rows) :]
    assert signature and any("MENGETAHUI" in cells for _, cells in signature)
    served = read(A4)
    assert without_signature_block(served) is served  # as served, the block is a table of its own


def a4_prepared(data: bytes) -> Prepared:
    table = read(A4, data)
    return Prepared(table=table, mapping=match_headers(table.headers, ROSTER_FIELDS).mapping)


def test_staff_are_refused_row_by_row_with_the_offices(penyeladi):
    data = (FIXTURES / A4).read_bytes()
    prepared = a4_prepared(data)
    handler = RosterRows(scope_code="61.03", default_desa=penyeladi)
    assert handler.begin(data, prepared) == []  # the title names Penyeladi
    office_problems = {}
    for number, cells in prepared.table.rows:
        [reading] = handler.read_rows([cells], prepared)
        # Whether a row without NIK is kept is the roster policy's to say; the cells are this reader's.
        office_problems[number] = [m for f, m in reading.problems if f != "nik"]
    assert {n: p for n, p in office_problems.items() if p} == {
        9: [
            "'Staf Desa' bukan jabatan perangkat desa atau BPD (staf, operator, tenaga honorer, RT/RW dan "
            "linmas tidak didaftarkan). Gunakan salah satu: Kepala Desa, Sekretaris Desa, Kaur TU dan Umum, "
            "Kaur Keuangan, Kaur Perencanaan, Kasi Pemerintahan, Kasi Kesejahteraan, Kasi Pelayanan, "
            "Kepala Dusun <nama dusun>, Ketua BPD, Wakil Ketua BPD, Sekretaris BPD, Anggota BPD; awali "
            "dengan Pj atau Plt untuk penjabat atau pelaksana tugas."
        ]
    }


def test_another_desa_in_the_title_is_a_warning(penyeladi):
    data = (FIXTURES / A4).read_bytes().replace(b" : Penyeladi</td>", b" : Sungai Ringin</td>")
    handler = RosterRows(scope_code="", default_desa=penyeladi)
    [warning] = handler.begin(data, a4_prepared(data))
    assert (warning.row, warning.field) == (1, "nama_desa")
    assert warning.message == (
        "Judul berkas menyebut desa Sungai Ringin, tetapi data ini diimpor untuk desa Penyeladi "
        "(61.03.01.2007). Pastikan berkasnya benar; bila salah, batalkan impor ini."
    )


def test_without_a_desa_the_a4_asks_for_one(db):
    with pytest.raises(ImportFailed, match="pilih desanya pada kolom Desa di halaman impor") as caught:
        roster_import_file(data=(FIXTURES / A4).read_bytes(), file_name="wilayah_2026-11-25.xls")
    assert "kode_desa" in caught.value.missing


# ---------------------------------------------------------------------------------------------------------
# Golden imports: the whole file, into desa Penyeladi


def positions() -> list[tuple]:
    return [
        (p.person.nik, p.person.name, p.person.birth_date, p.office, p.unit_name, p.term_start, p.term_end)
        + (p.sk_number, p.sk_date)
        for p in Position.objects.order_by("id").select_related("person")
    ]


def test_the_a4_imports_with_every_official_serving(penyeladi):
    data = (FIXTURES / A4).read_bytes()
    summary = roster_import_file(data=data, file_name="wilayah_2026-11-25.xls", default_desa=penyeladi)
    assert (summary.total_rows, summary.accepted, summary.rejected, summary.created) == (8, 7, 1, 7)
    assert [(e.row, e.field) for e in summary.errors] == [(9, "jabatan")]  # Staf Desa
    assert all(w.field != "nama_desa" for w in summary.warnings)
    held = positions()
    assert [row[1:] for row in held] == [
        ("Yohanes Antonius, S.Pd", D(1975, 3, 12), "kepala_desa", "", D(2019, 3, 12), D(2027, 3, 11))
        + ("141/01/PEM/2019", D(2019, 3, 12)),
        ("Maria Goreti", D(1989, 7, 5), "sekretaris_desa", "", D(2020, 1, 6), None, "141/02/PEM/2020")
        + (D(2020, 1, 6),),
        ("Agustinus Ding", D(1984, 11, 2), "kaur_keuangan", "", D(2021, 8, 2), D(2027, 8, 2))
        + ("141/04/PEM/2021", None),
        ("Hj. Nurhayati", D(1982, 3, 15), "kaur_tu_umum", "", D(2022, 1, 5), None, "", D(2022, 1, 5)),
        ("Yakobus Ngadan", D(1979, 6, 30), "kepala_dusun", "II", D(2021, 1, 1), D(2027, 12, 31), "", None),
        ("Paulus Ajon", D(1970, 2, 1), "kepala_dusun", "Sungai Ringin", D(2021, 8, 2), D(2027, 8, 2))
        + ("141/03/PEM/2021", D(2021, 8, 2)),
        ("Stefanus Ajeng", D(1965, 8, 15), "kasi_pemerintahan", "", D(2013, 4, 1), D(2019, 3, 31))
        + ("141/05/PEM/2013", D(2013, 4, 1)),
    ]
    # Every official of the book is serving on the day it was printed, but the one whose SK
    # pemberhentian is filled.
    serving = Position.objects.filter(serving_on(PRINTED), desa=penyeladi)
    assert sorted(serving.values_list("person__name", flat=True)) == sorted(
        name for _, name, *_rest in held if name != "Stefanus Ajeng"
    )
    again = roster_import_file(data=data, file_name="wilayah_2026-11-25.xls", default_desa=penyeladi)
    assert (again.accepted, again.created, again.updated, again.unchanged) == (7, 0, 0, 7)


def test_the_older_officials_download_imports(penyeladi):
    summary = roster_import_file(
        data=(FIXTURES / "opensid_pamong.xls").read_bytes(), file_name="pamong.xls", default_desa=penyeladi
    )
    assert (summary.accepted, summary.rejected, summary.created, summary.warnings) == (4, 0, 4, [])
    assert positions() == [
        ("6103011203750003", "Yohanes Antonius, S.Pd", D(1975, 3, 12), "kepala_desa", "", D(2019, 3, 12))
        + (D(2027, 3, 11), "141/01/PEM/2019", D(2019, 3, 12)),
        ("6103014507890001", "Maria Goreti", D(1989, 7, 5), "sekretaris_desa", "", D(2020, 1, 6), None)
        + ("141/02/PEM/2020", D(2020, 1, 6)),
        ("6103010102700004", "Paulus Ajon", D(1970, 2, 1), "kepala_dusun", "Sungai Ayak", D(2021, 8, 2))
        + (D(2027, 8, 2), "141/03/PEM/2021", D(2021, 8, 2)),
        # "Tidak Aktif", "6 Tahun Periode Pertama (2013 s/d 2019)": ended with its period
        ("6103011508650008", "Petrus Lim", D(1965, 8, 15), "kaur_keuangan", "", D(2013, 4, 1))
        + (D(2019, 12, 31), "141/05/PEM/2013", D(2013, 4, 1)),
    ]


def test_the_lembaga_members_list_imports_as_the_bpd(penyeladi):
    summary = roster_import_file(
        data=(FIXTURES / "opensid_bpd.xls").read_bytes(), file_name="anggota.xls", default_desa=penyeladi
    )
    assert (summary.accepted, summary.rejected, summary.created, summary.warnings) == (4, 0, 4, [])
    sk = ("188.4/12/2021", D(2021, 5, 10))
    assert positions() == [
        ("6103015708800005", "Siti Aminah", D(1980, 8, 17), "bpd_ketua", "", D(2021, 5, 10), None, *sk),
        (
            "6103014112850009",
            "Yuliana Sari",
            D(1985, 12, 1),
            "bpd_wakil_ketua",
            "",
            D(2021, 5, 10),
            None,
            *sk,
        ),
        (
            "6103012506920010",
            "Stefanus Ujang",
            D(1992, 6, 25),
            "bpd_sekretaris",
            "",
            D(2021, 5, 10),
            None,
            *sk,
        ),
        ("6103010909900006", "Andreas Kening", D(1990, 9, 9), "bpd_anggota", "", D(2021, 5, 10), None, *sk),
    ]
    batch = ImportBatch.objects.get(pk=summary.batch)
    assert (batch.accepted, batch.rejected) == (4, 0)


def test_the_lembaga_members_list_of_opensid_v2410_imports_as_the_bpd(penyeladi):
    """Written from OpenSID v2410's format_cetak.blade.php and kelompok/anggota/cetak.blade.php: no Alamat
    column, " / -" for an SK pemberhentian not given, and one member who stopped."""
    name = "opensid_laporan_data_lembaga_badan_permusyawaratan_desa_25_11_2026.xls"
    table = read(name)
    assert is_members_list(table) and not is_buku_aparat(table)
    summary = roster_import_file(data=(FIXTURES / name).read_bytes(), file_name=name, default_desa=penyeladi)
    assert (summary.total_rows, summary.accepted, summary.rejected, summary.warnings) == (5, 5, 0, [])
    assert [(nik, office, start, end) for nik, _n, _b, office, _u, start, end, *_sk in positions()] == [
        ("6103015708800005", "bpd_ketua", D(2021, 5, 10), None),
        ("6103014112850009", "bpd_wakil_ketua", D(2021, 5, 10), None),
        ("6103012506920010", "bpd_sekretaris", D(2021, 5, 10), None),
        ("6103010909900006", "bpd_anggota", D(2021, 5, 10), None),
        ("6103011401880011", "bpd_anggota", D(2021, 5, 10), D(2024, 3, 1)),  # "188.4/03/2024 / 01-03-2024"
    ]
    serving = Position.objects.filter(serving_on(PRINTED), desa=penyeladi)
    assert serving.count() == 4
