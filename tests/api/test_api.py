"""The REST API: tokens, the same roles and scope as the pages, masking, pagination, writes, errors."""

import io
from datetime import date

import pytest
from django.test import Client

from lindungdesa.accounts.models import AuditEntry, User
from lindungdesa.api.auth import token_create
from lindungdesa.imports.models import ImportBatch
from lindungdesa.indicators.models import Target, TargetChange
from lindungdesa.lib.nik import nik_mask
from lindungdesa.officials.models import Person, Position
from tests.web.conftest import DALAM_KAUM, PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _token, key = token_create(user=user, name="uji")
    return Client(headers={"Authorization": f"Token {key}"})


@pytest.fixture
def people(db):
    def make(username, role, region):
        return User.objects.create_user(username=username, password="x", role=role, region_id=region)

    return {
        "operator": make("rudi", User.Role.REGENCY_OPERATOR, "61.03"),
        "analyst": make("dewi", User.Role.PROVINCE_ANALYST, "61"),
        "village": make("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI),
        "viewer": make("lihat", User.Role.VIEWER, "61.03"),
        "admin": make("adm", User.Role.ADMIN, "61"),
    }


def test_it_requires_a_token_or_a_session(client, roster):  # noqa: F811
    response = client.get("/api/people/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Silakan masuk, atau kirim token: Authorization: Token <kunci>."}
    bad = Client(headers={"Authorization": "Token bukan-kunci"}).get("/api/people/")
    assert bad.status_code == 401 and bad.json()["detail"] == "Token tidak sah atau sudah dicabut."


def test_a_revoked_or_inactive_users_token_stops_working(roster, people):  # noqa: F811
    token, key = token_create(user=people["operator"], name="uji")
    c = Client(headers={"Authorization": f"Bearer {key}"})
    assert c.get("/api/people/").status_code == 200
    token.delete()
    assert c.get("/api/people/").status_code == 401


def test_only_the_hash_of_a_key_is_kept(people):
    token, key = token_create(user=people["operator"], name="uji")
    token.refresh_from_db()
    assert key not in token.key_hash and token.key_hash != key and len(token.key_hash) == 64


def test_a_regency_operator_lists_only_its_regencys_people_with_whole_niks(roster, people):  # noqa: F811
    data = api(people["operator"]).get("/api/people/").json()
    names = {p["name"] for p in data["results"]}
    assert "Budi Santoso" in names and "Stefanus Mukok" in names
    assert "Zulkarnain Sambas" not in names
    budi = next(p for p in data["results"] if p["name"] == "Budi Santoso")
    assert budi["nik"] == roster.budi.nik
    assert {p["desa"] for p in budi["positions"]} == {PENYELADI}


def test_an_analyst_sees_masked_identifiers(roster, people):  # noqa: F811
    c = api(people["analyst"])
    budi = c.get(f"/api/people/{roster.budi.pk}/").json()
    assert budi["nik"] == nik_mask(roster.budi.nik)
    kpjs = [e["kpj"] for e in c.get(f"/api/enrolments/?person={roster.budi.pk}").json()["results"]]
    assert kpjs and all(k == "*******8901" for k in kpjs)


def test_outside_the_region_is_not_found(roster, people):  # noqa: F811
    c = api(people["operator"])
    response = c.get(f"/api/people/{roster.zulkarnain.pk}/")
    assert response.status_code == 404 and response.json() == {"detail": "Data tidak ditemukan."}
    assert c.get(f"/api/regions/{DALAM_KAUM}/").status_code == 404
    assert c.get("/api/indicators/61.01/").status_code == 404


def test_a_viewer_may_read_figures_but_not_people(roster, people):  # noqa: F811
    c = api(people["viewer"])
    assert c.get("/api/indicators/61.03/?period=2026-03").status_code == 200
    response = c.get("/api/people/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Peran Anda (Peninjau (hanya baca)) tidak mengizinkan tindakan ini."


def test_indicators_are_the_dashboards(roster, people):  # noqa: F811
    data = api(people["operator"]).get(f"/api/indicators/{PENYELADI}/?period=2026-03").json()
    assert (data["aparat_serving"], data["aparat_protected"]) == (4, 1)
    assert (data["bpd_serving"], data["bpd_protected"]) == (2, 1)


def test_lists_are_paginated_and_filtered(roster, people):  # noqa: F811
    c = api(people["operator"])
    page = c.get("/api/regions/?level=4&page_size=5").json()
    assert len(page["results"]) == 5 and page["count"] > 100 and page["next"]
    assert {r["code"][:5] for r in page["results"]} == {"61.03"}
    serving = c.get(f"/api/positions/?region={PENYELADI}&serving_on=2026-03-31&group=BPD").json()
    assert serving["count"] == 2
    assert c.get("/api/regions/?page=999").status_code == 404


def test_bad_parameters_get_indonesian_messages(roster, people):  # noqa: F811
    c = api(people["operator"])
    response = c.get("/api/indicators/61.03/?period=kemarin")
    assert response.status_code == 400
    assert response.json()["errors"] == {"period": ["Periode harus berbentuk TTTT-BB, mis. 2026-03."]}
    response = c.generic("PUT", "/api/targets/set/", "{bukan json", content_type="application/json")
    assert response.status_code in (400, 403)


def test_targets_are_set_through_the_service_and_audited(roster, people):  # noqa: F811
    c = api(people["analyst"])
    body = {"region_code": "61.03", "indicator": "aparat", "year": 2027, "value": "70.5", "note": "RPJMD"}
    response = c.put("/api/targets/set/", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert Target.objects.get(region_code="61.03", year=2027).value == 70.5
    assert TargetChange.objects.filter(region_code="61.03", changed_by=people["analyst"]).count() == 1
    entry = AuditEntry.objects.get(model="indicators.Target", action="create")
    assert (
        entry.user == people["analyst"] and entry.after["value"] == "70.50" and entry.region_code == "61.03"
    )


def test_a_regency_operator_cannot_set_targets(roster, people):  # noqa: F811
    body = {"region_code": "61.03", "indicator": "aparat", "year": 2027, "value": "70"}
    response = api(people["operator"]).put("/api/targets/set/", body, content_type="application/json")
    assert response.status_code == 403 and not Target.objects.filter(year=2027).exists()


def test_an_operator_appoints_inside_its_regency_only(roster, people):  # noqa: F811
    c = api(people["operator"])
    body = {
        "nik": "6103014508900001",
        "name": "Agnes Baru",
        "desa": PENYELADI,
        "office": "kaur_perencanaan",
        "term_start": "2026-01-05",
    }
    response = c.post("/api/positions/appoint/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    position = Position.objects.get(pk=response.json()["id"])
    assert position.person.name == "Agnes Baru"
    assert AuditEntry.objects.filter(
        model="officials.Position", action="create", user=people["operator"]
    ).exists()
    outside = {**body, "nik": "6101014508900002", "desa": DALAM_KAUM}
    response = c.post("/api/positions/appoint/", outside, content_type="application/json")
    assert (
        response.status_code == 404
        and not Position.objects.filter(desa_id=DALAM_KAUM, office="kaur_perencanaan").exists()
    )


def test_an_office_rule_broken_is_a_400_in_indonesian(roster, people):  # noqa: F811
    body = {
        "nik": roster.siti.nik,
        "name": "Siti Aminah",
        "desa": PENYELADI,
        "office": "kepala_desa",
        "term_start": "2026-01-05",
    }
    response = api(people["operator"]).post("/api/positions/appoint/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Permintaan tidak valid; lihat errors."


def test_ending_a_term_outside_is_not_found(roster, people):  # noqa: F811
    sambas = Position.objects.get(person=roster.zulkarnain)
    response = api(people["operator"]).post(
        f"/api/positions/{sambas.pk}/end/",
        {"last_day": "2026-03-01", "reason": "resigned"},
        content_type="application/json",
    )
    assert response.status_code == 404
    sambas.refresh_from_db()
    assert sambas.term_end is None


def test_a_roster_is_uploaded_and_its_status_read(roster, people):  # noqa: F811
    c = api(people["village"])
    csv = (
        b"nik,nama,jabatan,kelompok,mulai_menjabat\n"
        b"6103011708900005,Yohanes Apui,Kepala Dusun Hulu,APARAT,01/01/2026\n"
    )
    upload = io.BytesIO(csv)
    upload.name = "daftar.csv"
    response = c.post("/api/imports/upload/", {"kind": "roster", "file": upload, "dry_run": "true"})
    assert response.status_code == 202, response.json()
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.default_desa_id == PENYELADI and batch.uploaded_by == people["village"]
    status = c.get(f"/api/imports/{batch.pk}/").json()
    assert status["state"] == "previewed" and status["total_rows"] == 1
    assert api(people["analyst"]).get(f"/api/imports/{batch.pk}/").status_code == 200
    outsider = User.objects.create_user(
        username="sambas", password="x", role="regency_operator", region_id="61.01"
    )
    assert api(outsider).get(f"/api/imports/{batch.pk}/").status_code == 404


def test_an_imports_rejected_rows_are_read_with_their_reasons(roster, people):  # noqa: F811
    # audit3: the API gave only counts; an integration could not tell its user what to correct.
    c = api(people["village"])
    csv = (
        b"nik,nama,jabatan,kelompok,mulai_menjabat\n"
        b"6103011708900005,Yohanes Apui,Kepala Dusun Hulu,APARAT,01/01/2026\n"
        b"6103011708900005,Yohanes Apui,Kaur Keuangan,APARAT,01/01/2026\n"
        b"61030117089,Maria Lorensia,Kasi Pelayanan,APARAT,01/01/2026\n"
    )
    upload = io.BytesIO(csv)
    upload.name = "daftar.csv"
    sent = c.post("/api/imports/upload/", {"kind": "roster", "file": upload, "dry_run": "true"})
    batch_id = sent.json()["id"]
    rows = c.get(f"/api/imports/{batch_id}/rejected/").json()["results"]
    batch = ImportBatch.objects.get(pk=batch_id)
    assert [r["row_number"] for r in rows] == [3, 4]
    assert batch.rejected == len(rows) == 2
    assert "tidak valid" in rows[1]["message"]  # and not also "NIK kosong": the cell was not empty
    assert [(r["row_number"], r["field"]) for r in rows] == [
        (r.row_number, r.field) for r in batch.rejected_rows.all()
    ]
    assert all(r["message"] and set(r) == {"row_number", "field", "message"} for r in rows)
    # The quoted NIK whole for the village's operator, masked for the analyst (no personal-data right).
    assert any("61030117089" in r["message"] for r in rows)
    seen = api(people["analyst"]).get(f"/api/imports/{batch_id}/rejected/").json()["results"]
    assert len(seen) == len(rows) and not any("61030117089" in r["message"] for r in seen)
    outsider = User.objects.create_user(
        username="sambas", password="x", role="regency_operator", region_id="61.01"
    )
    assert api(outsider).get(f"/api/imports/{batch_id}/rejected/").status_code == 404


def test_a_village_operator_may_not_upload_a_bpjs_extract(roster, people):  # noqa: F811
    upload = io.BytesIO(b"nik,kpj\n")
    upload.name = "bpjs.csv"
    response = api(people["village"]).post(
        "/api/imports/upload/", {"kind": "bpjs", "file": upload, "month": "2026-02"}
    )
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_the_schema_and_its_page_are_served(client, people):
    client.force_login(people["operator"])
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.") and "/api/people/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    html = client.get("/api/docs/").content.decode()
    assert (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html and 'data-schema-url="/api/schema/"' in html
    )
    assert date.today().year >= 2026


def test_a_queued_import_does_not_run_once_the_uploader_lost_the_right(roster, people):  # noqa: F811
    from lindungdesa.imports.engine import batch_create
    from lindungdesa.imports.tasks import import_batch_run

    village = people["village"]
    batch = batch_create(kind="roster", data=b"nik,nama\n", file_name="a.csv", user=village,
                         scope_code=PENYELADI, save=True)  # fmt: skip
    User.objects.filter(pk=village.pk).update(role=User.Role.VIEWER)
    import_batch_run.call(batch.pk)
    batch.refresh_from_db()
    assert batch.state == "failed" and "tidak lagi berhak" in batch.message


def test_field_errors_are_in_indonesian(roster, people):  # noqa: F811
    c = api(people["operator"])
    assert c.get("/api/regions/?level=satu").json()["errors"] == {
        "level": ["Nilai bidang ini harus berupa bilangan bulat."]
    }
    assert c.get("/api/enrolments/?unmatched=mungkin").json()["errors"] == {
        "unmatched": ["Harus bernilai true atau false."]
    }
    broken = c.post("/api/positions/appoint/", "{bukan json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json() == {"detail": "Isi permintaan tidak dapat dibaca (periksa format JSON-nya)."}
    listed = c.post("/api/positions/appoint/", "[1, 2]", content_type="application/json").json()
    assert listed["errors"]["non_field_errors"] == ["Data tidak sah: harus berupa objek JSON, bukan list."]
    assert c.delete("/api/people/").json() == {"detail": "Metode DELETE tidak diizinkan di alamat ini."}


def test_an_analyst_cannot_set_a_target_outside_its_province(roster, people):  # noqa: F811
    from tests.world import other_province

    other_province()
    body = {"region_code": "65.01", "indicator": "aparat", "year": 2027, "value": "70"}
    response = api(people["analyst"]).put("/api/targets/set/", body, content_type="application/json")
    assert response.status_code == 404 and not Target.objects.filter(region_code="65.01").exists()


def test_ids_too_large_for_the_database_are_refused_or_not_found(roster, people):  # noqa: F811
    c = api(people["operator"])
    huge = "46287874045279398264832"
    response = c.get(f"/api/enrolments/?person={huge}")
    assert response.status_code == 400 and "person" in response.json()["errors"]
    for url in [
        f"/api/people/{huge}/",
        f"/api/positions/{huge}/",
        f"/api/enrolments/{huge}/",
        f"/api/imports/{huge}/",
    ]:
        assert c.get(url).status_code == 404, url


def test_an_official_without_a_nik_is_appointed_by_name_and_birth_date(roster, people):  # noqa: F811
    c = api(people["operator"])
    body = {
        "name": "Yakobus Tanpa NIK",
        "desa": PENYELADI,
        "office": "kaur_perencanaan",
        "term_start": "2026-01-05",
    }
    refused = c.post("/api/positions/appoint/", {**body, "nik": ""}, content_type="application/json")
    assert refused.status_code == 400
    assert "tanggal lahir" in refused.json()["errors"]["nik"][0]
    assert not Position.objects.filter(desa_id=PENYELADI, office="kaur_perencanaan").exists()

    response = c.post(
        "/api/positions/appoint/", {**body, "birth_date": "1985-03-02"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    person = Position.objects.get(pk=response.json()["id"]).person
    assert person.nik is None and person.birth_date.isoformat() == "1985-03-02"
    # The same name and birth date in the same desa is the same person (as an import would take it): a
    # second office of the aparat is refused for that person, and no second person is kept.
    people_before = Person.objects.count()
    again = c.post(
        "/api/positions/appoint/",
        {**body, "name": "YAKOBUS  tanpa nik", "birth_date": "1985-03-02", "office": "kasi_pelayanan"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "sudah Kaur Perencanaan di Penyeladi" in again.json()["errors"]["office"][0]
    assert Person.objects.count() == people_before
