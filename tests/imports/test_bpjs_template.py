"""The BPJS extract template (`lindungdesa template bpjs`, the import page's download) and the format page:
what they say is what the importer reads; the template as a branch officer fills it is a golden file."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.formats import BPJS_FORMAT, BPJS_REFUSED, BPJS_WARNED, ROSTER_FORMAT
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.imports.template import ROSTER_COLUMNS, bpjs_template
from lindungdesa.lib.headers import BPJS_FIELDS, ROSTER_FIELDS, match_headers
from lindungdesa.lib.months import Month
from tests.web.conftest import PENYELADI, make_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
OCT = Month(2026, 10)


def test_the_command_writes_the_bpjs_template(tmp_path):
    out = tmp_path / "ekstrak.xlsx"
    call_command("template", "bpjs", "--out", str(out), stdout=io.StringIO())
    book = load_workbook(out)
    assert book.sheetnames == ["Data", "Petunjuk"]
    headers = [cell.value for cell in book["Data"][1]]
    assert headers == [c.name for c in BPJS_FORMAT]
    match = match_headers(headers, BPJS_FIELDS)
    assert (match.missing, match.unknown, match.duplicates) == ([], [], [])
    assert sorted(match.mapping.values()) == sorted(f.name for f in BPJS_FIELDS)  # every field, once
    # Identifiers are text cells (Excel keeps all 16 digits), dates are date cells: in the example row and in
    # the empty rows below it, where a branch officer types or pastes.
    data = book["Data"]
    for row in (2, 3, 5000):
        assert [excel_format(data, row, headers.index(n) + 1) for n in ("nik", "kpj")] == ["@", "@"], row
        assert excel_format(data, row, headers.index("tanggal_kepesertaan") + 1) == "DD/MM/YYYY", row


def excel_format(sheet, row: int, column: int) -> str:
    """The number format Excel gives a cell of a sheet as openpyxl read it: the cell's own when the file
    holds the cell, else its row's when the row has a style, else its column's (ECMA-376: a `<col>`'s style
    is that of the column's cells the file does not hold; the template formats its columns so)."""
    if (row, column) in sheet._cells:  # looking does not make the cell, as sheet.cell() would
        return sheet._cells[row, column].number_format
    if row in sheet.row_dimensions and sheet.row_dimensions[row].customFormat:
        return sheet.row_dimensions[row].number_format
    for dimension in sheet.column_dimensions.values():
        if dimension.min and dimension.min <= column <= (dimension.max or dimension.min):
            return dimension.number_format
    return "General"


def test_the_instructions_sheet_describes_every_column_and_row_rule():
    sheet = load_workbook(io.BytesIO(bpjs_template()))["Petunjuk"]
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    for field in BPJS_FIELDS:
        assert field.name in texts, field.name
        described = next(
            t for t in texts if "Judul lain yang dikenali" in t and f" {field.synonyms[0]}," in t
        )
        assert all(synonym in described for synonym in field.synonyms)
    for line in (*BPJS_REFUSED, *BPJS_WARNED):
        assert str(line) in texts


def test_the_formats_describe_every_field_the_importers_read():
    assert [c.name for c in BPJS_FORMAT] == [f.name for f in BPJS_FIELDS]
    # The roster format describes the template's columns; OpenSID's combined columns are told in them.
    assert [c.name for c in ROSTER_FORMAT] == [name for name, _help, _width in ROSTER_COLUMNS]
    combined = {"tempat_tanggal_lahir", "nomor_tanggal_sk", "nomor_tanggal_henti", "masa_jabatan"}
    assert {f.name for f in ROSTER_FIELDS} - {c.name for c in ROSTER_FORMAT} == combined | {"status_aktif"}


def test_the_template_as_downloaded_imports_its_example_row():
    summary = bpjs_import_file(data=bpjs_template(), file_name="templat-ekstrak-bpjs.xlsx", as_of=OCT)
    assert (summary.total_rows, summary.accepted, summary.rejected, summary.warnings) == (1, 1, 0, [])


def test_the_template_filled_by_a_branch_officer():
    """Golden: bpjs_template_filled.xlsx (make_fixtures.py) over the roster of roster_utf8.csv."""
    roster = roster_import_file(data=(FIXTURES / "roster_utf8.csv").read_bytes(), file_name="roster.csv")
    assert roster.accepted == 4
    summary = bpjs_import_file(
        data=(FIXTURES / "bpjs_template_filled.xlsx").read_bytes(), file_name="ekstrak.xlsx", as_of=OCT
    )
    assert (summary.total_rows, summary.accepted, summary.rejected, summary.created) == (6, 4, 2, 4)
    assert [e.as_dict() for e in summary.errors] == [
        {
            "row": 6,
            "field": "bulan_iuran_terakhir",
            "message": "Iuran lunas sampai November 2026 melewati bulan ekstrak Oktober 2026.",
        },
        {
            "row": 7,
            "field": "program",
            "message": "Program JKP (jaminan kehilangan pekerjaan) tidak berlaku bagi aparat desa dan BPD.",
        },
    ]
    assert [w.as_dict() for w in summary.warnings] == [
        {
            "row": 4,
            "field": "kpj",
            "message": "Nomor KPJ 2101234567 terdiri dari 10 digit, biasanya 11 digit. Periksa kembali.",
        }
    ]
    enrolments = [
        (
            e.kpj,
            e.person.name if e.person else None,
            e.bpjs_birth_date,
            e.programmes,
            e.category,
            e.wage,
            e.start_date,
            e.paid_through,
            e.reported_status,
        )
        for e in Enrolment.objects.order_by("id").select_related("person")
    ]
    assert enrolments == [
        ("19012345678", "Yohanes Antonius, S.Pd", date(1975, 3, 12), "JKK,JKM", "PU", Decimal(2426640))
        + (date(2020, 1, 1), date(2026, 10, 1), "AKTIF"),
        ("19012345679", "Maria Goreti", date(1989, 7, 5), "JKK,JKM,JHT", "PU", Decimal(2224420))
        + (date(2020, 2, 1), date(2026, 9, 1), "AKTIF"),
        ("2101234567", "Paulus Ajon", date(1970, 2, 1), "JKK,JKM", "BPU", Decimal(2022200))
        + (date(2021, 9, 1), date(2026, 6, 1), "NONAKTIF"),
        # Not on the roster: kept unmatched, in Penyeladi by its kode_desa.
        ("19012345680", None, date(1992, 6, 25), "JKK,JKM", "PU", Decimal(1000000))
        + (date(2021, 6, 1), date(2026, 10, 1), "AKTIF"),
    ]


@pytest.mark.parametrize(
    ("role", "region", "roster_link", "bpjs_link"),
    [
        (User.Role.BPJS_OFFICER, "61.03", False, True),
        (User.Role.VILLAGE_OPERATOR, PENYELADI, True, False),
        (User.Role.REGENCY_OPERATOR, "61.03", True, True),
    ],
)
def test_the_import_page_links_the_templates_and_the_format_page(
    client, role, region, roster_link, bpjs_link
):
    """Each uploader is offered the template of what they may import, and the format page."""
    client.force_login(make_user("pengguna", role, region, "Pengguna"))
    html = client.get("/impor/").content.decode()
    assert 'href="/impor/format/"' in html
    assert ('href="/impor/templat-roster.xlsx"' in html) is roster_link
    assert ('href="/impor/templat-bpjs.xlsx"' in html) is bpjs_link
    response = client.get("/impor/templat-bpjs.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="templat-ekstrak-bpjs.xlsx"'
    page = client.get("/impor/format/")
    assert page.status_code == 200
    text = page.content.decode()
    for column in (*ROSTER_FORMAT, *BPJS_FORMAT):
        assert f"<code>{column.name}</code>" in text
    assert "Nomor KPJ yang panjangnya bukan 11 digit" in text and "Staf Desa" in text
    # The month is named as the page names its field, not only by the command line's option (audit helper).
    assert "dipilih pada halaman impor (Bulan ekstrak BPJS;" in text


def test_the_format_page_needs_a_login(client):
    response = client.get("/impor/format/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_the_docs_say_what_the_page_says():
    """docs/imports.md's format sections carry every column and every row rule of imports/formats.py."""
    from lindungdesa.imports.formats import ROSTER_REFUSED, ROSTER_WARNED

    text = (Path(__file__).resolve().parents[2] / "docs" / "imports.md").read_text()

    def section(title: str) -> str:
        return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]

    for title, columns, lines in (
        ("Roster format", ROSTER_FORMAT, (*ROSTER_REFUSED, *ROSTER_WARNED)),
        ("BPJS extract format", BPJS_FORMAT, (*BPJS_REFUSED, *BPJS_WARNED)),
    ):
        body = " ".join(section(title).split())
        for column in columns:
            assert f"| `{column.name}` |" in body and " ".join(str(column.values).split()) in body
        for line in lines:
            assert f"- {line}" in body, line


def test_the_roster_template_says_which_rows_are_refused_and_which_warned():
    from lindungdesa.imports.formats import ROSTER_REFUSED, ROSTER_WARNED
    from lindungdesa.imports.template import roster_template

    book = load_workbook(io.BytesIO(roster_template()))
    sheet = book["Petunjuk"]
    texts = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert {str(line) for line in (*ROSTER_REFUSED, *ROSTER_WARNED)} <= texts
    assert sheet["B24"].value == "Kepala Desa"  # the office list stays where the Data sheet's list points
    # The code columns are text in Excel (all 16 digits of a NIK kept) where a clerk types.
    names = [name for name, _help, _width in ROSTER_COLUMNS]
    for name in ("kode_desa", "nik", "nomor_sk", "no_hp"):
        assert [excel_format(book["Data"], row, names.index(name) + 1) for row in (2, 2000)] == ["@", "@"]
