from datetime import date

import pytest

from lindungdesa.enrolment.models import Enrolment, MatchProposal
from lindungdesa.enrolment.reconcile import (
    data_differences,
    enrolled_not_serving,
    enrolments_link_by_nik,
    match_confirm,
    match_proposals_refresh,
    match_refuse,
    serving_in_arrears,
    serving_not_enrolled,
)
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_nik, make_person, make_position

pytestmark = pytest.mark.django_db

NOV = Month(2026, 11)


@pytest.fixture
def desa() -> Region:
    return Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()


def participant(nik: str, name: str, born: date | None = None, paid=date(2026, 10, 1)) -> Enrolment:
    return Enrolment.objects.create(
        person=None,
        nik=nik,
        bpjs_name=name,
        bpjs_birth_date=born,
        kpj="99999999999",
        programmes="JKK,JKM",
        category="PU",
        start_date=date(2021, 1, 1),
        paid_through=paid,
    )


def test_the_four_lists(desa):
    start = date(2020, 1, 1)
    protected = make_position(desa, Office.KEPALA_DESA, start, name="Terlindungi")
    enrol(protected.person, start, date(2026, 10, 1))
    make_position(desa, Office.SEKRETARIS_DESA, start, name="Belum Daftar")
    arrears = make_position(desa, Office.KAUR_KEUANGAN, start, name="Menunggak")
    enrol(arrears.person, start, date(2026, 8, 1))
    left = make_position(desa, Office.KASI_PELAYANAN, start, date(2026, 6, 30), name="Sudah Berhenti")
    enrol(left.person, start, date(2026, 11, 1))
    differs = make_position(desa, Office.KAUR_PERENCANAAN, start, name="Nama Roster")
    e = enrol(differs.person, start, date(2026, 10, 1))
    Enrolment.objects.filter(pk=e.pk).update(bpjs_name="Nama Lain Sekali", bpjs_birth_date=date(1999, 1, 1))

    assert [f.person.name for f in serving_not_enrolled(desa.code, NOV)] == ["Belum Daftar"]
    arrears_rows = serving_in_arrears(desa.code, NOV)
    assert [f.person.name for f in arrears_rows] == ["Menunggak"]
    assert "Agustus 2026" in arrears_rows[0].detail
    gone = enrolled_not_serving(desa.code, NOV)
    assert [f.person.name for f in gone] == ["Sudah Berhenti"] and "30-06-2026" in gone[0].detail
    differ = data_differences(desa.code, NOV)
    assert [f.person.name for f in differ] == ["Nama Roster"]
    assert "Nama Lain Sekali" in differ[0].detail and "01-01-1999" in differ[0].detail


def test_lists_stay_inside_the_region(desa):
    make_position(desa, Office.SEKRETARIS_DESA, date(2020, 1, 1), name="Belum Daftar")
    assert serving_not_enrolled("61.01", NOV) == []


def test_participants_are_linked_when_their_nik_appears_on_the_roster(desa):
    person = make_person(desa, name="Agus")
    e = participant(person.nik, "Agus")
    assert enrolments_link_by_nik() == 1
    e.refresh_from_db()
    assert e.person == person


def test_a_wrong_nik_with_the_same_name_and_birth_date_is_proposed_and_can_be_confirmed(desa):
    born = date(1980, 5, 17)
    person = make_person(desa, name="Hj. Siti Aminah", sex="P", born=born)
    typo_nik = make_nik(desa.district_code, born, "P", 9876)  # a different serial: another NIK
    e = participant(typo_nik, "SITI AMINAH")
    assert match_proposals_refresh() == 1
    assert match_proposals_refresh() == 0  # not proposed twice
    proposal = MatchProposal.objects.get()
    assert proposal.person == person and "sama" in proposal.reason
    match_confirm(proposal=proposal, region=None)
    e.refresh_from_db()
    assert e.person == person
    with pytest.raises(ValueError):
        match_confirm(proposal=proposal, region=None)


def test_a_refused_pair_is_not_proposed_again(desa):
    born = date(1980, 5, 17)
    make_person(desa, name="Budi Santoso", born=born)
    participant(make_nik(desa.district_code, born, "L", 5555), "Budi Santosa")
    assert match_proposals_refresh() == 1
    match_refuse(proposal=MatchProposal.objects.get())
    assert match_proposals_refresh() == 0
    assert MatchProposal.objects.get().state == MatchProposal.State.REFUSED


def test_different_names_are_not_proposed(desa):
    born = date(1980, 5, 17)
    make_person(desa, name="Budi Santoso", born=born)
    participant(make_nik(desa.district_code, born, "L", 5556), "Yohanes Ale")
    assert match_proposals_refresh() == 0
