"""The village operator replaces a kepala dusun on a phone, types the wrong first day, and puts it right on
the successor's Ubah page: the replaced holder's term now ends the day before, as the seat's history shows."""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import PENYELADI, sign_in_on_phone, village_operator_make
from tests.factories import make_position

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Seat:
    kadus: int


@pytest.fixture
def seat(regions) -> Seat:
    village_operator_make()
    desa = Region.objects.get(code=PENYELADI)
    kadus = make_position(
        desa, Office.KEPALA_DUSUN, date(2008, 5, 24), unit_name="Belimbing", name="Among Nababan"
    )
    return Seat(kadus=kadus.pk)


def test_a_mistyped_replacement_date_is_put_right_on_the_successors_page(seat, live_server, browser_page):
    page = browser_page
    sign_in_on_phone(page, live_server.url)

    page.goto(f"{live_server.url}/jabatan/{seat.kadus}/ganti/")
    page.get_by_label("Nama lengkap").fill("Petrus Pengganti")
    page.get_by_label("Tanggal lahir").fill("1990-05-05")
    page.get_by_label("Jenis kelamin").select_option("L")
    page.get_by_label("Mulai menjabat").fill("2026-12-01")  # the SK says 15 November
    page.get_by_role("button", name="Simpan penggantian").click()
    page.get_by_text("Petrus Pengganti menggantikan Among Nababan sebagai Kepala Dusun Belimbing.").wait_for()

    page.get_by_role("link", name="Petrus Pengganti", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    page.get_by_role("row").filter(has_text="Kepala Dusun").get_by_role("link", name="Ubah").click()
    page.get_by_label("Mulai menjabat").fill("2026-11-15")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Data jabatan Petrus Pengganti sebagai Kepala Dusun Belimbing disimpan.").wait_for()
    assert "15-11-2026" in page.get_by_role("row").filter(has_text="Kepala Dusun").inner_text()

    page.goto(f"{live_server.url}/wilayah/{PENYELADI}/")
    page.get_by_role("link", name="Among Nababan", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    history = page.get_by_role("row").filter(has_text="Kepala Dusun").inner_text()
    assert "24-05-2008 – 14-11-2026" in history and "Diganti" in history
