"""The village operator keeps its roster in the browser, on a 360 x 740 phone: adds an official (a new
person), corrects the phone number, checks the NIK against the KTP, corrects a term's start, SK and income
(and mends a start kept with an impossible year), ends a term, gives the seat to a person
whose NIK is not known yet and completes it later, replaces a holder and reads each seat's history. No page
scrolls sideways and the console stays free of errors."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Office, Position
from lindungdesa.regions.models import Region
from tests.factories import make_nik, make_position

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"
DESA = "61.03.01.2007"  # Penyeladi, Kecamatan Kapuas, Kabupaten Sanggau
PHONE = {"width": 360, "height": 740}


@dataclass(frozen=True)
class Journey:
    new_nik: str
    successor_nik: str
    jemadu_nik: str
    first_of_month: date


@pytest.fixture
def journey(regions) -> Journey:
    # Everything the test needs from the database is read now: once Playwright runs, this thread may not.
    yanti = User(username="yanti", role=User.Role.VILLAGE_OPERATOR, region_id=DESA, first_name="Yanti")
    yanti.set_password(PASSWORD)
    yanti.save()
    desa = Region.objects.get(code=DESA)
    make_position(desa, Office.KEPALA_DESA, date(2022, 1, 10), date(2029, 12, 31), name="Budi Santoso")
    make_position(desa, Office.KAUR_KEUANGAN, date(2021, 3, 1), name="Ahmad Fauzi")
    # Kept before the rule refused it: a start typed 2062 for 2022.
    mistyped = make_position(desa, Office.KASI_PEMERINTAHAN, date(2022, 1, 5), name="Yakobus Ngadi")
    Position.objects.filter(pk=mistyped.pk).update(term_start=date(2062, 1, 5))
    return Journey(
        new_nik=make_nik("61.03.01", date(1992, 8, 17), "P", serial=501),
        successor_nik=make_nik("61.03.01", date(1985, 1, 20), "L", serial=502),
        jemadu_nik=make_nik("61.03.01", date(1983, 9, 21), "L", serial=503),
        first_of_month=date.today().replace(day=1),
    )


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width} px"


def roster_row(page, name: str):
    return (
        page.locator("section table tbody tr")
        .filter(has=page.get_by_role("link", name=name, exact=True))
        .first
    )


def test_the_village_operator_keeps_its_roster_on_a_phone(journey, live_server, browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(f"{msg.text} ({msg.location.get('url')})") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    start = journey.first_of_month.isoformat()

    page.goto(live_server.url + "/masuk/")
    page.fill("input[name=username]", "yanti")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"**/wilayah/{DESA}/**")
    fits(page)

    # Add an official: a new person. A first try without a name is answered beside the field, in place.
    page.get_by_role("link", name="Tambah aparat atau anggota BPD").click()
    page.wait_for_url("**/aparat/tambah/")
    fits(page)
    page.get_by_label("NIK").fill(journey.new_nik)
    page.get_by_label("Tanggal lahir").fill("1992-08-17")
    page.get_by_label("Jenis kelamin").select_option("P")
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("Jabatan", exact=True).select_option(Office.KASI_PELAYANAN)
    page.get_by_label("Mulai menjabat").fill("2026-02-01")
    page.get_by_label("Nomor SK").fill("141/07/2026")
    # Password managers and other extensions (and Playwright's own screenshots) give inputs a `style`
    # attribute; htmx's settle step used to copy it onto the swapped form with setAttribute, which the CSP
    # refuses ("Applying inline style violates ... 'style-src 'self''"), once per field.
    page.evaluate(
        "document.querySelectorAll('form.registry-form [id]').forEach(e => e.style.setProperty('--x', '1'))"
    )
    page.get_by_role("button", name="Simpan").click()
    page.locator("#id_name_error").wait_for()
    assert page.locator("#id_name_error").inner_text() == "Wajib diisi."
    page.wait_for_timeout(100)  # htmx settles the swapped form 20 ms after the swap
    assert errors == [], "console errors after the form came back with its errors"
    assert page.get_by_label("NIK").input_value() == journey.new_nik  # nothing typed is lost
    fits(page)
    page.screenshot(path="test-results/roster-add-error.png", full_page=True)
    page.get_by_label("Nama lengkap").fill("Theresia Wulan")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/wilayah/{DESA}/**")
    page.get_by_text("Theresia Wulan dicatat sebagai Kasi Pelayanan.").wait_for()
    assert roster_row(page, "Theresia Wulan").is_visible()
    fits(page)
    page.screenshot(path="test-results/roster-desa.png", full_page=True)

    # Correct her phone number on her page; check her NIK against the KTP.
    page.get_by_role("link", name="Theresia Wulan", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    assert journey.new_nik not in page.content()
    page.get_by_role("button", name="Tampilkan NIK utuh Theresia Wulan").click()
    page.locator(".nik-whole").wait_for()
    assert page.locator(".nik-whole").inner_text() == journey.new_nik
    # The focus goes to the NIK shown (the button it replaced is gone), not back to the page's start, so a
    # screen reader reads it and Tab goes on from there (audit3).
    page.wait_for_function("document.activeElement.classList.contains('nik-whole')")
    fits(page)
    page.get_by_role("link", name="Ubah data diri").click()
    page.wait_for_url("**/ubah/")
    assert page.get_by_label("Nomor HP").input_value() == "081234567890"
    page.get_by_label("Nomor HP").fill("0813-1111-2222")
    fits(page)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    page.get_by_text("Data diri Theresia Wulan disimpan.").wait_for()
    facts = page.locator(".facts").inner_text()  # masked on the page, as every phone (docs/security.md)
    assert "0813****2222" in facts and "081311112222" not in facts
    fits(page)
    page.screenshot(path="test-results/roster-person.png", full_page=True)

    # Her SK is at hand: the start, SK date and income were typed wrong. A wrong year is caught first.
    page.get_by_role("row").filter(has_text="Kasi Pelayanan").get_by_role("link", name="Ubah").click()
    page.wait_for_url("**/jabatan/*/ubah/")
    fits(page)
    assert page.get_by_label("Mulai menjabat").input_value() == "2026-02-01"
    page.get_by_label("Mulai menjabat").fill("2062-02-02")
    page.get_by_label("Tanggal SK").fill("2026-01-28")
    page.get_by_label("Penghasilan bulanan (Rp)").fill("Rp 2.750.000")
    page.get_by_role("button", name="Simpan").click()
    page.locator("#id_term_start_error").wait_for()
    assert (
        "Mulai menjabat 02-02-2062 tidak mungkin: periksa tahunnya."
        in page.locator("#id_term_start_error").inner_text()
    )
    assert page.get_by_label("Penghasilan bulanan (Rp)").input_value() == "Rp 2.750.000"
    fits(page)
    page.screenshot(path="test-results/roster-correct-error.png", full_page=True)
    page.get_by_label("Mulai menjabat").fill("2026-02-02")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    page.get_by_text("Data jabatan Theresia Wulan sebagai Kasi Pelayanan disimpan.").wait_for()
    assert "02-02-2026" in page.get_by_role("row").filter(has_text="Kasi Pelayanan").inner_text()
    page.get_by_role("row").filter(has_text="Kasi Pelayanan").get_by_role("link", name="Ubah").click()
    page.wait_for_url("**/jabatan/*/ubah/")
    assert page.get_by_label("Penghasilan bulanan (Rp)").input_value() == "2.750.000"
    assert page.get_by_label("Tanggal SK").input_value() == "2026-01-28"
    page.get_by_role("link", name="Batal").click()

    # Yakobus's start was kept as 2062: not on the roster of any month, listed apart and mended there.
    page.goto(live_server.url + f"/wilayah/{DESA}/")
    later = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile("^Belum mulai menjabat"))
    )
    assert "05-01-2062" in later.inner_text()
    later.get_by_role("row").filter(has_text="Yakobus Ngadi").get_by_role("link", name="Ubah").click()
    page.wait_for_url("**/jabatan/*/ubah/")
    fits(page)
    page.get_by_label("Mulai menjabat").fill("2022-01-05")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Data jabatan Yakobus Ngadi sebagai Kasi Pemerintahan disimpan.").wait_for()
    page.goto(live_server.url + f"/wilayah/{DESA}/")
    assert "05-01-2022" in roster_row(page, "Yakobus Ngadi").inner_text()
    assert page.get_by_role("heading", name=re.compile("^Belum mulai menjabat")).count() == 0

    # End Ahmad's term: he resigned the last day of last month.
    page.goto(live_server.url + f"/wilayah/{DESA}/")
    roster_row(page, "Ahmad Fauzi").get_by_role("link", name="Akhiri").click()
    page.wait_for_url("**/akhiri/")
    fits(page)
    page.get_by_label("Hari terakhir menjabat").fill((journey.first_of_month - timedelta(days=1)).isoformat())
    page.get_by_label("Alasan berakhir").select_option("resigned")
    page.screenshot(path="test-results/roster-end.png", full_page=True)
    page.get_by_role("button", name="Akhiri masa jabatan").click()
    page.wait_for_url(f"**/wilayah/{DESA}/**")
    page.get_by_text("Masa jabatan Ahmad Fauzi sebagai Kaur Keuangan diakhiri.").wait_for()

    # His seat goes to someone whose NIK the village does not have yet: name and birth date will do.
    page.get_by_role("link", name="Tambah aparat atau anggota BPD").click()
    page.wait_for_url("**/aparat/tambah/")
    page.get_by_label("Nama lengkap").fill("Agustinus Jemadu")
    page.get_by_label("Tanggal lahir").fill("1983-09-21")
    page.get_by_label("Jabatan", exact=True).select_option(Office.KAUR_KEUANGAN)
    page.get_by_label("Mulai menjabat").fill(start)
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/wilayah/{DESA}/**")
    page.get_by_text(
        "NIK belum ada — lengkapi NIK Agustinus Jemadu dari KTP/KK lewat halaman orangnya."
    ).wait_for()
    assert "NIK belum ada" in roster_row(page, "Agustinus Jemadu").inner_text()
    fits(page)

    # A week later his KTP is at hand: the NIK is completed on his page (a wrong birth date is caught first).
    page.get_by_role("link", name="Agustinus Jemadu", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    page.get_by_role("link", name="Ubah data diri").click()
    page.wait_for_url("**/ubah/")
    fits(page)
    assert page.get_by_label("NIK").input_value() == ""
    page.get_by_label("NIK").fill(journey.jemadu_nik)
    page.get_by_label("Tanggal lahir").fill("1983-09-12")
    page.get_by_role("button", name="Simpan").click()
    page.locator("#id_birth_date_error, #id_nik_error").first.wait_for()
    fits(page)
    page.get_by_label("Tanggal lahir").fill("1983-09-21")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(re.compile(r".*/orang/\d+/$"))
    page.get_by_text("Data diri Agustinus Jemadu disimpan.").wait_for()
    assert "NIK belum ada" not in page.locator(".facts").inner_text()
    page.goto(live_server.url + f"/wilayah/{DESA}/")
    assert "NIK belum ada" not in roster_row(page, "Agustinus Jemadu").inner_text()

    # Replace the kepala desa from the first of this month.
    roster_row(page, "Budi Santoso").get_by_role("link", name="Ganti").click()
    page.wait_for_url("**/ganti/")
    fits(page)
    page.get_by_label("NIK").fill(journey.successor_nik)
    page.get_by_label("Nama lengkap").fill("Markus Lesek")
    page.get_by_label("Status jabatan").select_option("pj")
    page.get_by_label("Mulai menjabat").fill(start)
    page.screenshot(path="test-results/roster-replace.png", full_page=True)
    page.get_by_role("button", name="Simpan penggantian").click()
    page.wait_for_url(f"**/wilayah/{DESA}/**")
    page.get_by_text("Markus Lesek menggantikan Budi Santoso sebagai Pj Kepala Desa.").wait_for()

    # The roster and each seat's history.
    aparat = page.locator("section:not(.figures)").filter(
        has=page.get_by_role("heading", name=re.compile("^Aparat desa"))
    )
    assert "Markus Lesek" in aparat.inner_text() and "Budi Santoso" not in aparat.inner_text()
    assert "Ahmad Fauzi" not in aparat.inner_text()
    history = page.locator("section").filter(has=page.get_by_role("heading", name="Riwayat jabatan"))
    kades = history.locator("h3:text-is('Kepala Desa') + table").inner_text()
    assert kades.index("Markus Lesek") < kades.index("Budi Santoso")
    assert "Diganti" in kades and "masih menjabat" in kades
    assert "Mengundurkan diri" in history.locator("h3:text-is('Kaur Keuangan') + table").inner_text()
    fits(page)
    page.screenshot(path="test-results/roster-history.png", full_page=True)
    assert errors == []
