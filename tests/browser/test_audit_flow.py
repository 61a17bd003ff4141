"""Changes made in the browser show on the audit page: a user made and changed, a match confirmed, an
import saved. And the API documentation page runs under the Content Security Policy."""

import re
from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.browser.conftest import sign_in
from tests.factories import make_nik, make_position
from tests.imports.conftest import ROSTER_HEADER, People, to_csv

pytestmark = pytest.mark.browser

PASSWORD = "sandi-uji-12345"


@pytest.fixture
def world(regions, tmp_path):
    agus = User(username="agus", role=User.Role.REGENCY_ADMIN, region_id="61.03", first_name="Agus")
    agus.set_password(PASSWORD)
    agus.save()
    desa = Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()
    kades = make_position(desa, Office.KEPALA_DESA, date(2020, 1, 1), name="Yohanes Sanggau")
    participant = Enrolment.objects.create(
        nik=make_nik(desa.district_code, date(1980, 5, 17), serial=77),
        bpjs_name="YOHANES SANGGAU",
        bpjs_birth_date=date(1980, 5, 17),
        kpj="12345678901",
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2024, 1, 1),
        paid_through=date(2026, 1, 1),
        kode_desa=desa.code,
    )
    MatchProposal.objects.create(
        enrolment=participant, person=kades.person, reason="nama dan tanggal lahir sama"
    )
    people = People(desa)
    path = tmp_path / "aparat-baru.csv"
    path.write_bytes(to_csv(ROSTER_HEADER, [people.row("Maria Ulfa", "Sekretaris Desa", sex="P", serial=2)]))
    # Read everything now: once Playwright runs, this thread may not touch the database.
    return {"desa": desa.code, "file": path, "enrolment": participant.pk}


def test_changes_made_in_the_browser_show_on_the_audit_page(world, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server.url, "agus", "61.03", PASSWORD)

    # A user is made, then changed.
    page.get_by_role("link", name="Pengguna", exact=True).click()
    page.get_by_role("link", name="Tambah pengguna").click()
    page.fill("input[name=username]", "sari.desa")
    page.fill("input[name=first_name]", "Sari")
    page.select_option("select[name=role]", "village_operator")
    page.fill("input[name=region]", world["desa"])
    page.fill("input[name=password1]", "sandi-awal-yang-kuat-1")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.get_by_text("Pengguna sari.desa dibuat.").wait_for()
    page.fill("input[name=first_name]", "Sari Dewi")
    page.get_by_role("button", name="Simpan", exact=True).click()
    page.get_by_text("Perubahan pengguna sari.desa disimpan.").wait_for()

    # A BPJS participant is matched to the person on the roster.
    page.goto(f"{live_server.url}/rekonsiliasi/{world['desa']}/")
    page.get_by_role("button", name="Konfirmasi: orang yang sama").click()
    page.get_by_text("YOHANES SANGGAU dicocokkan dengan Yohanes Sanggau.").wait_for()

    # A roster is imported and saved.
    page.get_by_role("link", name="Impor", exact=True).click()
    page.get_by_label("Daftar aparat dan BPD").check()
    page.fill("input[name=desa]", world["desa"])
    page.set_input_files("input[name=berkas]", str(world["file"]))
    page.get_by_role("button", name="Unggah dan periksa").click()
    page.wait_for_url(re.compile(r".*/impor/\d+/$"))
    page.get_by_role("button", name="Simpan hasil ini").click()
    page.locator(".batch-meta .state-done").wait_for()

    # Every change is on the audit page, with who made it.
    page.get_by_role("link", name="Audit", exact=True).click()
    page.fill("input[name=pengguna]", "agus")
    page.get_by_role("button", name="Cari", exact=True).click()
    rows = page.locator("table.audit tbody tr")
    text = rows.all_inner_texts()
    assert any("Dibuat" in r and "sari.desa" in r for r in text), text
    # In words: field labels and the kind of data by name, not column names (accounts/audit_display.py).
    assert any("Diubah" in r and "Nama depan" in r and "Sari Dewi" in r for r in text), text
    matched = [r for r in text if "Kepesertaan" in r and "Diubah" in r]
    assert matched and "Orang" in matched[0] and "Yohanes Sanggau" in matched[0]
    assert any("Impor" in r and "aparat-baru.csv" in r for r in text), text
    assert all("agus" in r for r in text)
    page.screenshot(path="test-results/audit.png", full_page=True)

    # The same search, downloaded.
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh hasil (CSV)").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert "sari.desa" in content and "aparat-baru.csv" in content


def test_the_api_documentation_runs_under_the_content_security_policy(world, live_server, browser_page):
    page = browser_page
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    sign_in(page, live_server.url, "agus", "61.03", PASSWORD)
    page.goto(live_server.url + "/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.get_by_text("/api/people/", exact=True).first.is_visible()
    assert violations == []
    page.screenshot(path="test-results/api-docs.png", full_page=False)
