"""The import pages: upload, dry-run preview, save, rejected rows, column mapping, undo, scope."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports import engine, exports
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.retention import uploads_prune
from lindungdesa.lib import tabular
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.regions.models import Region
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, People, bpjs_row, to_csv
from tests.lib.test_readlimits import xlsx as hostile_xlsx
from tests.web.conftest import NANGA_BIANG, PENYELADI

pytestmark = pytest.mark.django_db


@pytest.fixture
def penyeladi() -> People:
    return People(Region.objects.get(code=PENYELADI))


@pytest.fixture
def three_rows(penyeladi) -> list[dict]:
    return [
        penyeladi.row("Yohanes Ale", "Kepala Desa", serial=11, akhir_menjabat="02/01/2030"),
        penyeladi.row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=12),
        penyeladi.row("Siti Rahma", "Ketua BPD", sex="P", born=date(1975, 11, 30), serial=13),
    ]


def upload(client, user, content: bytes, name: str = "daftar.csv", *, dry_run: bool = True, **fields):
    client.force_login(user)
    data = {"jenis": "roster", "berkas": SimpleUploadedFile(name, content), **fields}
    if dry_run:
        data["uji_coba"] = "on"
    return client.post("/impor/", data)


def uploaded_batch(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:2000]
    match = re.fullmatch(r"/impor/(\d+)/", response["Location"])
    assert match, response["Location"]
    return ImportBatch.objects.get(pk=int(match.group(1)))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert_csp_ready(html)
    return html


def assert_csp_ready(html: str) -> None:
    # The same rules as tests/web/test_pages_are_csp_ready.py, for the import pages.
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"<style", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def count_of(html: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", html).group(1)


# The upload page ------------------------------------------------------------------------------------------


def test_the_page_offers_the_upload_form_and_the_template(client, sanggau_operator):
    client.force_login(sanggau_operator)
    html = page(client, "/impor/")
    assert 'enctype="multipart/form-data"' in html
    assert 'value="roster"' in html and 'value="bpjs"' in html
    assert "checked" in re.search(r'<input[^>]*name="uji_coba"[^>]*>', html).group(0)  # a dry run first
    assert 'href="/impor/templat-roster.xlsx"' in html
    # Rudi may choose among the desa of Sanggau, by code.
    assert f'<option value="{PENYELADI}">Penyeladi</option>' in html
    assert '<option value="61.01.01.2001"' not in html


def test_the_template_downloads_as_a_workbook(client, village_operator):
    client.force_login(village_operator)
    response = client.get("/impor/templat-roster.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="templat-roster.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb["Data"][1]][:4] == ["kode_desa", "nama_desa", "nik", "nama"]


def test_the_village_operator_imports_only_for_her_own_desa(client, village_operator):
    client.force_login(village_operator)
    html = page(client, "/impor/")
    assert 'value="bpjs"' not in html
    desa_select = html.split('name="desa"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', desa_select) == [PENYELADI]


def test_the_village_operator_may_not_upload_a_bpjs_extract(client, village_operator):
    content = to_csv(BPJS_HEADER, [])
    response = upload(client, village_operator, content, jenis="bpjs", bulan="2026-02")
    assert response.status_code == 403
    assert "Operator desa tidak dapat mengimpor ekstrak BPJS" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_bpjs_extract_needs_its_month(client, sanggau_operator):
    response = upload(client, sanggau_operator, to_csv(BPJS_HEADER, []), jenis="bpjs")
    assert response.status_code == 200
    assert "Pilih bulan ekstrak BPJS." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_bpjs_extract_is_imported_for_its_month(client, sanggau_operator, roster):
    row = bpjs_row(roster.yohanes.nik, "17/08/1990", PENYELADI)
    response = upload(
        client, sanggau_operator, to_csv(BPJS_HEADER, [row]), jenis="bpjs", bulan="2026-02", dry_run=False
    )
    batch = uploaded_batch(response)
    assert (batch.kind, batch.state, batch.as_of, batch.created) == ("bpjs", "done", date(2026, 2, 1), 1)
    assert Enrolment.objects.get(kpj="12345678999").person == roster.yohanes


def test_a_desa_outside_the_users_region_is_refused(client, sanggau_operator, three_rows):
    response = upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows), desa="61.01.01.2001")
    assert response.status_code == 200
    assert "tidak ada di wilayah Anda" in response.content.decode()
    assert not ImportBatch.objects.exists()


# Dry run, save, result ------------------------------------------------------------------------------------


def test_a_dry_run_shows_the_preview_and_writes_nothing(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    assert (batch.state, batch.dry_run, batch.scope_code) == ("previewed", True, "61.03")
    assert batch.uploaded_by == sanggau_operator
    assert not Person.objects.exists()

    html = page(client, f"/impor/{batch.pk}/")
    assert "Hasil uji coba: belum ada yang disimpan." in html
    assert (count_of(html, "Baris"), count_of(html, "Akan dibuat"), count_of(html, "Ditolak")) == (
        "3",
        "3",
        "0",
    )
    assert "Simpan hasil ini" in html
    assert "Batalkan impor ini" not in html


def test_a_preview_whose_every_row_is_rejected_offers_nothing_to_save(client, sanggau_operator, three_rows):
    spoiled = [dict(row, jabatan="Juru Parkir") for row in three_rows]
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, spoiled)))
    assert (batch.state, batch.accepted, batch.rejected) == ("previewed", 0, 3)
    html = page(client, f"/impor/{batch.pk}/")
    assert "Simpan hasil ini" not in html
    assert "Tidak ada baris yang dapat disimpan: perbaiki baris yang ditolak, lalu unggah kembali." in html
    assert "Uji coba ini dapat disimpan sampai" not in html


def test_saving_the_preview_writes_the_rows(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    response = client.post(f"/impor/{batch.pk}/simpan/")
    assert response["Location"] == f"/impor/{batch.pk}/"
    batch.refresh_from_db()
    assert (batch.state, batch.dry_run, batch.created) == ("done", False, 3)
    assert set(Person.objects.values_list("name", flat=True)) == {"Yohanes Ale", "Maria Ulfa", "Siti Rahma"}
    assert Position.objects.filter(desa_id=PENYELADI).count() == 3

    html = page(client, f"/impor/{batch.pk}/")
    assert "Selesai" in html and "Simpan hasil ini" not in html
    assert (count_of(html, "Baru"), count_of(html, "Tidak berubah")) == ("3", "0")
    assert 'href="/rekonsiliasi/61.03/"' in html


def test_saving_twice_is_refused(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    client.post(f"/impor/{batch.pk}/simpan/")
    response = client.post(f"/impor/{batch.pk}/simpan/", follow=True)
    assert "Hanya uji coba yang selesai yang dapat disimpan." in response.content.decode()
    assert Person.objects.count() == 3


def test_saving_requires_post(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    assert client.get(f"/impor/{batch.pk}/simpan/").status_code == 405


def test_rejected_rows_are_listed_and_downloadable(client, sanggau_operator, three_rows, penyeladi):
    bad_date = penyeladi.row("Tanggal Salah", "Kaur Keuangan", serial=14, mulai_menjabat="31/02/2022")
    elsewhere = penyeladi.row("Desa Asing", "Kasi Pemerintahan", serial=15, kode_desa="61.99.99.2999")
    rows = [three_rows[0], bad_date, elsewhere]
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, rows), dry_run=False))
    assert (batch.accepted, batch.rejected) == (1, 2)

    html = page(client, f"/impor/{batch.pk}/")
    rejected = html.split("Baris yang ditolak")[1]
    assert '<th scope="row">Baris 3</th><td data-label="Kolom">mulai_menjabat</td>' in rejected
    assert "Kode desa 61.99.99.2999 tidak dikenal" in rejected
    assert f'href="/impor/{batch.pk}/ditolak.xlsx"' in rejected

    response = client.get(f"/impor/{batch.pk}/ditolak.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    # Dates are date cells that Excel shows as the template asks (DD/MM/YYYY): as the user typed them here.
    values = [
        [c.value.strftime("%d/%m/%Y") if c.is_date else c.value or "" for c in row]
        for row in sheet.iter_rows()
    ]
    assert sheet.cell(row=2, column=ROSTER_HEADER.index("tanggal_lahir") + 1).number_format == "DD/MM/YYYY"
    assert values[0] == [*ROSTER_HEADER, "alasan_penolakan"]
    assert [v[:-1] for v in values[1:]] == [
        [bad_date[h] for h in ROSTER_HEADER],
        [elsewhere[h] for h in ROSTER_HEADER],
    ]
    assert values[1][-1].startswith("mulai_menjabat: ")
    assert "61.99.99.2999" in values[2][-1]
    nik_cell = sheet.cell(row=2, column=ROSTER_HEADER.index("nik") + 1)
    assert (nik_cell.data_type, nik_cell.number_format, nik_cell.value) == ("s", "@", bad_date["nik"])


def test_rows_outside_the_village_operators_desa_are_rejected(client, village_operator, penyeladi):
    rows = [
        penyeladi.row("Yohanes Ale", "Kepala Desa", serial=11),
        penyeladi.row("Orang Nanga Biang", "Kaur Umum", serial=12, kode_desa=NANGA_BIANG, nama_desa=""),
    ]
    batch = uploaded_batch(upload(client, village_operator, to_csv(ROSTER_HEADER, rows), dry_run=False))
    assert (batch.scope_code, batch.accepted, batch.rejected) == (PENYELADI, 1, 1)
    assert "di luar wilayah Anda" in page(client, f"/impor/{batch.pk}/")


def test_a_roster_without_desa_codes_lands_in_the_chosen_desa(client, sanggau_operator, three_rows):
    header = [h for h in ROSTER_HEADER if h not in ("kode_desa", "nama_desa")]
    rows = [{h: r[h] for h in header} for r in three_rows]
    batch = uploaded_batch(
        upload(client, sanggau_operator, to_csv(header, rows), desa=f" {PENYELADI} ", dry_run=False)
    )
    assert (batch.state, batch.default_desa_id, batch.created) == ("done", PENYELADI, 3)
    assert Position.objects.filter(desa_id=PENYELADI).count() == 3


# Failures and column mapping ------------------------------------------------------------------------------


def test_an_unreadable_file_shows_why_and_the_upload_form_again(client, sanggau_operator):
    batch = uploaded_batch(upload(client, sanggau_operator, b"PK\x03\x04 bukan excel", name="daftar.xlsx"))
    assert batch.state == "failed" and batch.message
    html = page(client, f"/impor/{batch.pk}/")
    assert batch.message in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert "Tidak ada data yang diubah." in html
    assert 'enctype="multipart/form-data"' in html
    # Trying the same file again would fail the same way (audit3: "Coba lagi" after a PDF): not offered,
    # and refused when posted.
    assert batch.file_at_fault and "Coba lagi" not in html
    client.post(f"/impor/{batch.pk}/coba-lagi/")
    batch.refresh_from_db()
    assert batch.state == "failed"


UNKNOWN_HEADER = ["Wilayah Desa", "Identitas", "Sebutan", "Posisi", "Awal", "Catatan"]


def unknown_header_rows(rows: list[dict]) -> bytes:
    keys = ["kode_desa", "nik", "nama", "jabatan", "mulai_menjabat"]
    return to_csv(
        UNKNOWN_HEADER, [dict(zip(UNKNOWN_HEADER, [r[k] for k in keys] + ["-"], strict=True)) for r in rows]
    )


def test_unknown_headers_lead_to_the_mapping_step_and_then_to_the_import(
    client, sanggau_operator, three_rows
):
    batch = uploaded_batch(upload(client, sanggau_operator, unknown_header_rows(three_rows), dry_run=False))
    assert batch.state == "failed"
    html = page(client, f"/impor/{batch.pk}/")
    assert "Kolom wajib tidak ditemukan" in html
    assert f'action="/impor/{batch.pk}/pemetaan/"' in html
    for index, header in enumerate(UNKNOWN_HEADER):
        assert f'name="kolom_{index}"' in html and header in html
    assert "abaikan kolom ini" in html and '<option value="nik">' in html

    mapping = {"kolom_0": "kode_desa", "kolom_1": "nik", "kolom_2": "nama", "kolom_3": "jabatan",
               "kolom_4": "mulai_menjabat", "kolom_5": ""}  # fmt: skip
    response = client.post(f"/impor/{batch.pk}/pemetaan/", mapping)
    assert response["Location"] == f"/impor/{batch.pk}/"
    batch.refresh_from_db()
    assert batch.column_overrides == {"0": "kode_desa", "1": "nik", "2": "nama", "3": "jabatan",
                                      "4": "mulai_menjabat", "5": ""}  # fmt: skip
    assert (batch.state, batch.created, batch.rejected) == ("done", 3, 0)
    assert Person.objects.count() == 3


def test_one_field_may_come_from_one_column_only(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, unknown_header_rows(three_rows)))
    mapping = {"kolom_0": "kode_desa", "kolom_1": "nik", "kolom_2": "nama", "kolom_3": "nama"}
    response = client.post(f"/impor/{batch.pk}/pemetaan/", mapping)
    assert response.status_code == 200
    assert "Satu isian hanya dari satu kolom." in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == "failed" and batch.column_overrides == {}


# Undo -----------------------------------------------------------------------------------------------------


def test_the_last_import_can_be_undone_after_a_confirmation(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows), dry_run=False))
    assert f'href="/impor/{batch.pk}/batalkan/"' in page(client, f"/impor/{batch.pk}/")
    confirm = page(client, f"/impor/{batch.pk}/batalkan/")
    assert "Batalkan impor ini?" in confirm and "Ya, batalkan impor" in confirm
    # Every object it wrote (three people, three terms), as the message after the undo counts them.
    assert "Seluruhnya 6 perubahan data dikembalikan" in confirm
    assert Person.objects.count() == 3  # asking is not doing

    response = client.post(f"/impor/{batch.pk}/batalkan/", follow=True)
    assert "Impor dibatalkan: 6 perubahan data dikembalikan" in response.content.decode()
    batch.refresh_from_db()
    assert (batch.state, batch.undone_by) == ("undone", sanggau_operator)
    assert not Person.objects.exists()


def test_an_older_import_cannot_be_undone(client, sanggau_operator, three_rows):
    first = uploaded_batch(
        upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows[:1]), dry_run=False)
    )
    second = uploaded_batch(
        upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows[1:]), dry_run=False)
    )
    html = page(client, f"/impor/{first.pk}/")
    # It says why, and which one to undo first (audit3: the button was simply gone).
    assert "Batalkan impor ini" not in html
    assert f"setelah impor #{second.pk}, yang disimpan sesudahnya" in html
    assert "setelah impor #" not in page(client, f"/impor/{second.pk}/")
    assert f"setelah impor #{second.pk}" in page(client, f"/impor/{first.pk}/batalkan/")
    html = client.post(f"/impor/{first.pk}/batalkan/", follow=True).content.decode()
    assert "Hanya impor terakhir yang dapat dibatalkan" in html
    assert Person.objects.count() == 3


# Background progress --------------------------------------------------------------------------------------


def test_a_running_import_shows_a_progress_bar_that_polls(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)
    html = page(client, f"/impor/{batch.pk}/")
    assert f'hx-get="/impor/{batch.pk}/progres/"' in html and 'hx-trigger="every 1s"' in html
    assert "<progress" in html

    partial = client.get(f"/impor/{batch.pk}/progres/", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.content.decode().startswith('<div id="progres"')
    assert "Membaca berkas" in partial.content.decode()


def test_the_progress_shows_rows_done(client, sanggau_operator, three_rows):
    from django.core.cache import cache

    from lindungdesa.imports.tasks import progress_key

    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)
    cache.set(progress_key(batch.pk), (1200, 5000))
    try:
        html = client.get(f"/impor/{batch.pk}/progres/").content.decode()
    finally:
        cache.delete(progress_key(batch.pk))
    assert '<progress max="5000" value="1200">' in html
    assert "1.200 dari 5.000 baris diproses" in html


def test_a_finished_import_makes_the_page_reload(client, sanggau_operator, three_rows):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    response = client.get(f"/impor/{batch.pk}/progres/", headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"


# History and scope ----------------------------------------------------------------------------------------


def test_the_history_shows_who_when_which_file_and_the_counts(client, sanggau_operator, analyst, three_rows):
    uploaded_batch(
        upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows), name="sanggau-2026.csv")
    )
    client.force_login(analyst)
    html = page(client, "/impor/")
    row = html.split("sanggau-2026.csv</a></th>")[1].split("</tr>")[0]
    assert "Rudi" in row and "Uji coba selesai (belum disimpan)" in row
    assert re.findall(r'class="num">(\d+)</td>', row) == ["3", "3", "3", "0", "0", "0"]


def test_the_newest_import_comes_first(client, sanggau_operator, three_rows):
    upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows), name="pertama.csv")
    upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows), name="kedua.csv")
    html = page(client, "/impor/")
    assert html.index("kedua.csv") < html.index("pertama.csv")


def test_the_outsider_cannot_see_a_sanggau_import(client, sanggau_operator, outsider, three_rows, penyeladi):
    rows = [*three_rows, penyeladi.row("Ditolak", "Camat", serial=19)]
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, rows)))
    client.force_login(outsider)
    assert "daftar.csv" not in page(client, "/impor/")
    for url in ["", "progres/", "ditolak.xlsx", "batalkan/"]:
        assert client.get(f"/impor/{batch.pk}/{url}").status_code == 404, url
    for url in ["simpan/", "batalkan/", "pemetaan/"]:
        assert client.post(f"/impor/{batch.pk}/{url}").status_code == 404, url
    batch.refresh_from_db()
    assert batch.state == "previewed"


def test_a_village_operator_sees_her_own_imports_but_not_the_regencys(
    client, sanggau_operator, village_operator, three_rows
):
    regency = uploaded_batch(
        upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows), name="kab.csv")
    )
    own = uploaded_batch(upload(client, village_operator, to_csv(ROSTER_HEADER, three_rows), name="desa.csv"))
    html = page(client, "/impor/")
    assert "desa.csv" in html and "kab.csv" not in html
    assert client.get(f"/impor/{regency.pk}/").status_code == 404
    assert client.get(f"/impor/{own.pk}/").status_code == 200
    # The regency operator sees both: the village's batch lies inside Sanggau.
    client.force_login(sanggau_operator)
    html = page(client, "/impor/")
    assert "desa.csv" in html and "kab.csv" in html


def test_rejected_rows_are_whole_so_only_for_roles_that_see_personal_data(
    client, sanggau_operator, analyst, penyeladi
):
    """The rows as sent, birth date and sex beside the NIK: no mask makes them safe (docs/security.md)."""
    row = penyeladi.row("Jabatan Asing", "Camat", serial=21)
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, [row])))
    client.force_login(analyst)
    assert client.get(f"/impor/{batch.pk}/ditolak.xlsx").status_code == 403
    assert f"/impor/{batch.pk}/ditolak.xlsx" not in client.get(f"/impor/{batch.pk}/").content.decode()
    client.force_login(sanggau_operator)
    sheet = load_workbook(io.BytesIO(client.get(f"/impor/{batch.pk}/ditolak.xlsx").content)).active
    assert sheet.cell(row=2, column=ROSTER_HEADER.index("nik") + 1).value == row["nik"]


@pytest.mark.parametrize(
    "url",
    ["/impor/", "/impor/1/", "/impor/1/progres/", "/impor/1/ditolak.xlsx", "/impor/templat-roster.xlsx"],
)
def test_the_import_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_the_navigation_leads_to_the_imports_and_the_reconciliation(client, village_operator):
    client.force_login(village_operator)
    html = page(client, "/impor/")
    nav = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    assert 'href="/impor/" aria-current="page"' in nav
    assert 'href="/rekonsiliasi/"' in nav and 'href="/"' in nav


def test_office_names_from_the_file_are_read(client, sanggau_operator, penyeladi):
    row = penyeladi.row("Antonius", "Kadus Sungai Ayak", serial=31)
    uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, [row]), dry_run=False))
    assert Position.objects.get(person__name="Antonius").office == Office.KEPALA_DUSUN


# Limits and retention (issue 18, defect 8) ------------------------------------------------------------------


def test_a_failed_batchs_page_never_reads_its_file_again(client, sanggau_operator, three_rows, monkeypatch):
    # The page renders from what the batch recorded when the job read the file: with the file gone and
    # every reader refusing, the mapping step is still offered.
    batch = uploaded_batch(upload(client, sanggau_operator, unknown_header_rows(three_rows), dry_run=False))
    assert (batch.state, batch.headers) == ("failed", UNKNOWN_HEADER)
    # A NIK column is not required: a roster may name people by name and birth date.
    assert "nama" in batch.missing_columns and "nik" not in batch.missing_columns
    default_storage.delete(batch.file.name)

    def no_reading(*args, **kwargs):
        raise AssertionError("the page read the uploaded file")

    monkeypatch.setattr(tabular, "read_table", no_reading)
    monkeypatch.setattr(engine, "read_table", no_reading)
    monkeypatch.setattr(exports, "read_table", no_reading)
    html = page(client, f"/impor/{batch.pk}/")
    assert "Kolom wajib tidak ditemukan" in html
    assert f'action="/impor/{batch.pk}/pemetaan/"' in html
    for index, header in enumerate(UNKNOWN_HEADER):
        assert f'name="kolom_{index}"' in html and header in html
    # A mapping that cannot be taken is shown again, still without reading.
    response = client.post(f"/impor/{batch.pk}/pemetaan/", {"kolom_1": "nik", "kolom_2": "nik"})
    assert response.status_code == 200 and "Satu isian hanya dari satu kolom." in response.content.decode()


def test_a_finished_batchs_page_never_reads_its_file(client, sanggau_operator, three_rows, monkeypatch):
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    default_storage.delete(batch.file.name)
    monkeypatch.setattr(tabular, "read_table", pytest.fail)
    monkeypatch.setattr(engine, "read_table", pytest.fail)
    html = page(client, f"/impor/{batch.pk}/")
    assert "Hasil uji coba" in html and count_of(html, "Diterima") == "3"


def test_a_zip_bomb_upload_fails_with_the_limit_named(client, sanggau_operator, settings):
    settings.IMPORT_MAX_UNPACKED_MB = 1
    bomb = hostile_xlsx(padding=4 * 1024 * 1024)  # workbook.xml padded to 4 MB, a few kilobytes packed
    assert len(bomb) < 20_000
    batch = uploaded_batch(upload(client, sanggau_operator, bomb, name="bom.xlsx"))
    assert batch.state == "failed"
    assert batch.message.startswith(
        "Isi berkas bom.xlsx lebih dari 1 MB setelah diekstrak, batas satu impor."
    )
    html = page(client, f"/impor/{batch.pk}/")
    assert "lebih dari 1 MB setelah diekstrak" in html and 'enctype="multipart/form-data"' in html


def test_an_upload_past_the_users_quota_is_refused_with_why(client, sanggau_operator, settings):
    settings.IMPORT_QUOTA_MB = 1
    response = upload(client, sanggau_operator, b"nik,nama\n" + b"6103014507890001,Maria\n" * 50_000)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ruang simpan unggahan Anda penuh" in html and "melebihi batas 1 MB per pengguna" in html
    assert not ImportBatch.objects.exists()


def test_the_page_says_how_long_the_batch_is_kept(client, sanggau_operator, three_rows, settings):
    settings.IMPORT_DRAFT_DAYS, settings.IMPORT_UNDO_DAYS = 7, 90
    preview = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, three_rows)))
    until = timezone.localtime(preview.finished_at + timedelta(days=7)).strftime("%d-%m-%Y")
    assert f"Uji coba ini dapat disimpan sampai {until}" in page(client, f"/impor/{preview.pk}/")
    client.post(f"/impor/{preview.pk}/simpan/")
    preview.refresh_from_db()
    until = timezone.localtime(preview.finished_at + timedelta(days=90)).strftime("%d-%m-%Y")
    assert f"baris yang ditolak disimpan sampai {until}" in page(client, f"/impor/{preview.pk}/")


def test_a_pruned_import_says_its_details_are_gone_and_offers_no_undo(
    client, sanggau_operator, three_rows, penyeladi, settings
):
    rows = [*three_rows, penyeladi.row("Bukan Jabatan", "Camat", serial=40)]
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, rows), dry_run=False))
    assert f'href="/impor/{batch.pk}/batalkan/"' in page(client, f"/impor/{batch.pk}/")
    uploads_prune(now=batch.finished_at + timedelta(days=settings.IMPORT_UNDO_DAYS, seconds=1))
    html = page(client, f"/impor/{batch.pk}/")
    assert "dihapus pada" in html and "setelah masa simpannya; riwayat dan jumlahnya tetap" in html
    assert "Rincian baris yang ditolak sudah dihapus." in html
    assert "batalkan/" not in html
    assert "catatan untuk membatalkannya sudah tidak disimpan" in page(client, f"/impor/{batch.pk}/batalkan/")


def test_the_preview_names_who_will_be_created_or_changed_masked_per_the_viewers_rights(
    client, sanggau_operator, three_rows
):
    from tests.web.conftest import make_user

    rows = [*three_rows, dict(three_rows[0], nik="", nama="Tanpa NIK", tanggal_lahir="01/01/1970")]
    rows[-1]["jabatan"] = "Kepala Dusun"
    batch = uploaded_batch(upload(client, sanggau_operator, to_csv(ROSTER_HEADER, rows)))
    assert batch.state == "previewed" and not Person.objects.exists()
    html = page(client, f"/impor/{batch.pk}/")
    assert "Yang akan dibuat atau diubah" in html
    # Pages mask every NIK, also for the operator who may see it whole (docs/security.md): the whole values
    # are in the API and the downloads.
    assert "Yohanes Ale" in html and three_rows[0]["nik"] not in html
    assert "************" + three_rows[0]["nik"][-4:] in html
    assert "Tanpa NIK" in html and "NIK belum ada" in html
    # A province analyst sees the imports and the names, not the NIKs.
    analyst = make_user("ana", "province_analyst", "61", "Ana")
    client.force_login(analyst)
    html = page(client, f"/impor/{batch.pk}/")
    assert "Yohanes Ale" in html and three_rows[0]["nik"] not in html
    assert "************" + three_rows[0]["nik"][-4:] in html


def test_an_extract_s_page_masks_every_nik_it_names_or_quotes(client, sanggau_operator, penyeladi):
    from tests.web.conftest import make_user

    person = penyeladi.row("Yohanes Apui", "Kepala Desa", serial=21)
    # A KPJ not of 11 digits: kept, with a warning quoting it.
    row = bpjs_row(person["nik"], person["tanggal_lahir"], PENYELADI, kpj="1234567890123")
    client.force_login(sanggau_operator)
    data = {"jenis": "bpjs", "bulan": "2026-02", "uji_coba": "on"}
    response = client.post(
        "/impor/", {**data, "berkas": SimpleUploadedFile("e.csv", to_csv(BPJS_HEADER, [row]))}
    )
    batch = uploaded_batch(response)
    assert any("1234567890123" in w["message"] for w in batch.warnings)
    batch.rejected_rows.create(row_number=3, field="nik", message=f"NIK {person['nik']} dua kali.", data={})
    html = page(client, f"/impor/{batch.pk}/")
    # The operator reads the participant's name and KPJ, the NIK masked in the list and in the reason.
    assert "Yohanes Apui" in html and person["nik"] not in html
    assert re.search(r'class="nik">\*{12}' + person["nik"][-4:] + "<", html)
    assert "NIK ************" + person["nik"][-4:] + " dua kali." in html
    assert re.search(r'data-label="Jabatan / KPJ">1234567890123<', html)
    # The analyst (no personal-data right): the KPJ masked too, in the list and in the warning.
    client.force_login(make_user("ana", "province_analyst", "61", "Ana"))
    html = page(client, f"/impor/{batch.pk}/")
    assert "Yohanes Apui" in html and person["nik"] not in html and "1234567890123" not in html
    assert "*********0123" in html
