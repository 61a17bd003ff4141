import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.enrolment.reconcile import Finding, match_proposals_refresh
from lindungdesa.imports.exports import (
    REASON_COLUMN,
    findings_xlsx,
    kpj_mask,
    proposals_xlsx,
    rejected_rows_xlsx,
)
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import roster_import_file
from lindungdesa.officials.models import Office
from tests.factories import enrol, make_nik, make_position
from tests.imports.conftest import to_csv

pytestmark = pytest.mark.django_db


def read(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def values(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def shown(sheet) -> list[list]:
    """What Excel shows: a date cell in the file's DD/MM/YYYY format."""
    return [
        [
            c.value.strftime("%d/%m/%Y") if c.is_date and c.number_format == "DD/MM/YYYY" else c.value
            for c in row
        ]
        for row in sheet.iter_rows()
    ]


def masked(nik: str) -> str:
    return "************" + nik[-4:]


@pytest.fixture
def batch_with_rejects(people) -> tuple[ImportBatch, list[str], list[dict]]:
    # Columns in an order of the operator's own, with a column the import does not know.
    header = ["nama", "Catatan", "nik", "jabatan", "kode_desa", "mulai_menjabat", "no_hp"]
    good = people.row("Yohanes Ale", "Kepala Desa", serial=1)
    two_problems = people.row("Dua Masalah", "Camat", serial=2, mulai_menjabat="31/02/2022")
    damaged = people.row("NIK Rusak", "Kasi Pelayanan", serial=3, nik="6.10301E+15")
    rows = [
        {h: r.get(h, "catatan") for h in header} | {"Catatan": f"catatan {i}"}
        for i, r in enumerate([good, two_problems, damaged])
    ]
    summary = roster_import_file(data=to_csv(header, rows), file_name="urutan-sendiri.csv")
    return ImportBatch.objects.get(pk=summary.batch), header, rows


def test_rejected_rows_keep_the_files_columns_in_their_order(batch_with_rejects):
    batch, header, rows = batch_with_rejects
    sheet = read(rejected_rows_xlsx(batch))
    table = shown(sheet)
    assert table[0] == [*header, REASON_COLUMN]
    assert [r[:-1] for r in table[1:]] == [[rows[1][h] for h in header], [rows[2][h] for h in header]]


def test_every_reason_of_a_row_is_joined_in_one_cell(batch_with_rejects):
    batch, _header, _rows = batch_with_rejects
    reasons = [r[-1] for r in values(read(rejected_rows_xlsx(batch)))[1:]]
    assert batch.rejected_rows.filter(row_number=3).count() == 2
    assert "jabatan: " in reasons[0] and "mulai_menjabat: " in reasons[0] and "; " in reasons[0]
    assert reasons[1].startswith("nik: ")


def test_every_cell_is_text_so_niks_and_phone_numbers_survive_excel(batch_with_rejects):
    batch, header, rows = batch_with_rejects
    sheet = read(rejected_rows_xlsx(batch))
    nik = sheet.cell(row=2, column=header.index("nik") + 1)
    phone = sheet.cell(row=2, column=header.index("no_hp") + 1)
    assert (nik.value, nik.data_type, nik.number_format) == (rows[1]["nik"], "s", "@")
    assert (phone.value, phone.number_format) == ("081234567890", "@")


def test_niks_can_be_masked(batch_with_rejects):
    batch, header, rows = batch_with_rejects
    sheet = read(rejected_rows_xlsx(batch, mask_personal=True))
    assert sheet.cell(row=2, column=header.index("nik") + 1).value == masked(rows[1]["nik"])
    assert sheet.cell(row=2, column=header.index("nama") + 1).value == "Dua Masalah"


def test_the_rejected_rows_can_be_uploaded_again_once_fixed(batch_with_rejects):
    batch, header, _rows = batch_with_rejects
    sheet = read(rejected_rows_xlsx(batch))
    sheet.cell(row=2, column=header.index("jabatan") + 1).value = "Kaur Keuangan"
    sheet.cell(row=2, column=header.index("mulai_menjabat") + 1).value = "28/02/2022"
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    summary = roster_import_file(data=buffer.getvalue(), file_name="perbaikan.xlsx")
    assert (summary.accepted, summary.rejected, summary.created) == (1, 0, 1)


def test_dates_are_date_cells_shown_the_templates_way(batch_with_rejects):
    batch, header, rows = batch_with_rejects
    sheet = read(rejected_rows_xlsx(batch))
    start = sheet.cell(row=3, column=header.index("mulai_menjabat") + 1)
    assert (start.data_type, start.number_format, start.value) == ("d", "DD/MM/YYYY", datetime(2022, 1, 3))
    assert rows[2]["mulai_menjabat"] == "03/01/2022"  # day first, as the template asks
    # A date that is no date (the reason its row was rejected) stays as the file had it.
    wrong = sheet.cell(row=2, column=header.index("mulai_menjabat") + 1)
    assert (wrong.data_type, wrong.value) == ("s", "31/02/2022")


def test_date_cells_of_an_uploaded_xlsx_come_back_as_date_cells_not_iso_text(people):
    header = ["kode_desa", "nik", "nama", "jabatan", "tanggal_lahir", "mulai_menjabat", "tanggal_sk"]
    row = people.row("Jabatan Salah", "Camat", serial=4)
    wb = Workbook()
    wb.active.append(header)
    wb.active.append(
        [row["kode_desa"], row["nik"], row["nama"], "Camat", date(1980, 5, 17), date(2022, 1, 3), ""]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    summary = roster_import_file(data=buffer.getvalue(), file_name="dengan-tanggal.xlsx")
    batch = ImportBatch.objects.get(pk=summary.batch)
    assert batch.rejected_rows.get().data["tanggal_lahir"].startswith("1980-05-17")  # kept as ISO text
    sheet = read(rejected_rows_xlsx(batch))
    born, start = sheet.cell(row=2, column=5), sheet.cell(row=2, column=6)
    assert (born.value, born.number_format) == (datetime(1980, 5, 17), "DD/MM/YYYY")
    assert (start.value, start.number_format) == (datetime(2022, 1, 3), "DD/MM/YYYY")
    assert sheet.cell(row=2, column=7).value in ("", None)


def test_a_batch_whose_file_is_gone_still_masks_its_identifiers_and_writes_dates(batch_with_rejects):
    batch, _header, rows = batch_with_rejects
    batch.file.delete(save=True)
    sheet = read(rejected_rows_xlsx(batch, mask_personal=True))
    table = {cell.value: cell.column for cell in sheet[1]}
    assert sheet.cell(row=2, column=table["nik"]).value == masked(rows[1]["nik"])
    assert sheet.cell(row=3, column=table["mulai_menjabat"]).is_date


def test_a_batch_whose_file_is_gone_still_exports_its_rejects(batch_with_rejects):
    batch, header, rows = batch_with_rejects
    batch.file.delete(save=True)
    table = values(read(rejected_rows_xlsx(batch)))
    assert set(table[0]) == {*header, REASON_COLUMN}
    assert table[0][-1] == REASON_COLUMN
    assert len(table) == 3


def test_kpj_numbers_show_only_their_last_digits():
    assert kpj_mask("12345678901") == "*******8901"
    assert kpj_mask("") == ""


@pytest.fixture
def finding(desa) -> Finding:
    position = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Yohanes Ale")
    enrolment = enrol(position.person, date(2020, 2, 1), date(2026, 1, 1))
    return Finding(
        position.person, desa.code, desa.name, "Kepala Desa", enrolment, "iuran lunas sampai Januari 2026"
    )


def test_a_list_has_full_identifiers_for_those_who_may_see_them(finding, desa):
    table = values(read(findings_xlsx("Menunggak", [finding], personal=True)))
    assert table[0] == ["kode_desa", "nama_desa", "nik", "nama", "jabatan", "kpj", "keterangan"]
    assert table[1] == [
        desa.code, desa.name, finding.person.nik, "Yohanes Ale", "Kepala Desa", "12345678901",
        "iuran lunas sampai Januari 2026",
    ]  # fmt: skip


def test_a_list_is_masked_for_the_others(finding):
    sheet = read(findings_xlsx("Menunggak", [finding], personal=False))
    assert sheet.title == "Menunggak"
    assert values(sheet)[1][2] == masked(finding.person.nik)
    assert values(sheet)[1][5] == "*******8901"


def test_proposals_list_both_sides(desa):
    born = date(1980, 5, 17)
    person = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Yohanes Ale").person
    Enrolment.objects.create(
        nik=make_nik(desa.district_code, born, serial=77),
        bpjs_name="YOHANES ALE",
        bpjs_birth_date=born,
        kpj="11122233344",
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2024, 1, 1),
    )
    match_proposals_refresh()
    proposals = MatchProposal.objects.select_related("enrolment", "person")
    full = shown(read(proposals_xlsx(proposals, personal=True)))
    assert full[1][:7] == [
        make_nik(desa.district_code, born, serial=77), "YOHANES ALE", "17/05/1980", "11122233344",
        person.nik, "Yohanes Ale", "17/05/1980",
    ]  # fmt: skip
    hidden = values(read(proposals_xlsx(proposals, personal=False)))
    assert hidden[1][0] == masked(full[1][0]) and hidden[1][3] == "*******3344"
    assert hidden[1][4] == masked(person.nik)
