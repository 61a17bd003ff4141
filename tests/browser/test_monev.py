"""Issue 6 in the browser: a province analyst opens a round and takes one case from new to closed."""

import re
from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import make_position

pytestmark = pytest.mark.browser


@pytest.fixture
def village(regions):
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Kepala Belum Terdaftar")
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    analyst.set_password("sandi-uji-12345")
    analyst.save()
    return desa.name


def test_a_case_goes_from_new_to_closed(village, live_server, browser_page, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", "analis")
    page.fill("input[name=password]", "sandi-uji-12345")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/wilayah/61/**")

    page.get_by_role("link", name="Monev", exact=True).click()
    page.fill("input[name=period]", date.today().strftime("%Y-%m"))
    page.get_by_role("button", name="Buka putaran").click()
    page.wait_for_url(re.compile(r".*/monev/\d+/$"))
    assert "kasus" in page.locator(".messages").inner_text()

    page.select_option("select[name=kabupaten]", "61.03")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**kabupaten=61.03**")
    page.get_by_role("link", name=village, exact=True).click()
    page.wait_for_url(re.compile(r".*/monev/kasus/\d+/$"))
    assert "Baru" in page.locator("main").inner_text()
    letter = tmp_path / "surat-bertanda-tangan.pdf"
    letter.write_bytes(b"%PDF-1.4 uji")
    page.select_option("select[name=to_state]", "surat_terkirim")
    page.set_input_files("input[name=lampiran]", str(letter))
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("text=Kasus menjadi Surat terkirim")

    # Skipping to closed without a reason is refused, with the reason on the page.
    page.select_option("select[name=to_state]", "ditutup")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_selector("text=alasan tertulis")

    for state, note in (
        ("dianggarkan", "APBDes 2027 halaman 14"),
        ("terdaftar", "KPJ terbit"),
        ("ditutup", ""),
    ):
        page.select_option("select[name=to_state]", state)
        page.fill("textarea[name=note]", note)
        page.get_by_role("button", name="Simpan").click()
        page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Kasus sudah ditutup." in text
    assert "KPJ terbit" in text and "surat-bertanda-tangan.pdf" in text
    page.screenshot(path="test-results/monev-case-closed.png", full_page=True)
