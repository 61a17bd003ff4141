"""Found at first contact (audit10). The village operator, on her phone over a slow link, uploads OpenSID's
Buku Aparat Pemerintah Desa (Model A.4) as most villages hand it on: opened in Excel from OpenSID's .xls and
saved as .xlsx (title rows, merged cells, the signature block below). She then completes one official's NIK
from his KTP; reopening his form, the whole NIK is not in the page (it is shown only on request, audited)."""

import re
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.browser.conftest import PENYELADI, sign_in_on_phone, slow_link, village_operator_make

pytestmark = pytest.mark.browser

A4 = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "opensid_a4_wilayah_2026-11-25.xls"
DING_NIK = "6103010211840007"  # Agustinus Ding: Kapuas, born 2 November 1984, a man


class Grid(HTMLParser):
    """The rows of every table of an HTML page, each cell as (text, colspan): what Excel shows of it."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, int]]] = []
        self.row: list[tuple[str, int]] | None = None
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ["", int(dict(attrs).get("colspan") or 1)]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append((" ".join(self.cell[0].replace("\xa0", " ").split()), self.cell[1]))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def a4_saved_in_excel() -> bytes:
    """OpenSID's A.4 download as Excel saves it again as .xlsx: its title above, every row of its tables
    below, a cell spanning columns merged."""
    grid = Grid()
    grid.feed(A4.read_text(encoding="utf-8"))
    book = Workbook()
    sheet = book.active
    sheet.cell(1, 1, "BUKU PEMERINTAH DESA")
    for number, row in enumerate(grid.rows, start=2):
        column = 1
        for text, span in row:
            if text:
                sheet.cell(number, column, text)
            if span > 1:
                sheet.merge_cells(
                    start_row=number, start_column=column, end_row=number, end_column=column + span - 1
                )
            column += span
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def yanti(regions) -> None:
    village_operator_make()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_operator_uploads_the_a4_saved_in_excel_on_a_slow_phone_and_completes_a_nik(
    yanti, live_server, browser_page, tmp_path
):
    page = browser_page
    path = tmp_path / "buku-aparat-desa.xlsx"
    path.write_bytes(a4_saved_in_excel())
    sign_in_on_phone(page, live_server.url)
    slow_link(page)

    page.goto(live_server.url + "/impor/")
    page.set_input_files("input[name=berkas]", str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"), timeout=60_000)
    page.get_by_text("Hasil uji coba: belum ada yang disimpan.").wait_for(timeout=60_000)
    rejected = page.locator("table.rejected").inner_text()
    # Only the staff member is refused: the title rows and the signature block are no rows.
    assert "Staf Desa" in rejected and len(re.findall(r"Baris \d+", rejected)) == 1
    assert "NIK belum ada" in page.locator("main").inner_text()
    fits(page)
    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for(timeout=60_000)
    fits(page)

    # A week later Agustinus Ding brings his KTP: his NIK is completed on his page.
    page.goto(f"{live_server.url}/wilayah/{PENYELADI}/")
    page.get_by_role("link", name="Agustinus Ding", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    person = page.url
    page.get_by_role("link", name="Ubah data diri").click()
    page.wait_for_url("**/ubah/")
    assert page.get_by_label("NIK").input_value() == ""
    page.get_by_label("NIK").fill(DING_NIK)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(person)
    page.get_by_text("Data diri Agustinus Ding disimpan.").wait_for()
    assert "************0007" in page.locator(".facts").inner_text()

    # His form again, to correct his phone: the NIK is not sent to the page; left empty, it stays.
    page.get_by_role("link", name="Ubah data diri").click()
    page.wait_for_url("**/ubah/")
    assert DING_NIK not in page.content()
    assert page.get_by_label("NIK").input_value() == ""
    assert "Kosongkan bila NIK tetap ************0007" in page.locator("main").inner_text()
    page.get_by_label("Nomor HP").fill("0812 5678 9012")
    fits(page)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(person)
    facts = page.locator(".facts").inner_text()
    assert "************0007" in facts and "0812****9012" in facts  # the phone masked, as on every page
    assert "081256789012" not in facts
    page.screenshot(path="test-results/audit10-a4-xlsx-360.png", full_page=True)
