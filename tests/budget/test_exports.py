"""The budget sheets read back: the PDF's text with pypdf, the XLSX with openpyxl."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lindungdesa.budget import exports
from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
from lindungdesa.budget.selectors import region_budget, stored_budget
from lindungdesa.budget.services import budget_store
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.budget.conftest import (
    ALL_SERVING_TOTAL,
    CURRENT_BY_SOURCE,
    CURRENT_TOTAL,
    KAPUAS,
    NEXT,
    PENYELADI,
    person,
    serve,
)
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 5)


def budget(code: str = PENYELADI, scenario: str = CURRENT, lines: bool = True):
    return region_budget(Region.objects.get(code=code), NEXT, Scenario.parse(scenario), lines=lines)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    # Lines wrap inside table cells: join them so that phrases can be found whole.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_desa_sheet_is_a_letter_with_the_total_in_figures_and_words(budget_roster):
    content = exports.budget_pdf(budget(), today=TODAY)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "PEMERINTAH KABUPATEN SANGGAU" in text and "DESA PENYELADI" in text
    assert f"TAHUN ANGGARAN {NEXT}" in text
    assert "Rp2.024.496" in text
    assert "Dua juta dua puluh empat ribu empat ratus sembilan puluh enam rupiah" in text
    assert "Rp1.490.640" in text  # the APBD
    assert "Satu juta empat ratus sembilan puluh ribu enam ratus empat puluh rupiah" in text
    assert "Penyeladi, 5 Mei 2026" in text
    assert "( Budi Santoso )" in text  # the kepala desa signs
    assert "PP 44/2015" in text and "Permendagri 15/2023" in text
    assert "Budi Santoso" in text and "Siti Aminah" in text and "Maria Ulin" in text


def test_the_pdf_pages_are_a4(budget_roster):
    page = PdfReader(BytesIO(exports.budget_pdf(budget(), today=TODAY))).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_the_everyone_serving_sheet_shows_the_notes(budget_roster):
    text = pdf_text(exports.budget_pdf(budget(scenario=ALL_SERVING), today=TODAY))
    assert "Rp2.414.736" in text
    assert "di bawah siltap minimum Rp2.022.200" in text
    assert "penggantinya belum dianggarkan" in text


def test_the_desa_xlsx_has_a_line_per_person_programme_and_share(budget_roster):
    wb = load_workbook(BytesIO(exports.budget_xlsx(budget(), personal=False)))
    summary = {row[0]: row[1:] for row in wb["Ringkasan"].iter_rows(values_only=True) if row[0]}
    assert summary["Jumlah"][0] == CURRENT_TOTAL
    assert summary["APBD kabupaten"][0] == CURRENT_BY_SOURCE["APBD"]
    assert summary["Jumlah"][1] == "Dua juta dua puluh empat ribu empat ratus sembilan puluh enam rupiah"
    rows = list(wb["Rincian"].iter_rows(values_only=True))
    header, lines = rows[0], rows[1:]
    assert header[:4] == ("kode_desa", "nama_desa", "nama", "nik")
    assert sum(line[header.index("iuran_setahun")] for line in lines) == CURRENT_TOTAL
    siti = [line for line in lines if line[2] == "Siti Aminah"]
    assert [(s[8], s[9], s[10], s[13]) for s in siti] == [
        ("JKK", "pemberi kerja", "APBD kabupaten", 5339),
        ("JKM", "pemberi kerja", "APBD kabupaten", 6673),
        ("JHT", "pemberi kerja", "APBD kabupaten", 82304),
        ("JHT", "peserta", "Peserta (dipotong dari penghasilan)", 44488),
    ]
    assert all(line[11] == "Jan–Des" and line[12] == 12 for line in siti)


def test_nik_are_masked_unless_the_reader_may_see_them(budget_roster):
    nik = budget_roster.budi.nik
    masked = load_workbook(BytesIO(exports.budget_xlsx(budget(), personal=False)))["Rincian"]
    niks = {row[3] for row in masked.iter_rows(min_row=2, values_only=True)}
    assert nik_mask(nik) in niks and nik not in niks
    full = load_workbook(BytesIO(exports.budget_xlsx(budget(), personal=True)))["Rincian"]
    assert nik in {row[3] for row in full.iter_rows(min_row=2, values_only=True)}


def test_the_regency_xlsx_has_a_row_per_desa_and_the_total(budget_roster):
    wb = load_workbook(BytesIO(exports.budget_xlsx(budget("61.03", lines=False), personal=True)))
    rows = list(wb["Per desa"].iter_rows(values_only=True))
    header = rows[0]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code[PENYELADI][header.index("jumlah")] == CURRENT_TOTAL
    assert by_code[PENYELADI][2] == "Kapuas"
    assert by_code["Jumlah"][header.index("jumlah")] == sum(
        row[header.index("jumlah")] for code, row in by_code.items() if code != "Jumlah"
    )
    assert "Rincian" not in wb.sheetnames  # a regency summary carries no personal data
    per_kecamatan = list(wb["Per wilayah"].iter_rows(values_only=True))
    assert {row[0] for row in per_kecamatan[1:-1]} == set(
        Region.objects.filter(parent_id="61.03").values_list("code", flat=True)
    )


def test_an_adopted_budget_downloads_as_adopted(budget_roster, village_operator):
    stored = budget_store(
        region=Region.objects.get(code=PENYELADI),
        year=NEXT,
        scenario=Scenario(ALL_SERVING),
        user=village_operator,
    )
    again = stored_budget(stored)
    assert (
        exports.file_name(again, "pdf")
        == f"anggaran-iuran-{PENYELADI}-{NEXT}-all-serving-ditetapkan-{stored.pk}.pdf"
    )
    text = pdf_text(exports.budget_pdf(again, today=TODAY))
    assert "Rp2.414.736" in text and "ditetapkan" in text
    wb = load_workbook(BytesIO(exports.budget_xlsx(again, personal=False)))
    assert sum(row[14] for row in wb["Rincian"].iter_rows(min_row=2, values_only=True)) == ALL_SERVING_TOTAL


def test_kapuas_pdf_is_about_the_kecamatan(budget_roster):
    text = pdf_text(exports.budget_pdf(budget(KAPUAS, lines=False), today=TODAY))
    assert "KECAMATAN KAPUAS" in text


def _long_roster(count: int) -> None:
    """`count` kepala dusun in Penyeladi besides the hand-made roster: enough rows for several pages."""
    for n in range(1, count + 1):
        who = person(KAPUAS, date(1970 + n % 30, 1 + n % 12, 1 + n % 28), 100 + n, f"Warga Uji Nomor{n:02d}")
        serve(who, PENYELADI, Office.KEPALA_DUSUN, "2022200", unit_name=f"Lembah{n:02d}")


def test_a_long_desa_sheet_never_splits_a_row_and_keeps_the_signature_with_the_text(budget_roster):
    _long_roster(70)
    content = exports.budget_pdf(budget(scenario=ALL_SERVING), today=TODAY)
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages]
    assert len(pages) >= 3
    for n in range(1, 71):
        # The name and the office under it are one cell of one row, its amounts after: one page, whole.
        row = f"Warga Uji Nomor{n:02d} Kepala Dusun Lembah{n:02d} PU: JKK, JKM Rp2.022.200 12 Rp10.920"
        assert sum(row in text for text in pages) == 1, n
    with_rows = [text for text in pages if "Kepala Dusun Lembah" in text]
    assert len(with_rows) >= 2
    assert all("Nama / jabatan" in text for text in with_rows)  # the header repeats on every page
    last = pages[-1]
    assert "( Budi Santoso )" in last
    # The signature page holds the legal basis with it, never the signature alone.
    assert "Dasar hukum dan aturan iuran yang dipakai" in last and "Permendagri 20/2018" in last


def test_a_pj_kepala_desa_signs_the_sheet_as_pj(budget_roster):
    """audit5: a Pj kepala desa recorded on the phone signed the APBDes sheet as 'Kepala Desa'."""
    from lindungdesa.officials.models import Acting, Position

    text = pdf_text(exports.budget_pdf(budget(), today=TODAY))
    assert "Kepala Desa Penyeladi ( Budi Santoso )" in text and "Pj. Kepala" not in text
    Position.objects.filter(person=budget_roster.budi, office=Office.KEPALA_DESA).update(acting=Acting.PJ)
    text = pdf_text(exports.budget_pdf(budget(), today=TODAY))
    assert "Pj. Kepala Desa Penyeladi ( Budi Santoso )" in text
