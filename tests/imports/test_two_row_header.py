"""A roster typed in Excel by a village office: title rows, a header of two rows with merged cells ("Masa
Jabatan" over "Mulai | Akhir", "SK" over "Nomor | Tanggal"), blank lines, and a signature without a signing
word ("Penyeladi, 5 Desember 2026", "Kepala Desa", the name). Found by driving the import page: the lower
header row was refused as a row, the term's end and the SK were lost, the signature refused as three rows."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from lindungdesa.imports.services import roster_import_file
from lindungdesa.officials.models import Position

pytestmark = pytest.mark.django_db


def typed_roster(desa_name: str, title: str = "Kepala Desa") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "DAFTAR APARAT DESA DAN BPD"
    sheet.merge_cells("A1:J1")
    sheet["A2"] = f"DESA {desa_name.upper()}"
    sheet.merge_cells("A2:J2")
    upper = ["No", "Nama Lengkap", "NIK", "Tgl Lahir", "Jabatan", "Masa Jabatan", None, "SK", None, "Siltap"]
    lower = [None, None, None, None, None, "Mulai", "Akhir", "Nomor", "Tanggal", None]
    for column, (top, sub) in enumerate(zip(upper, lower, strict=True), 1):
        sheet.cell(4, column, top)
        sheet.cell(5, column, sub)
    for column in "ABCDEJ":
        sheet.merge_cells(f"{column}4:{column}5")
    sheet.merge_cells("F4:G4")
    sheet.merge_cells("H4:I4")
    rows = [
        [1, "Among Pradana", "6103012503840001", date(1984, 3, 25), "Kepala Desa", date(2020, 2, 22),
         date(2028, 2, 21), "188.45/366/HK/2020", date(2020, 2, 8), "2.965.000"],
        None,
        [2, "Markus Lendo", "6103011708880002", date(1988, 8, 17), "Kaur Perencanaan", date(2024, 12, 1),
         None, "141/44/PEM/2024", date(2024, 11, 28), 2480000],
    ]  # fmt: skip
    for number, row in enumerate(rows, 6):
        for column, value in enumerate(row or [], 1):
            sheet.cell(number, column, value)
    sheet.cell(11, 1, f"{desa_name}, 5 Desember 2026")
    sheet.cell(12, 1, title.format(desa=desa_name))
    sheet.cell(15, 1, "AMONG PRADANA")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The signer's title as typed: the office alone, or followed by the desa's name (found by audit4: "Kepala
# Desa Penyeladi" was not taken for an office, and the block was refused as three rows).
@pytest.mark.parametrize(
    "title", ["Kepala Desa", "Kepala Desa {desa}", "KEPALA DESA {desa}", "Sekretaris Desa {desa}"]
)
def test_a_two_row_header_and_an_unworded_signature_are_read_as_the_typist_meant(desa, title):
    summary = roster_import_file(
        data=typed_roster(desa.name, title), file_name="aparat.xlsx", default_desa=desa
    )
    assert (summary.accepted, summary.rejected) == (2, 0), summary.errors
    kades = Position.objects.get(desa=desa, person__nik="6103012503840001")
    assert (kades.term_start, kades.term_end) == (date(2020, 2, 22), date(2028, 2, 21))
    assert (kades.sk_number, kades.sk_date) == ("188.45/366/HK/2020", date(2020, 2, 8))
    kaur = Position.objects.get(desa=desa, person__nik="6103011708880002")
    assert (kaur.sk_number, kaur.sk_date, kaur.term_end) == ("141/44/PEM/2024", date(2024, 11, 28), None)


def test_a_rejected_rows_cells_under_one_header_twice_are_all_kept():
    # Two columns both headed "SK" (a merged header read alone): the rejected rows' download showed the
    # second column's value under "SK" and lost the first.
    from lindungdesa.imports.engine import Prepared
    from lindungdesa.lib.tabular import read_table

    table = read_table(
        b"Nama,SK,SK,\nAmong,188/366/2020,08-02-2020,x\n", "r.csv", header_hint=lambda cells: 1
    )
    raw = Prepared(table=table, mapping={}).raw(table.rows[0][1])
    assert raw == {"Nama": "Among", "SK": "188/366/2020", "SK (kolom 3)": "08-02-2020", "Kolom 4": "x"}
