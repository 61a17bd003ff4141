"""What each role sees on the pages inside its own region (the scope matrix checks outside)."""

import pytest

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.lib.nik import nik_mask
from tests.web.conftest import PENYELADI, PERIOD, make_user
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


def test_a_viewer_sees_the_desa_figures_but_no_names(client, roster):
    client.force_login(make_user("lihat", User.Role.VIEWER, "61.03", "Lihat"))
    html = client.get(f"/wilayah/{PENYELADI}/?periode={PERIOD}").content.decode()
    assert "Budi Santoso" not in html and nik_mask(roster.budi.nik) not in html
    assert "hanya melihat angka gabungan" in html
    assert client.get(f"/rekonsiliasi/{PENYELADI}/").status_code == 403
    assert client.get("/impor/").status_code == 403


def test_the_menu_shows_only_what_the_role_may_open(client, roster):
    client.force_login(make_user("lihat", User.Role.VIEWER, "61.03", "Lihat"))
    nav = client.get("/wilayah/61.03/").content.decode().split('class="site-nav"')[1].split("</nav>")[0]
    assert "Dasbor" in nav and "Akun" in nav
    assert "Impor" not in nav and "Rekonsiliasi" not in nav and "Audit" not in nav and "Pengguna" not in nav
    # Nor does the page itself link to what the role may not open (found by tests/browser/test_every_page.py).
    for code in ("61", "61.03", "61.03.01"):
        assert "/rekonsiliasi/" not in client.get(f"/wilayah/{code}/").content.decode(), code


def test_an_analyst_sees_imports_but_may_not_upload(client, roster, analyst):
    client.force_login(analyst)
    html = client.get("/impor/").content.decode()
    assert "Riwayat impor" in html and "Unggah berkas" not in html
    response = client.post("/impor/", {"jenis": "roster"})
    assert response.status_code == 403


def test_a_bpjs_officer_uploads_extracts_but_not_rosters(client, roster):
    client.force_login(make_user("bpjs", User.Role.BPJS_OFFICER, "61", "BPJS"))
    html = client.get("/impor/").content.decode()
    assert 'value="bpjs"' in html and 'value="roster"' not in html


def test_every_download_of_person_lists_is_logged_masked_or_not(client, roster, analyst, sanggau_operator):
    client.force_login(analyst)
    assert client.get(f"/rekonsiliasi/{PENYELADI}/belum-terdaftar.xlsx?periode={PERIOD}").status_code == 200
    client.force_login(sanggau_operator)
    client.get(f"/rekonsiliasi/{PENYELADI}/menunggak.xlsx?periode={PERIOD}")
    logged = {e.username: e.after for e in AuditEntry.objects.filter(action="export")}
    assert logged["dewi"]["masked"] is True and logged["rudi"]["masked"] is False
    assert logged["rudi"]["file_name"] == f"rekonsiliasi-{PENYELADI}-{PERIOD}-menunggak.xlsx"


def test_ids_too_large_for_the_database_are_not_found(client, roster):
    client.force_login(make_user("adm", User.Role.ADMIN, "61", "Admin"))
    huge = "46287874045279398264832"
    for url in [
        f"/impor/{huge}/",
        f"/pengguna/{huge}/",
        f"/rekonsiliasi/{PENYELADI}/usulan/{huge}/konfirmasi/",
    ]:
        response = client.post(url) if "konfirmasi" in url else client.get(url)
        assert response.status_code == 404, url
    assert client.post(f"/akun/token/{huge}/cabut/").status_code == 404


def test_import_messages_quote_identifiers_masked_for_an_analyst(client, roster, analyst, sanggau_operator):
    from lindungdesa.imports.models import ImportBatch

    batch = ImportBatch.objects.create(
        kind="bpjs", state="done", file_name="bpjs.csv", file_sha256="0" * 64, uploaded_by=sanggau_operator,
        scope_code="61.03",
        warnings=[{"row": 2, "field": "kpj", "message": "Nomor KPJ 123456789012 terdiri dari 12 digit."}],
    )  # fmt: skip
    batch.rejected_rows.create(row_number=3, field="nik", message="NIK 6103011204750001 dua kali.", data={})
    batch.rejected_rows.create(
        row_number=4, field="tanggal_lahir", message="Tanggal lahir tidak sesuai NIK: menurut NIK 12-04-1975."
    )
    client.force_login(analyst)
    html = client.get(f"/impor/{batch.pk}/").content.decode()
    assert "123456789012" not in html and "********9012" in html
    assert "6103011204750001" not in html and "************0001" in html
    assert "12-04-1975" not in html and "menurut NIK **-**-****" in html  # a birth date, withheld
    client.force_login(sanggau_operator)
    html = client.get(f"/impor/{batch.pk}/").content.decode()
    assert "123456789012" in html and "12-04-1975" in html
