"""Who may touch a person (officials/boundary.py): the one rule every write asks, as a table, then through
the services the API and pages call."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lindungdesa.officials.boundary import (
    Reach,
    participant_inside,
    people_reach,
    person_reach,
    person_reach_of,
    person_write_problems,
)
from lindungdesa.officials.models import Office, Person
from lindungdesa.officials.services import person_register, position_appoint, position_start
from lindungdesa.regions.models import Region
from tests.factories import make_nik

PENYELADI, NANGA_BIANG, DALAM_KAUM = "61.03.01.2007", "61.03.01.2008", "61.01.01.2001"
FOREIGN = "NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."


@pytest.mark.parametrize(
    ("region", "desa_codes", "reach"),
    [
        ("61.03", [], Reach.NEW),
        ("61.03", [PENYELADI, NANGA_BIANG], Reach.OWNED),
        ("61.03", [PENYELADI, DALAM_KAUM], Reach.SHARED),
        ("61.03", [DALAM_KAUM], Reach.OUTSIDE),
        (PENYELADI, [PENYELADI, NANGA_BIANG], Reach.SHARED),  # a village operator owns only its desa's people
        ("61.0", [PENYELADI], Reach.OUTSIDE),  # a code is not a prefix of another's digits
        ("61", [PENYELADI, DALAM_KAUM], Reach.OWNED),  # a province contains everything under it
        (None, [PENYELADI, "65.01.01.2001"], Reach.OWNED),  # and the country everything
        ("", [], Reach.NEW),
    ],
)
def test_where_a_person_stands_to_a_region(region, desa_codes, reach):
    assert person_reach(region, desa_codes) is reach


@pytest.mark.parametrize(
    ("reach", "desa", "own_fields", "fields"),
    [
        (Reach.NEW, PENYELADI, True, []),
        (Reach.OWNED, PENYELADI, True, []),
        (Reach.SHARED, PENYELADI, False, []),  # a position in its own desa: yes
        (Reach.SHARED, None, True, ["nik"]),  # the phone or the membership of someone serving elsewhere: no
        (Reach.OUTSIDE, PENYELADI, False, ["nik"]),
        (Reach.NEW, DALAM_KAUM, False, ["desa"]),
        (Reach.OUTSIDE, DALAM_KAUM, False, ["desa", "nik"]),
    ],
)
def test_what_a_regency_may_write(reach, desa, own_fields, fields):
    assert list(person_write_problems("61.03", reach, desa=desa, own_fields=own_fields)) == fields


def test_the_messages_name_nothing_but_what_is_refused():
    assert person_write_problems("61.03", Reach.OUTSIDE) == {"nik": [FOREIGN]}
    assert person_write_problems("61.03", Reach.NEW, desa=DALAM_KAUM) == {
        "desa": ["Desa ini di luar wilayah Anda."]
    }


def test_a_participant_matched_to_nobody_is_placed_by_desa_then_by_nik():
    sanggau_nik = make_nik("61.03.01", date(1980, 1, 1))
    assert participant_inside("61.03", sanggau_nik) and not participant_inside("61.01", sanggau_nik)
    assert participant_inside("61.01", sanggau_nik, DALAM_KAUM) and not participant_inside("61.03", "", "")
    assert participant_inside(None, sanggau_nik, DALAM_KAUM)
    # Placed only to its kecamatan, it may be in any desa of it, not in another kecamatan's.
    assert participant_inside(PENYELADI, sanggau_nik) and not participant_inside("61.03.02.2001", sanggau_nik)
    assert not participant_inside(PENYELADI, sanggau_nik, NANGA_BIANG)


# Through the services -------------------------------------------------------------------------------------


@pytest.fixture
def zulkarnain(db) -> Person:
    """Kepala desa of Dalam Kaum, in Kabupaten Sambas."""
    born = date(1977, 7, 7)
    person = person_register(region=None, nik=make_nik("61.01.01", born), name="Zulkarnain", birth_date=born)
    position_start(region=None, person=person, desa=Region.objects.get(code=DALAM_KAUM),
                   office=Office.KEPALA_DESA, term_start=date(2021, 1, 1))  # fmt: skip
    return person


def test_the_database_gives_the_same_reach(zulkarnain):
    assert person_reach_of("61.03", zulkarnain) is Reach.OUTSIDE
    assert person_reach_of("61.01", zulkarnain.pk) is Reach.OWNED
    assert people_reach("61.03", [zulkarnain.pk]) == {zulkarnain.pk: Reach.OUTSIDE}
    assert people_reach(None, [zulkarnain.pk]) == {zulkarnain.pk: Reach.OWNED}


def test_a_nik_held_outside_is_refused_before_anything_is_compared(zulkarnain):
    for name in ("Zulkarnain", "Orang Lain"):
        with pytest.raises(ValidationError) as refused:
            person_register(region="61.03", nik=zulkarnain.nik, name=name)
        assert refused.value.message_dict == {"nik": [FOREIGN]}
    assert person_register(region="61.01", nik=zulkarnain.nik, name="ZULKARNAIN") == zulkarnain
    assert person_register(region=None, nik=zulkarnain.nik, name="Zulkarnain") == zulkarnain


def test_the_identity_on_record_is_compared_and_never_quoted(zulkarnain):
    # A birth date on record that differs from the NIK's (a correction kept by hand).
    Person.objects.filter(pk=zulkarnain.pk).update(birth_date=date(1977, 7, 8))
    with pytest.raises(ValidationError) as refused:
        person_register(region="61.01", nik=zulkarnain.nik, name="Zulkarnain", birth_date=date(1977, 7, 7))
    assert refused.value.message_dict == {
        "birth_date": [
            "Tanggal lahir 07-07-1977 tidak sama dengan yang tercatat untuk NIK ini; periksa NIK atau "
            "tanggal lahir."
        ]
    }


def test_a_person_held_outside_cannot_be_given_an_office_inside(zulkarnain):
    penyeladi = Region.objects.get(code=PENYELADI)
    with pytest.raises(ValidationError) as refused:
        position_start(region="61.03", person=zulkarnain, desa=penyeladi, office=Office.KAUR_PERENCANAAN,
                       acting="plt", term_start=date(2026, 1, 5))  # fmt: skip
    assert refused.value.message_dict == {"nik": [FOREIGN]}
    assert zulkarnain.positions.count() == 1


def test_a_desa_outside_is_refused_before_the_nik_is_looked_at(zulkarnain):
    sambas = Region.objects.get(code=DALAM_KAUM)
    with pytest.raises(ValidationError) as refused:
        position_appoint(region="61.03", nik=zulkarnain.nik, name="X", desa=sambas, office=Office.BPD_ANGGOTA,
                         term_start=date(2026, 1, 5))  # fmt: skip
    assert refused.value.message_dict == {"desa": ["Desa ini di luar wilayah Anda."]}
