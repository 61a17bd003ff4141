"""Writes through the API stay inside the writer's region, and their answers name nothing outside it.

Yanti keeps the roster of Penyeladi (Sanggau), Rudi those of Kabupaten Sanggau, Ani administers the
province; Zulkarnain is kepala desa of Dalam Kaum, in Kabupaten Sambas: outside Yanti's and Rudi's regions.
"""

import json
from datetime import date

import pytest
from django.test import Client

from lindungdesa.accounts.models import User
from lindungdesa.api.auth import token_create
from lindungdesa.officials.models import Position
from tests.factories import make_nik
from tests.web.conftest import NANGA_BIANG, PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)
from tests.world import OTHER_DESA, other_province

pytestmark = pytest.mark.django_db

FOREIGN = "NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."


def api(user: User) -> Client:
    _token, key = token_create(user=user, name="uji")
    return Client(headers={"Authorization": f"Token {key}"})


def make(username: str, role: str, region: str | None) -> User:
    return User.objects.create_user(username=username, password="x", role=role, region_id=region)


@pytest.fixture
def yanti(db) -> User:
    return make("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI)


@pytest.fixture
def rudi(db) -> User:
    return make("rudi", User.Role.REGENCY_OPERATOR, "61.03")


@pytest.fixture
def ani(db) -> User:
    return make("ani", User.Role.ADMIN, "61")


def appoint(user: User, **body):
    body = {"desa": PENYELADI, "office": "kaur_perencanaan", "term_start": "2026-01-05", **body}
    return api(user).post("/api/positions/appoint/", body, content_type="application/json")


def test_appointing_the_nik_of_someone_in_another_regency_is_refused(roster, yanti):  # noqa: F811
    # A Plt post may be held beside a definitive office: before, this made Zulkarnain Yanti's to read.
    response = appoint(yanti, nik=roster.zulkarnain.nik, name="Siapa Saja", acting="plt")
    assert response.status_code == 400
    assert response.json()["errors"] == {"nik": [FOREIGN]}
    assert not Position.objects.filter(person=roster.zulkarnain, desa_id=PENYELADI).exists()
    c = api(yanti)
    assert c.get(f"/api/people/{roster.zulkarnain.pk}/").status_code == 404
    assert c.get(f"/api/enrolments/?person={roster.zulkarnain.pk}").json()["count"] == 0


def test_the_refusal_names_nothing_outside_whatever_is_sent(roster, yanti, rudi):  # noqa: F811
    kadus = {"office": "kepala_dusun", "unit_name": "Hilir"}  # a term that overlaps his kepala desa's
    answers = [
        appoint(yanti, nik=roster.zulkarnain.nik, name="Siapa Saja", **kadus),
        appoint(yanti, nik=roster.zulkarnain.nik, name="Zulkarnain Sambas", birth_date="1977-07-07", **kadus),
        appoint(rudi, nik=roster.zulkarnain.nik, name="Zulkarnain Sambas", acting="plt"),
    ]
    for response in answers:
        assert response.status_code == 400
        assert response.json()["errors"] == {"nik": [FOREIGN]}  # the same whether the name agrees or not
        text = response.content.decode()
        assert "Dalam Kaum" not in text and "Zulkarnain" not in text and "1977" not in text


def test_a_nik_held_inside_must_agree_with_the_name(roster, rudi):  # noqa: F811
    budi = roster.budi  # kepala desa of Penyeladi
    wrong = appoint(rudi, nik=budi.nik, name="Orang Lain", acting="plt")
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {
        "name": [
            "Nama “Orang Lain” tidak sama dengan nama yang tercatat untuk NIK ini; periksa NIK atau nama."
        ]
    }
    assert "Budi" not in wrong.content.decode()
    # The name as reconciliation compares it: case, titles and degrees aside.
    right = appoint(rudi, nik=budi.nik, name="H. BUDI SANTOSO, S.Sos", desa=NANGA_BIANG, acting="plt")
    assert right.status_code == 201, right.json()
    assert Position.objects.get(pk=right.json()["id"]).person == budi


def test_the_province_administrator_reaches_both_regencies(roster, ani, yanti):  # noqa: F811
    response = appoint(ani, nik=roster.zulkarnain.nik, name="Zulkarnain Sambas", acting="plt")
    assert response.status_code == 201, response.json()
    shared = Position.objects.get(pk=response.json()["id"])
    # Zulkarnain now serves in Penyeladi too: Yanti sees him through that office only ...
    person = api(yanti).get(f"/api/people/{roster.zulkarnain.pk}/").json()
    assert [p["desa"] for p in person["positions"]] == [PENYELADI]
    # ... an office she would give him is checked against the one in Sambas without naming it ...
    clash = appoint(yanti, nik=roster.zulkarnain.nik, name="Zulkarnain Sambas", office="kepala_dusun",
                    unit_name="Hilir")  # fmt: skip
    assert clash.status_code == 400
    assert clash.json()["errors"] == {
        "office": [
            "Masa jabatan ini bertumpang tindih dengan jabatan lain orang ini di luar wilayah Anda; hubungi "
            "operator kabupaten/provinsi."
        ]
    }
    # ... and she may end the term in her desa.
    ended = api(yanti).post(
        f"/api/positions/{shared.pk}/end/",
        {"last_day": "2026-02-28", "reason": "resigned"},
        content_type="application/json",
    )
    assert ended.status_code == 200, ended.json()


def test_a_province_administrator_stops_at_its_province(roster, ani):  # noqa: F811
    other_province()
    stranger = make_nik("65.01.01", roster.zulkarnain.birth_date, serial=77)
    national = make("pusat", User.Role.ADMIN, None)
    outside = dict(desa=OTHER_DESA, office="kepala_desa")
    assert appoint(national, nik=stranger, name="Orang Kaltara", **outside).status_code == 201
    assert appoint(ani, nik=stranger, name="Orang Kaltara", acting="plt").json()["errors"] == {
        "nik": [FOREIGN]
    }
    assert (
        appoint(ani, nik=make_nik("65.01.01", roster.zulkarnain.birth_date), name="X", **outside).status_code
        == 404
    )


def test_ending_a_term_is_checked_by_the_service_too(roster):  # noqa: F811
    from django.core.exceptions import ValidationError

    from lindungdesa.officials.services import position_end

    sambas = Position.objects.get(person=roster.zulkarnain)
    with pytest.raises(ValidationError) as refused:
        position_end(region="61.03", position=sambas, last_day=sambas.term_start, reason="resigned")
    assert refused.value.message_dict["desa"] == ["Desa ini di luar wilayah Anda."]
    sambas.refresh_from_db()
    assert sambas.term_end is None


@pytest.mark.parametrize("phone", ["=1+1", "<b>08</b>1", "0812", "+1 202 555 0100"])
def test_a_phone_is_read_as_the_imports_read_it(roster, rudi, phone):  # noqa: F811
    response = appoint(rudi, nik=make_nik("61.03.01", date(1991, 2, 3), serial=501), name="Baru", phone=phone)
    assert response.status_code == 400
    assert (
        list(response.json()["errors"]) == ["phone"] and "Nomor HP" in response.json()["errors"]["phone"][0]
    )


def test_a_good_phone_is_kept_in_national_form(roster, rudi):  # noqa: F811
    nik = make_nik("61.03.01", date(1991, 2, 3), serial=501)
    response = appoint(rudi, nik=nik, name="Baru", phone="+62 812-3456-7890")
    assert response.status_code == 201, response.json()
    assert Position.objects.get(pk=response.json()["id"]).person.phone == "081234567890"


def test_every_api_error_is_json(roster, rudi, monkeypatch):  # noqa: F811
    c = api(rudi)
    for url in ["/api/people/-1/", "/api/tidak-ada/", "/api/people/abc/"]:
        response = c.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", url
        assert response.json() == {"detail": "Data tidak ditemukan."}
    assert c.delete("/api/people/").json() == {"detail": "Metode DELETE tidak diizinkan di alamat ini."}

    from lindungdesa.api import people

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(people.PersonList, "get_queryset", broken)
    _token, key = token_create(user=rudi, name="uji")
    quiet = Client(headers={"Authorization": f"Token {key}"}, raise_request_exception=False)
    response = quiet.get("/api/people/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode()
    assert response.json()["detail"].startswith("Terjadi kesalahan sistem")
    # The site's own pages keep theirs.
    assert "text/html" in Client().get("/tidak-ada/")["Content-Type"]


def test_a_session_without_its_csrf_token_is_refused_in_indonesian(roster, rudi):  # noqa: F811
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rudi)
    response = browser.post("/api/positions/appoint/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Permintaan ditolak: token CSRF tidak ada atau tidak sah. Muat ulang halaman."
    }


def test_surrogate_characters_are_refused_in_indonesian(roster, rudi):  # noqa: F811
    body = {"nik": roster.budi.nik, "name": "\ud800", "desa": PENYELADI, "office": "kaur_perencanaan"}
    body = json.dumps({**body, "term_start": "2026-01-05"})
    response = api(rudi).post("/api/positions/appoint/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["Karakter surrogate tidak diizinkan: U+D800."]
