"""The village operator imported its roster, then ended a term on the desa's page; undoing the import would
bring that term back, so it is refused. The refusal names which row of the file and which office (the NIK
masked, as the page masks it), on the undo page already, before the operator confirms."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from lindungdesa.imports.services import roster_import_file
from lindungdesa.lib.pii import mask
from lindungdesa.regions.models import Region
from tests.browser.conftest import PENYELADI, sign_in_on_phone, village_operator_make
from tests.imports.conftest import ROSTER_HEADER, People, to_csv

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Imported:
    batch: int
    nik: str  # the Sekretaris Desa's, on row 3 of the file


@pytest.fixture
def imported(regions) -> Imported:
    yanti = village_operator_make()
    people = People(Region.objects.get(code=PENYELADI))
    rows = [
        people.row("Yohanes Ale", "Kepala Desa", serial=1),
        people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2),
        people.row("Antonius Ding", "Kaur Keuangan", serial=3),
    ]
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, rows), file_name="aparat.csv", user=yanti)
    assert summary.created == 3
    return Imported(batch=summary.batch, nik=rows[1]["nik"])


def test_undo_refused_after_a_page_edit_names_the_row_and_office(imported, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    page.locator("section table tbody tr").filter(
        has=page.get_by_role("link", name="Maria Ulfa", exact=True)
    ).first.get_by_role("link", name="Akhiri").click()
    page.wait_for_url("**/akhiri/")
    page.get_by_label("Hari terakhir menjabat").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Alasan berakhir").select_option("resigned")
    page.get_by_role("button", name="Akhiri masa jabatan").click()
    page.get_by_text("Masa jabatan Maria Ulfa sebagai Sekretaris Desa diakhiri.").wait_for()

    page.goto(f"{live_server.url}/impor/{imported.batch}/")
    page.get_by_role("link", name="Batalkan impor ini").click()
    page.wait_for_url("**/batalkan/")
    text = page.locator("main").inner_text()
    expected = (
        f"Baris 3 (Sekretaris Desa Penyeladi, NIK {mask('nik', imported.nik)}) dari impor ini sudah diubah "
        "sesudahnya"
    )
    assert expected in text, text
    assert imported.nik not in page.content()
    assert page.get_by_role("button", name=re.compile("Ya, batalkan")).count() == 0
    page.screenshot(path="test-results/undo-refused-named.png", full_page=True)
