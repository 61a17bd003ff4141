"""Roster and BPJS rows stay inside the importer's region, on the page, through the CLI and in the rejected
rows; their messages name nothing outside it.

Yanti keeps the roster of Penyeladi (Sanggau), Rudi those of Kabupaten Sanggau, Ani administers the
province, Bayu is the province's BPJS officer; Zulkarnain is kepala desa of Dalam Kaum, in Kabupaten
Sambas, protected by his membership (KPJ 61010000001).
"""

import io
import json
from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.imports.models import ImportBatch
from lindungdesa.imports.services import bpjs_import_file, roster_import_file
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office, Position
from lindungdesa.regions.models import Region
from tests.factories import make_nik
from tests.imports.conftest import BPJS_HEADER, ROSTER_HEADER, to_csv
from tests.web.conftest import DALAM_KAUM, PENYELADI, roster, start  # noqa: F401  (fixture)
from tests.world import OTHER_DESA, other_province

pytestmark = pytest.mark.django_db

FOREIGN = "NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."
ZUL_KPJ = "61010000001"
FEB = Month(2026, 2)


def make(username: str, role: str, region: str | None) -> User:
    return User.objects.create_user(username=username, password="x", role=role, region_id=region)


@pytest.fixture
def yanti(db) -> User:
    return make("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI)


@pytest.fixture
def rudi(db) -> User:
    return make("rudi", User.Role.REGENCY_OPERATOR, "61.03")


@pytest.fixture
def zul(roster):  # noqa: F811
    """Zulkarnain, with a phone and a membership of his own number."""
    person = roster.zulkarnain
    person.phone = "081111111111"
    person.save()
    Enrolment.objects.filter(person=person).update(kpj=ZUL_KPJ)
    return person


def roster_row(nik: str, name: str, **extra) -> dict:
    row = {h: "" for h in ROSTER_HEADER}
    row.update(
        kode_desa=PENYELADI,
        nik=nik,
        nama=name,
        kelompok="APARAT",
        jabatan="Kaur Perencanaan",
        status_jabatan="Plt",  # beside a definitive office elsewhere: no office rule refuses it
        mulai_menjabat="05/01/2026",
        no_hp="082222222222",
    )
    row.update(extra)
    return row


def rejected(summary) -> dict[str, str]:
    return {error.field: error.message for error in summary.errors}


# Roster ---------------------------------------------------------------------------------------------------


def test_a_village_operator_cannot_take_someone_of_another_regency_by_nik(client, zul, yanti):
    rows = [
        roster_row(zul.nik, "Zulkarnain Sambas"),
        roster_row(zul.nik, "Siapa Saja", jabatan="Kasi Pelayanan"),
    ]
    client.force_login(yanti)
    content = SimpleUploadedFile("daftar.csv", to_csv(ROSTER_HEADER, rows))
    response = client.post("/impor/", {"jenis": "roster", "berkas": content})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/impor/{batch.pk}/"
    assert (batch.accepted, batch.rejected) == (0, 2)
    assert list(batch.rejected_rows.values_list("field", "message")) == [("nik", FOREIGN), ("nik", FOREIGN)]
    # Nothing changed: his phone is his, and he is not Yanti's to read.
    zul.refresh_from_db()
    assert zul.phone == "081111111111"
    assert not Position.objects.filter(person=zul, desa_id=PENYELADI).exists()
    html = client.get(f"/impor/{batch.pk}/").content.decode()
    assert FOREIGN in html
    sheet = load_workbook(io.BytesIO(client.get(f"/impor/{batch.pk}/ditolak.xlsx").content)).active
    reasons = [row[-1].value for row in sheet.iter_rows(min_row=2)]
    assert reasons == [f"nik: {FOREIGN}"] * 2
    for text in [html, *(str(c.value) for row in sheet.iter_rows() for c in row)]:
        assert "Dalam Kaum" not in text and "1977" not in text and "081111111111" not in text


def test_the_command_line_on_someones_behalf_refuses_the_same(zul, yanti, tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_bytes(to_csv(ROSTER_HEADER, [roster_row(zul.nik, "Siapa Saja")]))
    out = StringIO()
    call_command("import", "roster", str(path), "--json", "--user", "yanti", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["accepted"], data["rejected"]) == (0, 1)
    assert data["errors"] == [{"row": 2, "field": "nik", "message": FOREIGN}]
    assert "Zulkarnain" not in out.getvalue() and "Dalam Kaum" not in out.getvalue()
    # Without --user the command acts for the whole country.
    call_command("import", "roster", str(path), "--json", "--dry-run", stdout=(out := StringIO()))
    assert json.loads(out.getvalue())["errors"][0]["field"] == "nama"


def test_a_shared_persons_phone_is_kept_with_a_warning(zul, rudi):
    start(zul, PENYELADI, Office.KAUR_PERENCANAAN, date(2026, 1, 5), acting="plt")  # by the province
    row = roster_row(zul.nik, "ZULKARNAIN SAMBAS", nomor_sk="141/9/2026")  # the same office, a new SK
    for scope in (PENYELADI, "61.03"):
        summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code=scope)
        assert (summary.accepted, summary.rejected) == (1, 0)
        assert [(w.field, w.message) for w in summary.warnings] == [
            (
                "no_hp",
                "Nomor HP tidak diubah: orang ini juga tercatat di wilayah lain, jadi nomornya diubah oleh "
                "operator kabupaten/provinsi.",
            )
        ]
        zul.refresh_from_db()
        assert zul.phone == "081111111111"
    assert Position.objects.get(person=zul, desa_id=PENYELADI).sk_number == "141/9/2026"
    # The province holds both of his offices: its roster changes the phone.
    row["no_hp"] = "083333333333"
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code="61")
    assert summary.warnings == []
    zul.refresh_from_db()
    assert zul.phone == "083333333333"


def test_an_office_held_elsewhere_is_held_against_a_row_without_being_named(zul):
    start(zul, PENYELADI, Office.KAUR_PERENCANAAN, date(2026, 1, 5), acting="plt")
    row = roster_row(zul.nik, "Zulkarnain Sambas", jabatan="Kasi Pelayanan", status_jabatan="")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code=PENYELADI)
    assert rejected(summary) == {
        "jabatan": "Masa jabatan ini bertumpang tindih dengan jabatan lain orang ini di luar wilayah Anda; "
        "hubungi operator kabupaten/provinsi."
    }
    # The province sees where.
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code="61")
    assert "Kepala Desa di Dalam Kaum" in rejected(summary)["jabatan"]


def test_a_desa_outside_is_refused_by_its_code_only(zul):
    row = roster_row(make_nik("61.01.01", date(1980, 1, 1)), "Orang Baru", kode_desa=DALAM_KAUM)
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code="61.03")
    assert rejected(summary) == {"kode_desa": f"Kode desa {DALAM_KAUM} di luar wilayah Anda."}


def test_a_nik_a_bpjs_participant_holds_elsewhere_is_not_registered_inside(roster, rudi):  # noqa: F811
    # BPJS places this participant in Dalam Kaum (Sambas); nobody has the NIK on a roster yet.
    nik = make_nik("61.03.01", date(1985, 6, 1), serial=601)
    unmatched(nik, "PESERTA SAMBAS", DALAM_KAUM)
    row = roster_row(nik, "Peserta Sambas", status_jabatan="")
    # Registering it in Sanggau would link his membership to the new person, for Sanggau to read.
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code="61.03")
    assert rejected(summary) == {"nik": FOREIGN}
    appointed = api_appoint(rudi, nik=nik, name="Peserta Sambas")
    assert appointed.status_code == 400 and appointed.json()["errors"] == {"nik": [FOREIGN]}
    assert Enrolment.objects.get(nik=nik).person is None
    # The province may: the participant is then linked.
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code="61")
    assert summary.accepted == 1
    assert Enrolment.objects.get(nik=nik).person.name == "Peserta Sambas"


def test_a_participant_placed_inside_is_linked_as_before(roster):  # noqa: F811
    nik = make_nik("61.03.01", date(1985, 6, 1), serial=602)
    unmatched(nik, "PESERTA", PENYELADI)
    row = roster_row(nik, "Peserta", status_jabatan="")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code=PENYELADI)
    assert summary.accepted == 1 and Enrolment.objects.get(nik=nik).person.name == "Peserta"
    # An extract without desa codes places a participant only to its NIK's kecamatan, which holds Penyeladi.
    nik = make_nik("61.03.01", date(1985, 6, 1), serial=603)
    unmatched(nik, "PESERTA DUA", "")
    row = roster_row(nik, "Peserta Dua", jabatan="Kasi Pelayanan", status_jabatan="")
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv", scope_code=PENYELADI)
    assert summary.accepted == 1 and Enrolment.objects.get(nik=nik).person.name == "Peserta Dua"


def unmatched(nik: str, name: str, kode_desa: str) -> Enrolment:
    """A BPJS participant matched to nobody, placed by the extract in `kode_desa`."""
    return Enrolment.objects.create(
        nik=nik, bpjs_name=name, kode_desa=kode_desa, programmes="JKK,JKM", start_date=date(2024, 1, 1)
    )


def api_appoint(user: User, **body):
    from lindungdesa.api.auth import token_create

    _token, key = token_create(user=user, name="uji")
    body = {"desa": PENYELADI, "office": "kaur_perencanaan", "term_start": "2026-01-05", **body}
    return Client(headers={"Authorization": f"Token {key}"}).post(
        "/api/positions/appoint/", body, content_type="application/json"
    )


# BPJS extract ---------------------------------------------------------------------------------------------


def bpjs_row(nik: str, name: str, **extra) -> dict:
    row = {
        "nik": nik,
        "nama": name,
        "kpj": "",
        "tanggal_lahir": "",
        "program": "JKK,JKM,JHT",
        "kategori": "PU",
        "upah": "9000000",
        "tanggal_kepesertaan": "15/01/2024",
        "bulan_iuran_terakhir": "2025-01",
        "status": "NONAKTIF",
        "kode_desa": "",
    }
    row.update(extra)
    return row


def extract(rows: list[dict], scope: str, **kwargs):
    return bpjs_import_file(
        data=to_csv(BPJS_HEADER, rows), file_name="b.csv", as_of=FEB, scope_code=scope, **kwargs
    )


def state(person) -> list[tuple]:
    return list(
        Enrolment.objects.filter(person=person).values_list(
            "paid_through", "wage", "bpjs_name", "reported_status"
        )
    )


def test_a_regency_cannot_write_another_regencys_participants(zul):
    before = state(zul)
    rows = [
        bpjs_row(zul.nik, "ZULKARNAIN", kpj=ZUL_KPJ),  # no desa code: the scope check used to skip it
        bpjs_row(zul.nik, "ZULKARNAIN", kpj=ZUL_KPJ, kode_desa=PENYELADI, tanggal_kepesertaan="01/01/2025"),
        bpjs_row(make_nik("61.03.01", date(1990, 1, 1)), "ORANG LAIN", kpj=ZUL_KPJ),  # his KPJ, another NIK
        bpjs_row(zul.nik, "ZULKARNAIN", tanggal_kepesertaan="01/01/2023"),  # a new membership of his
    ]
    summary = extract(rows, "61.03")
    assert (summary.accepted, summary.rejected) == (0, 4)
    assert [(e.field, e.message) for e in summary.errors] == [
        ("nik", FOREIGN),
        ("nik", FOREIGN),
        ("kpj", "Peserta ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."),
        ("nik", FOREIGN),
    ]
    assert state(zul) == before and not Enrolment.objects.filter(person__isnull=True).exists()


def test_a_participant_on_nobodys_roster_must_be_placed_in_the_region(roster):  # noqa: F811
    sambas_nik = make_nik("61.01.01", date(1990, 1, 1))
    summary = extract([bpjs_row(sambas_nik, "ORANG SAMBAS")], "61.03")
    assert rejected(summary) == {
        "kode_desa": "NIK ini terdaftar di kecamatan di luar wilayah Anda: isi kode_desa dengan desa tempat "
        "peserta menjabat."
    }
    summary = extract([bpjs_row(sambas_nik, "ORANG SAMBAS", kode_desa=PENYELADI)], "61.03")
    assert (summary.accepted, summary.created) == (1, 1)
    # Placed in Penyeladi, it is Sanggau's: Sambas cannot change it, even by its KPJ.
    Enrolment.objects.filter(nik=sambas_nik).update(kpj="61030000009")
    summary = extract(
        [bpjs_row(sambas_nik, "ORANG SAMBAS", kpj="61030000009", kode_desa=DALAM_KAUM)], "61.01"
    )
    assert rejected(summary) == {
        "kpj": "Peserta ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."
    }


def test_the_province_writes_its_own_participants_only(zul):
    other_province()
    stranger = make_nik("65.01.01", date(1970, 1, 1))
    start_kaltara = Region.objects.get(code=OTHER_DESA)
    from lindungdesa.officials.services import person_register, position_start

    person = person_register(region=None, nik=stranger, name="Orang Kaltara")
    position_start(region=None, person=person, desa=start_kaltara, office=Office.KEPALA_DESA,
                   term_start=date(2021, 1, 1))  # fmt: skip
    summary = extract(
        [bpjs_row(zul.nik, "ZULKARNAIN", kpj=ZUL_KPJ), bpjs_row(stranger, "ORANG KALTARA")], "61"
    )
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert summary.errors[0].row == 3 and summary.errors[0].message == FOREIGN
    assert state(zul)[0][:2] == (date(2025, 1, 1), 9000000)
    assert not Enrolment.objects.filter(nik=stranger).exists()


def test_a_shared_persons_membership_is_the_province_s_to_write(zul, roster):  # noqa: F811
    start(zul, PENYELADI, Office.KAUR_PERENCANAAN, date(2026, 1, 5), acting="plt")
    summary = extract([bpjs_row(zul.nik, "ZULKARNAIN", kpj=ZUL_KPJ)], "61.03")
    assert rejected(summary) == {
        "nik": "Orang ini juga tercatat di wilayah lain: data dirinya (nama, nomor HP) dan kepesertaan BPJS "
        "TK-nya hanya dapat diubah oleh operator kabupaten/provinsi."
    }
    # A person wholly inside is written as before.
    summary = extract([bpjs_row(roster.stefanus.nik, "STEFANUS MUKOK", kpj="61030000002")], "61.03")
    assert (summary.accepted, summary.created) == (1, 1)
    assert Enrolment.objects.get(kpj="61030000002").person == roster.stefanus


def test_the_bpjs_page_and_command_line_refuse_the_same(client, zul, rudi, tmp_path):
    data = to_csv(BPJS_HEADER, [bpjs_row(zul.nik, "ZULKARNAIN", kpj=ZUL_KPJ)])
    client.force_login(rudi)
    client.post("/impor/", {"jenis": "bpjs", "bulan": "2026-02", "berkas": SimpleUploadedFile("b.csv", data)})
    assert list(ImportBatch.objects.get().rejected_rows.values_list("message", flat=True)) == [FOREIGN]
    path = tmp_path / "b.csv"
    path.write_bytes(data)
    out = StringIO()
    call_command("import", "bpjs", str(path), "--as-of", "2026-02", "--json", "--user", "rudi", stdout=out)
    assert json.loads(out.getvalue())["errors"] == [{"row": 2, "field": "nik", "message": FOREIGN}]
