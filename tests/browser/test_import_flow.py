import re
from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.regions.models import Region
from tests.imports.conftest import ROSTER_HEADER, People, to_csv

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"


@pytest.fixture
def roster_file(regions, tmp_path):
    rudi = User(username="rudi", role=User.Role.REGENCY_OPERATOR, region_id="61.03", first_name="Rudi")
    rudi.set_password(PASSWORD)
    rudi.save()
    # Read everything the test needs now: once Playwright runs, this thread may not touch the database.
    people = People(
        Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    )
    rows = [
        people.row("Yohanes Ale", "Kepala Desa", serial=1, akhir_menjabat="02/01/2030"),
        people.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=2),
        people.row("Antonius", "Kadus Sungai Ayak", serial=3),
        people.row("Jabatan Asing", "Camat", serial=4),
    ]
    path = tmp_path / "daftar-aparat.csv"
    path.write_bytes(to_csv(ROSTER_HEADER, rows))
    return path


def count(page, label: str) -> str:
    return (
        page.locator("dl.counts div")
        .filter(has=page.get_by_text(label, exact=True))
        .locator("dd")
        .inner_text()
    )


def test_an_operator_uploads_a_roster_previews_it_and_saves_it(roster_file, live_server, browser_page):
    page = browser_page
    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", "rudi")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/wilayah/61.03/**")

    page.get_by_role("link", name="Impor", exact=True).click()
    page.wait_for_url("**/impor/")
    assert page.get_by_label("Uji coba dulu").is_checked()
    page.get_by_label("Daftar aparat dan BPD").check()
    page.set_input_files("input[name=berkas]", str(roster_file))
    page.get_by_role("button", name="Unggah dan periksa").click()

    page.wait_for_url(re.compile(r".*/impor/\d+/$"))
    page.get_by_text("Hasil uji coba: belum ada yang disimpan.").wait_for()
    assert (count(page, "Akan dibuat"), count(page, "Ditolak")) == ("3", "1")
    assert "Baris 5" in page.locator("table.rejected").inner_text()

    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for()
    assert (count(page, "Baru"), count(page, "Ditolak")) == ("3", "1")
    assert page.get_by_role("link", name="Batalkan impor ini").is_visible()
    assert page.get_by_role("link", name="Unduh baris yang ditolak (XLSX)").is_visible()
    page.screenshot(path="test-results/import-result.png", full_page=True)

    page.get_by_role("link", name="Impor", exact=True).click()
    assert "daftar-aparat.csv" in page.locator("table.history").inner_text()
