"""In the browser, at each user's device size: a BPJS officer (1366x768) finds the extract template and the
format page from the import page; a village operator (360x740) uploads OpenSID's Buku Aparat Pemerintah
Desa (Model A.4) as OpenSID serves it."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lindungdesa.accounts.models import User
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"
PENYELADI = "61.03.01.2007"
A4 = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "opensid_a4_wilayah_2026-11-25.xls"


def user(username: str, role: str, region: str) -> None:
    account = User(username=username, role=role, region_id=region, first_name=username.title())
    account.set_password(PASSWORD)
    account.save()


# The accounts are made before Playwright starts: its thread may not touch the database.
@pytest.fixture
def wulan(regions) -> str:
    user("wulan", User.Role.BPJS_OFFICER, "61.03")
    return "wulan"


@pytest.fixture
def yanti(regions) -> str:
    user("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI)
    return "yanti"


@pytest.fixture
def sized_page(live_server) -> Iterator:
    """A function that opens a page of the given size (Playwright starts after the database writes)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def open_page(width: int, height: int):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
            page = context.new_page()
            page.set_default_timeout(15_000)
            return page

        yield open_page
        browser.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def uploaded_on_phone(sized_page, base: str, path: Path):
    """The village operator's phone, signed in, with `path` uploaded and its dry run shown."""
    page = sized_page(360, 740)
    sign_in(page, base, "yanti")
    page.goto(base + "/impor/")
    page.set_input_files("input[name=berkas]", str(path))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"))
    page.get_by_text("Hasil uji coba: belum ada yang disimpan.").wait_for()
    return page


def test_a_bpjs_officer_downloads_the_extract_template_and_reads_the_format(
    wulan, live_server, sized_page, tmp_path
):
    page = sized_page(1366, 768)
    sign_in(page, live_server.url, "wulan")
    page.goto(live_server.url + "/impor/")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Unduh templat ekstrak BPJS (XLSX)").click()
    download = caught.value
    assert download.suggested_filename == "templat-ekstrak-bpjs.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert load_workbook(saved).sheetnames == ["Data", "Petunjuk"]

    page.get_by_role("link", name="Format berkas: semua kolom dan isinya").click()
    page.wait_for_url("**/impor/format/")
    bpjs = page.locator("section#bpjs")
    assert "bulan_iuran_terakhir" in bpjs.inner_text()
    assert "Nomor KPJ yang panjangnya bukan 11 digit" in bpjs.inner_text()
    page.screenshot(path="test-results/import-formats-1366.png", full_page=True)


def test_a_village_operator_reads_the_format_page_on_her_phone(yanti, live_server, sized_page):
    page = sized_page(360, 740)
    sign_in(page, live_server.url, "yanti")
    page.goto(live_server.url + "/impor/format/")
    assert page.get_by_role("heading", name="Daftar aparat desa dan anggota BPD").is_visible()
    assert "Staf Desa" in page.locator("section#roster").inner_text()
    # Nothing wider than the phone: the tables stack (class "stacked").
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-results/import-formats-360.png", full_page=True)


def test_a_village_operator_uploads_the_opensid_a4_on_her_phone(yanti, live_server, sized_page):
    page = uploaded_on_phone(sized_page, live_server.url, A4)
    rejected = page.locator("table.rejected").inner_text()
    assert "Staf Desa" in rejected and "Kepala Desa, Sekretaris Desa" in rejected
    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="test-results/import-opensid-a4-360.png", full_page=True)


def test_a_village_operator_uploads_a_typed_roster_signed_with_the_desa_name(
    yanti, live_server, sized_page, tmp_path
):
    # A roster typed in Excel, its signature's title naming the desa ("Kepala Desa Penyeladi", as audit4
    # found village offices write it): the signature was refused as three rows.
    from tests.imports.test_two_row_header import typed_roster

    path = tmp_path / "aparat-desa.xlsx"
    path.write_bytes(typed_roster("Penyeladi", "Kepala Desa {desa}"))  # PENYELADI's name
    page = uploaded_on_phone(sized_page, live_server.url, path)
    assert page.get_by_text("Tidak ada baris yang ditolak.").is_visible()
    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
