"""audit8, the users' jobs in the browser at their device's size: the province analyst at 1280 px prints a
round's letters and sees their numbers in the queue without loading the page again; the village operator on a
360 x 740 phone over a slow link ends a term past the end date a file gave, and learns from when the seat of
one who resigned can be filled."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.lib.idformat import date_id
from lindungdesa.monev.models import Round
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import position_end
from lindungdesa.regions.models import Region
from tests.browser.conftest import (
    OPERATOR_PASSWORD,
    PENYELADI,
    PHONE,
    sign_in,
    sign_in_on_phone,
    slow_link,
    village_operator_make,
)
from tests.factories import make_position

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
SANGGAU = "61.03"
LETTER_NUMBER = re.compile(r"400\.10/\d+/DPMD/\d{4}")


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def opened(regions) -> Round:
    """A round of this month, opened by the province analyst "analis": every desa registered nobody."""
    analyst = User(username="analis", role=User.Role.PROVINCE_ANALYST, region_id="61", first_name="Analis")
    analyst.set_password(OPERATOR_PASSWORD)
    analyst.save()
    desa = Region.objects.get(code=PENYELADI)
    make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Budi Santoso")
    return round_open(
        province=Region.objects.get(code="61"), period=date.today().strftime("%Y-%m"), user=analyst
    )


def test_the_letters_numbers_show_in_the_queue_once_downloaded(opened, live_server, browser_page):
    """audit8: after the bulk "Cetak surat" the Surat column kept showing "–" until the page was loaded
    again (the status line said to). Now htmx asks for the queue's table again, the boxes still checked."""
    page = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "analis", "61")
    page.goto(f"{live_server.url}/monev/{opened.pk}/?antrean=semua&kabupaten={SANGGAU}")
    page.evaluate("window.notReloaded = true")
    letters = page.locator("#aksi-massal tbody td:last-child")
    assert set(letters.all_inner_texts()) == {"–"}
    boxes = page.locator("input[name=cases]")
    chosen = [boxes.nth(i).get_attribute("value") for i in range(3)]
    for i in range(3):
        boxes.nth(i).check()
    page.select_option("select[name=action]", "surat")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Jalankan").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    status = page.locator("#aksi-massal [role=status]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#aksi-massal tbody td:last-child')]"
        ".filter(td => td.textContent.trim() !== '–').length === 3"
    )
    numbers = [n for n in letters.all_inner_texts() if n != "–"]
    assert len(numbers) == 3 and all(LETTER_NUMBER.fullmatch(n) for n in numbers), numbers
    assert status.inner_text() == "Surat sudah terunduh. Nomor suratnya tampil di kolom Surat."
    assert page.evaluate("window.notReloaded") is True  # the table was swapped, not the page loaded again
    # The same three still checked, for the next action (Surat terkirim); the others not.
    checked = page.locator("input[name=cases]:checked").evaluate_all("l => l.map(b => b.value)")
    assert checked == chosen
    # The table's "check all" box still works in the table htmx put in.
    page.locator("input[data-check-all]").check()
    assert page.locator("input[name=cases]:not(:checked)").count() == 0
    page.locator("input[data-check-all]").uncheck()
    assert page.locator("input[name=cases]:checked").count() == 0


@pytest.fixture
def expired(regions) -> Position:
    """Penyeladi's village operator "yanti"; its sekretaris desa's term ended on the last day of last month,
    as a file gave it, without a reason."""
    village_operator_make()
    desa = Region.objects.get(code=PENYELADI)
    make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Budi Santoso")
    last_month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    sekdes = make_position(desa, Office.SEKRETARIS_DESA, date(2021, 3, 1), name="Ganep Nababan")
    Position.objects.filter(pk=sekdes.pk).update(term_end=last_month_end)
    return Position.objects.get(pk=sekdes.pk)


def test_the_operator_ends_a_term_past_its_end_from_the_persons_page(expired, live_server, browser_page):
    """audit8: the person page showed neither Akhiri nor Ganti for a term past its end without a reason,
    which the service would end."""
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    slow_link(page)
    page.goto(f"{live_server.url}/orang/{expired.person_id}/")
    row = page.get_by_role("row").filter(has_text="Sekretaris Desa")
    assert "Masa jabatan berakhir" in row.inner_text()
    fits_the_phone(page)
    row.get_by_role("link", name="Akhiri").click()
    page.wait_for_url(f"**/jabatan/{expired.pk}/akhiri/")
    page.fill("input[name=term_end]", f"{expired.term_end:%Y-%m-%d}")
    page.select_option("select[name=end_reason]", Position.EndReason.RESIGNED)
    page.get_by_role("button", name="Akhiri masa jabatan").click()
    page.wait_for_url(f"**/wilayah/{PENYELADI}/**")
    assert "Masa jabatan Ganep Nababan sebagai Sekretaris Desa diakhiri." in page.locator("main").inner_text()
    fits_the_phone(page)
    page.goto(f"{live_server.url}/orang/{expired.person_id}/")
    row = page.get_by_role("row").filter(has_text="Sekretaris Desa")
    assert "Mengundurkan diri" in row.inner_text()
    assert row.get_by_role("link", name="Akhiri").count() == 0


@pytest.fixture
def resigning(regions) -> Position:
    """Penyeladi's village operator "yanti"; its sekretaris desa resigned, effective ten days from now."""
    village_operator_make()
    desa = Region.objects.get(code=PENYELADI)
    sekdes = make_position(desa, Office.SEKRETARIS_DESA, date(2021, 3, 1), name="Ganep Nababan")
    return position_end(
        region=None,
        position=sekdes,
        last_day=timezone.localdate() + timedelta(days=10),
        reason=Position.EndReason.RESIGNED,
    )


def test_the_operator_learns_from_when_a_resigned_seat_can_be_filled(resigning, live_server, browser_page):
    """audit8: the Ganti page of a term ended already sent the operator to add a new official, and the add
    form refused one starting before that end with "Akhiri jabatan itu dulu". The page now says the day."""
    page = browser_page
    sign_in_on_phone(page, live_server.url)
    slow_link(page)
    page.goto(f"{live_server.url}/jabatan/{resigning.pk}/ganti/")
    first = resigning.term_end + timedelta(days=1)
    text = page.locator("main").inner_text()
    assert f"mulai menjabat {date_id(first)} atau sesudahnya" in text
    fits_the_phone(page)
    page.goto(f"{live_server.url}/wilayah/{PENYELADI}/aparat/tambah/")
    page.fill("input[name=name]", "Sari Dewi")
    page.fill("input[name=birth_date]", "1992-05-15")
    page.select_option("select[name=sex]", "P")
    page.select_option("select[name=office]", Office.SEKRETARIS_DESA)
    page.fill("input[name=term_start]", f"{first:%Y-%m-%d}")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Sari Dewi dicatat sebagai Sekretaris Desa.").wait_for(timeout=30_000)
    fits_the_phone(page)


@pytest.fixture
def regency_admin(regions) -> User:
    """Sanggau's regency administrator "adminkab"; Penyeladi's kepala desa, not enrolled."""
    admin = User(username="adminkab", role=User.Role.REGENCY_ADMIN, region_id=SANGGAU, first_name="Admin")
    admin.set_password(OPERATOR_PASSWORD)
    admin.save()
    make_position(
        Region.objects.get(code=PENYELADI), Office.KEPALA_DESA, date(2020, 1, 1), name="Budi Santoso"
    )
    return admin


def test_the_regency_administrator_reads_a_download_in_the_audit_in_indonesian(
    regency_admin, live_server, browser_page
):
    """audit8: the audit page said a download's details as "what", "file_name", "rows" and "masked"."""
    page = browser_page
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "adminkab", SANGGAU)
    page.goto(f"{live_server.url}/rekonsiliasi/{PENYELADI}/")
    with page.expect_download() as download:
        page.locator("#belum-terdaftar").get_by_role("link", name="Unduh XLSX").click()
    name = download.value.suggested_filename
    page.get_by_role("link", name="Audit", exact=True).click()
    entry = page.get_by_role("row").filter(has_text=name)
    changes = entry.locator("ul.changes").inner_text()
    assert f"Nama berkas: {name}" in changes and "Jumlah baris: 1" in changes
    assert "Identitas disamarkan: tidak" in changes
    for raw in ("what", "file_name", "rows", "masked"):
        assert raw not in changes, raw
