"""A new official without a NIK, added or handed a seat in the pages: kept with name and birth date,
told apart within the desa as imports tell such people apart (`imports.roster.who_without_nik`), and
followed by "NIK belum ada — lengkapi" until the NIK is completed (issue 19 item 3, issue 20)."""

from datetime import date

import pytest

from lindungdesa.imports.services import roster_import_file
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.officials.services import position_end
from tests.imports.conftest import ROSTER_HEADER, to_csv
from tests.web.conftest import MUKOK_DESA, PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)
from tests.web.test_registry_pages import add_url, field_errors, new_official, snapshot

pytestmark = pytest.mark.django_db

WARNING = "NIK belum ada — lengkapi NIK Agustinus Jemadu dari KTP/KK lewat halaman orangnya."


def without_nik(**overrides) -> dict:
    data = {"nik": "", "name": "Agustinus Jemadu", "birth_date": "21/09/1983", "sex": "", "phone": ""}
    return new_official(**{**data, **overrides})


def test_a_new_official_without_a_nik_is_kept_with_a_warning(client, village_operator, roster):
    client.force_login(village_operator)
    response = client.post(add_url(), without_nik())
    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(name="Agustinus Jemadu")
    assert (person.nik, person.birth_date, person.sex) == (None, date(1983, 9, 21), "")
    assert person.positions.get().office == Office.KASI_PELAYANAN
    page = client.get(response["Location"]).content.decode()
    assert "Agustinus Jemadu dicatat sebagai Kasi Pelayanan." in page
    assert WARNING in page
    assert "NIK belum ada" in page.split('id="daftar-aparat"')[1]  # in the roster, where the NIK would be


def test_without_a_nik_the_birth_date_is_required(client, village_operator, roster):
    client.force_login(village_operator)
    before = snapshot()
    html = client.post(add_url(), without_nik(birth_date="")).content.decode()
    assert field_errors(html, "nik") == [
        "NIK kosong: isi NIK, atau paling tidak nama dan tanggal lahir agar orang ini dapat dikenali."
    ]
    html = client.post(add_url(), without_nik(name="")).content.decode()
    assert field_errors(html, "name") == ["Wajib diisi."]
    assert snapshot() == before


def test_the_same_name_and_birth_date_in_the_desa_is_the_same_person(client, village_operator, roster):
    """Spelled otherwise (case, spacing), the person is found again; a roster row without a NIK takes the
    person the page added, and the page takes the person an import added."""
    client.force_login(village_operator)
    assert client.post(add_url(), without_nik()).status_code == 302
    first = Person.objects.get(name="Agustinus Jemadu")
    position_end(region=None, position=first.positions.get(), last_day=date(2026, 2, 28), reason="resigned")
    again = without_nik(name="AGUSTINUS  jemadu", office=Office.KAUR_PERENCANAAN, term_start="2026-03-01")
    assert client.post(add_url(), again).status_code == 302
    assert Person.objects.filter(name__iexact="Agustinus Jemadu").count() == 1
    assert first.positions.count() == 2

    row = dict.fromkeys(ROSTER_HEADER, "")
    row.update(
        kode_desa=PENYELADI,
        nama="Agustinus Jemadu",
        tanggal_lahir="21/09/1983",
        jabatan="Kaur Perencanaan",
        tanggal_sk="01/03/2026",
    )
    summary = roster_import_file(data=to_csv(ROSTER_HEADER, [row]), file_name="r.csv")
    assert summary.accepted == 1
    assert Person.objects.filter(birth_date=date(1983, 9, 21), name__iexact="Agustinus Jemadu").count() == 1


def test_in_another_desa_the_same_name_and_birth_date_is_another_person(client, sanggau_operator, roster):
    client.force_login(sanggau_operator)
    assert client.post(add_url(), without_nik()).status_code == 302
    assert client.post(add_url(MUKOK_DESA), without_nik()).status_code == 302
    people = Person.objects.filter(name="Agustinus Jemadu", nik__isnull=True)
    assert sorted(p.positions.get().desa_id for p in people) == [PENYELADI, MUKOK_DESA]


def test_a_holder_is_replaced_by_a_person_without_a_nik(client, village_operator, roster):
    client.force_login(village_operator)
    position = Position.objects.get(person=roster.siti)
    response = client.post(f"/jabatan/{position.pk}/ganti/", without_nik(term_start="2026-03-01"))
    assert response.status_code == 302, response.content.decode()
    position.refresh_from_db()
    assert (position.term_end, position.end_reason) == (date(2026, 2, 28), "replaced")
    successor = Position.objects.get(desa=PENYELADI, office=position.office, term_start=date(2026, 3, 1))
    assert (successor.person.name, successor.person.nik) == ("Agustinus Jemadu", None)
    page = client.get(response["Location"]).content.decode()
    assert "Agustinus Jemadu menggantikan Siti Aminah" in page and WARNING in page


def edit(client, person: Person, **fields) -> "HttpResponse":  # noqa: F821
    data = {"nik": "", "name": person.name, "birth_date": "21/09/1983", "sex": "", "phone": ""}
    return client.post(f"/orang/{person.pk}/ubah/", {**data, **fields})


def test_a_person_without_a_nik_can_be_corrected_and_completed_in_the_page(client, village_operator, roster):
    """'Ubah data diri' keeps the NIK optional while none is known (a phone, a name can be corrected), takes
    a NIK that agrees with the birth date, and never takes a known NIK away."""
    client.force_login(village_operator)
    assert client.post(add_url(), without_nik()).status_code == 302
    person = Person.objects.get(name="Agustinus Jemadu")
    form = client.get(f"/orang/{person.pk}/ubah/").content.decode()
    assert "Bila belum ada, kosongkan" in form

    assert edit(client, person, phone="0812 3456 7890").status_code == 302
    person.refresh_from_db()
    assert (person.nik, person.phone, person.sex) == (None, "081234567890", "")

    wrong = edit(client, person, nik="6103012209830003").content.decode()  # says born on the 22nd
    assert field_errors(wrong, "nik")
    person.refresh_from_db()
    assert person.nik is None

    assert edit(client, person, nik="6103012109830003", sex="L").status_code == 302
    person.refresh_from_db()
    assert (person.nik, person.sex) == ("6103012109830003", "L")

    # Once known, the form no longer holds the NIK (shown whole only on request): left empty, it stays.
    assert edit(client, person, nik="", sex="L", birth_date="21/09/1983").status_code == 302
    person.refresh_from_db()
    assert person.nik == "6103012109830003"


def test_the_same_name_and_birth_date_with_another_sex_is_a_slip_to_check(client, village_operator, roster):
    client.force_login(village_operator)
    assert client.post(add_url(), without_nik(sex="L")).status_code == 302
    first = Person.objects.get(name="Agustinus Jemadu")
    position_end(region=None, position=first.positions.get(), last_day=date(2026, 2, 28), reason="resigned")
    before = snapshot()
    again = without_nik(sex="P", office=Office.KAUR_PERENCANAAN, term_start="2026-03-01")
    html = client.post(add_url(), again).content.decode()
    assert field_errors(html, "sex") == [
        "Jenis kelamin Perempuan tidak sama dengan yang tercatat untuk Agustinus Jemadu (lahir 21-09-1983) "
        "di desa ini; periksa jenis kelamin."
    ]
    assert snapshot() == before
    # Without a sex, or with the one kept, it is the same person.
    assert (
        client.post(
            add_url(), without_nik(sex="", office=Office.KAUR_PERENCANAAN, term_start="2026-03-01")
        ).status_code
        == 302
    )
    assert Person.objects.filter(name="Agustinus Jemadu").count() == 1
