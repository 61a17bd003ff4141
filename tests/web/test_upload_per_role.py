"""Every role that may upload fills the upload form as the page renders it, posts it and reaches the preview.

The form is read from the page (its fields, their choices and defaults), then posted with only what a
person could fill in it: a field the page does not show cannot be sent. This is how the BPJS officer's
missing "Bulan ekstrak BPJS" field was found (issue 20).
"""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lindungdesa.accounts.models import User
from lindungdesa.imports.models import ImportBatch
from lindungdesa.regions.models import Region
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, People, bpjs_row, to_csv
from tests.web.conftest import PENYELADI, make_user

pytestmark = pytest.mark.django_db


class FormReader(HTMLParser):
    """The fields of the page's upload form: name -> {"type", "values", "checked", "required"}."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.select: str | None = None
        self.fields: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "upload" in (a.get("class") or ""):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("hidden",):
            field = self.fields.setdefault(
                a["name"], {"type": a.get("type", "text"), "values": [], "checked": None, "required": False}
            )
            field["values"].append(a.get("value", ""))
            field["required"] |= "required" in a
            if "checked" in a:
                field["checked"] = a.get("value", "on")
        elif tag == "select":
            self.select = a["name"]
            self.fields[a["name"]] = {
                "type": "select",
                "values": [],
                "checked": None,
                "required": "required" in a,
            }
        elif tag == "option" and self.select:
            self.fields[self.select]["values"].append(a.get("value", ""))
            if "selected" in a:
                self.fields[self.select]["checked"] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None


def read_form(html: str) -> dict[str, dict]:
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def fill_and_post(client, *, kind: str, content: bytes, month: str = "", desa: str = ""):
    """Fill the form shown on /impor/ as a person would, post it and follow to the page it leads to."""
    response = client.get("/impor/")
    assert response.status_code == 200
    fields = read_form(response.content.decode())
    assert kind in fields["jenis"]["values"], fields["jenis"]
    data = {"jenis": kind, "berkas": SimpleUploadedFile("berkas.csv", content), "uji_coba": "on"}
    if month:
        assert "bulan" in fields, "the form has no month field for a BPJS extract"
        data["bulan"] = month
    if "desa" in fields:
        field = fields["desa"]
        data["desa"] = desa or field["checked"] or ""
        if field["type"] == "select":
            assert data["desa"] in field["values"]
    unknown = set(data) - set(fields)
    assert not unknown, f"posting fields the page does not show: {unknown}"
    return client.post("/impor/", data, follow=True)


def bpjs_extract(desa: Region) -> bytes:
    person = People(desa).row("Yohanes Apui", "Kepala Desa", serial=21)
    return to_csv(BPJS_HEADER, [bpjs_row(person["nik"], person["tanggal_lahir"], desa.code)])


def roster_file(desa: Region, *, with_code: bool = True) -> bytes:
    rows = [
        People(desa).row("Yohanes Ale", "Kepala Desa", serial=11),
        People(desa).row("Maria Ulfa", "Sekretaris Desa", sex="P", born=date(1988, 2, 9), serial=12),
    ]
    header = ROSTER_HEADER
    if not with_code:
        header = [name for name in ROSTER_HEADER if name not in ("kode_desa", "nama_desa")]
        rows = [{k: v for k, v in row.items() if k in header} for row in rows]
    return to_csv(header, rows)


def assert_preview(response, kind: str, rows: int) -> None:
    assert response.redirect_chain, response.content.decode()[:3000]
    assert re.fullmatch(r"/impor/\d+/", response.redirect_chain[-1][0])
    html = response.content.decode()
    assert "Hasil uji coba: belum ada yang disimpan." in html
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.state, batch.dry_run, batch.total_rows) == (kind, "previewed", True, rows)


USERS = {
    "village_operator": (User.Role.VILLAGE_OPERATOR, PENYELADI),
    "regency_operator": (User.Role.REGENCY_OPERATOR, "61.03"),
    "regency_admin": (User.Role.REGENCY_ADMIN, "61.03"),
    "admin": (User.Role.ADMIN, "61"),
    "bpjs_officer": (User.Role.BPJS_OFFICER, "61"),
}


def login(client, key: str) -> User:
    role, region = USERS[key]
    user = make_user(key, role, region, key)
    client.force_login(user)
    return user


@pytest.mark.parametrize("key", ["village_operator", "regency_operator", "regency_admin", "admin"])
def test_each_roster_keeper_uploads_a_roster_and_reaches_the_preview(client, key):
    login(client, key)
    penyeladi = Region.objects.get(code=PENYELADI)
    response = fill_and_post(client, kind="roster", content=roster_file(penyeladi))
    assert_preview(response, "roster", 2)


@pytest.mark.parametrize("key", ["village_operator", "regency_operator"])
def test_a_roster_without_desa_codes_is_uploaded_for_the_desa_chosen_in_the_form(client, key):
    login(client, key)
    penyeladi = Region.objects.get(code=PENYELADI)
    response = fill_and_post(
        client, kind="roster", content=roster_file(penyeladi, with_code=False), desa=PENYELADI
    )
    assert_preview(response, "roster", 2)
    assert ImportBatch.objects.get().default_desa_id == PENYELADI


@pytest.mark.parametrize("key", ["bpjs_officer", "regency_operator", "regency_admin", "admin"])
def test_each_role_that_may_upload_an_extract_reaches_its_preview(client, key):
    login(client, key)
    response = fill_and_post(
        client, kind="bpjs", content=bpjs_extract(Region.objects.get(code=PENYELADI)), month="2026-02"
    )
    assert_preview(response, "bpjs", 1)
    assert ImportBatch.objects.get().as_of == date(2026, 2, 1)


def test_the_bpjs_officer_sees_only_what_an_extract_needs(client):
    login(client, "bpjs_officer")
    html = client.get("/impor/").content.decode()
    fields = read_form(html)
    assert fields["jenis"]["values"] == ["bpjs"]
    assert fields["bulan"]["required"]
    assert "desa" not in fields  # an extract names the desa of each row
    assert "templat-roster.xlsx" not in html
    # The file's help speaks of the extract, not of OpenSID's list of officials (audit helper).
    assert "OpenSID" not in html


def test_a_missing_month_is_said_beside_the_month_field(client):
    login(client, "bpjs_officer")
    content = bpjs_extract(Region.objects.get(code=PENYELADI))
    response = client.post("/impor/", {"jenis": "bpjs", "berkas": SimpleUploadedFile("b.csv", content)})
    html = response.content.decode()
    assert response.status_code == 200
    beside = html.split('name="bulan"')[1].split("<label")[0]
    assert "Pilih bulan ekstrak BPJS." in beside
    assert not ImportBatch.objects.exists()


def test_a_wrong_desa_is_said_beside_the_desa_field_and_asks_for_the_file_again(client):
    login(client, "regency_operator")
    penyeladi = Region.objects.get(code=PENYELADI)
    content = roster_file(penyeladi, with_code=False)
    response = client.post(
        "/impor/",
        {"jenis": "roster", "berkas": SimpleUploadedFile("r.csv", content), "desa": "61.01.01.2001"},
    )
    html = response.content.decode()
    beside = html.split('name="desa"')[1].split("<label")[0]
    assert "tidak ada di wilayah Anda" in beside
    assert "pilih berkasnya lagi" in html


@pytest.mark.parametrize("role", [User.Role.PROVINCE_ANALYST, User.Role.VIEWER])
def test_roles_that_may_not_upload_see_no_form(client, role):
    user = make_user("tanpa-unggah", role, "61", "Tanpa")
    client.force_login(user)
    response = client.get("/impor/")
    if response.status_code == 200:
        assert read_form(response.content.decode()) == {}
    else:
        assert response.status_code == 403


def history(client, user: User) -> set[int]:
    """The batches a user's history lists, on the page and in the API."""
    client.force_login(user)
    listed = {int(pk) for pk in re.findall(r'href="/impor/(\d+)/"', client.get("/impor/").content.decode())}
    api = {row["id"] for row in client.get("/api/imports/").json()["results"]}
    assert listed == api
    return listed


def test_a_bpjs_officer_follows_the_extracts_of_its_region_not_the_villages_rosters(client):
    penyeladi = Region.objects.get(code=PENYELADI)
    login(client, "village_operator")
    fill_and_post(client, kind="roster", content=roster_file(penyeladi))
    roster = ImportBatch.objects.get(kind="roster")
    sanggau_operator = login(client, "regency_operator")
    fill_and_post(client, kind="bpjs", content=bpjs_extract(penyeladi), month="2026-02")
    sanggau_extract = ImportBatch.objects.get(kind="bpjs")
    province_officer = login(client, "bpjs_officer")
    fill_and_post(client, kind="bpjs", content=bpjs_extract(penyeladi), month="2026-03")
    province_extract = ImportBatch.objects.get(kind="bpjs", scope_code="61")
    sanggau_officer = make_user("bpjs.sanggau", User.Role.BPJS_OFFICER, "61.03", "Bpjs Sanggau")
    sambas_officer = make_user("bpjs.sambas", User.Role.BPJS_OFFICER, "61.01", "Bpjs Sambas")
    analyst = make_user("analis", User.Role.PROVINCE_ANALYST, "61", "Analis")

    # The officers see the extracts landing in their region (and their own), never a desa's roster draft.
    assert history(client, province_officer) == {sanggau_extract.pk, province_extract.pk}
    assert client.get(f"/impor/{roster.pk}/").status_code == 404
    assert client.get(f"/api/imports/{roster.pk}/").status_code == 404
    assert history(client, sanggau_officer) == {sanggau_extract.pk}  # the province's extract is not theirs
    assert client.get(f"/impor/{province_extract.pk}/").status_code == 404
    assert history(client, sambas_officer) == set()
    # Roles that import both follow both; a role that imports neither (the analyst) follows both too.
    assert history(client, sanggau_operator) == {roster.pk, sanggau_extract.pk}
    assert history(client, analyst) == {roster.pk, sanggau_extract.pk, province_extract.pk}
    village_operator = User.objects.get(username="village_operator")
    assert history(client, village_operator) == {roster.pk}
