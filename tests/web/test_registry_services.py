"""`person_update` and `position_hand_over`: the services behind the pages that correct a person and replace
a holder, with the region boundary of officials/boundary.py."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.officials.services import person_update, position_hand_over
from tests.factories import make_nik
from tests.web.conftest import KAPUAS, NANGA_BIANG, PENYELADI, start
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db

FOREIGN = "NIK ini tercatat di wilayah lain; hubungi operator kabupaten/provinsi."


def details(person: Person) -> dict:
    return {f: getattr(person, f) for f in ("nik", "name", "sex", "birth_date", "phone")}


def test_an_owned_person_is_corrected_with_the_checks_of_a_new_one(roster):
    siti = roster.siti
    updated = person_update(
        region=PENYELADI,
        person=siti,
        **{**details(siti), "name": "  Siti   Aminah Rahayu ", "phone": "081311112222"},
    )
    assert (updated.name, updated.phone) == ("Siti Aminah Rahayu", "081311112222")
    with pytest.raises(ValidationError) as error:
        person_update(region=PENYELADI, person=siti, **{**details(siti), "birth_date": date(1983, 7, 6)})
    assert list(error.value.message_dict) == ["nik"]  # the birth date no longer agrees with the NIK


def test_a_mistyped_nik_is_corrected_unless_someone_holds_the_new_one(roster):
    siti = roster.siti
    right = make_nik(KAPUAS, date(1983, 7, 5), "P", serial=55)
    assert person_update(region=PENYELADI, person=siti, **{**details(siti), "nik": right}).nik == right
    with pytest.raises(ValidationError) as error:
        person_update(region=PENYELADI, person=siti, **{**details(siti), "nik": roster.budi.nik, "sex": "L"})
    assert error.value.message_dict.get("nik") or error.value.message_dict.get("birth_date")
    # A NIK held in the next desa, outside the village operator's region: refused, naming nobody.
    hendrikus = Person.objects.get(name="Hendrikus Nanga")
    with pytest.raises(ValidationError) as error:
        person_update(
            region=PENYELADI,
            person=roster.budi,
            **{**details(roster.budi), "nik": hendrikus.nik, "birth_date": hendrikus.birth_date},
        )
    assert error.value.message_dict == {"nik": [FOREIGN]}
    # Inside the regency, the same NIK is someone else's on record.
    with pytest.raises(ValidationError) as error:
        person_update(
            region="61.03",
            person=roster.budi,
            **{**details(roster.budi), "nik": hendrikus.nik, "birth_date": hendrikus.birth_date},
        )
    assert error.value.message_dict == {"nik": ["NIK ini sudah tercatat untuk orang lain; periksa NIK."]}
    roster.budi.refresh_from_db()
    assert roster.budi.nik != hendrikus.nik


def test_a_shared_person_is_corrected_only_by_a_region_holding_all_their_positions(roster):
    hendrikus = Person.objects.get(name="Hendrikus Nanga")  # kepala desa of Nanga Biang
    start(hendrikus, PENYELADI, Office.KASI_PEMERINTAHAN, date(2025, 1, 1), acting="plt")
    before = details(hendrikus)
    with pytest.raises(ValidationError) as error:
        person_update(region=PENYELADI, person=hendrikus, **{**before, "phone": "081299998888"})
    assert "juga tercatat di wilayah lain" in error.value.message_dict["nik"][0]
    hendrikus.refresh_from_db()
    assert details(hendrikus) == before
    # The regency holds both desa: it owns him.
    assert person_update(region="61.03", person=hendrikus, **{**before, "phone": "081299998888"}).phone == (
        "081299998888"
    )


def test_a_person_outside_is_refused(roster):
    with pytest.raises(ValidationError) as error:
        person_update(region="61.01", person=roster.budi, **details(roster.budi))
    assert error.value.message_dict == {"nik": [FOREIGN]}


def test_a_hand_over_ends_the_old_term_and_starts_the_new_one(roster):
    old = Position.objects.get(person=roster.budi)
    new = position_hand_over(
        region=PENYELADI,
        position=old,
        nik=make_nik(KAPUAS, date(1985, 1, 20), serial=88),
        name="Markus Lesek",
        term_start=date(2026, 3, 1),
        acting="pj",
    )
    old.refresh_from_db()
    assert (old.term_end, old.end_reason) == (date(2026, 2, 28), "replaced")
    assert (new.desa_id, new.office, new.acting, new.term_start) == (
        PENYELADI,
        Office.KEPALA_DESA,
        "pj",
        date(2026, 3, 1),
    )


def test_a_refused_successor_leaves_the_old_term_as_it_was(roster):
    old = Position.objects.get(person=roster.budi)
    count = Position.objects.count()
    hendrikus = Person.objects.get(name="Hendrikus Nanga")
    for nik, name, problem in (
        (hendrikus.nik, "Hendrikus Nanga", {"nik": [FOREIGN]}),
        (roster.maria.nik, "Maria Ulin", "office"),  # ketua BPD cannot be kepala desa
        (roster.budi.nik, "Budi Santoso", {"nik": ["Pengganti adalah pemegang jabatan ini sendiri."]}),
    ):
        with pytest.raises(ValidationError) as error:
            position_hand_over(
                region=PENYELADI, position=old, nik=nik, name=name, term_start=date(2026, 3, 1)
            )
        if isinstance(problem, dict):
            assert error.value.message_dict == problem
        else:
            assert problem in error.value.message_dict
        old.refresh_from_db()
        assert (old.term_end, old.end_reason) == (date(2029, 12, 31), "")
    assert Position.objects.count() == count


def test_a_hand_over_in_a_desa_outside_is_refused_before_the_nik(roster):
    old = Position.objects.get(desa=NANGA_BIANG, office=Office.KEPALA_DESA)
    with pytest.raises(ValidationError) as error:
        position_hand_over(
            region=PENYELADI, position=old, nik="123", name="Siapa", term_start=date(2026, 3, 1)
        )
    assert error.value.message_dict == {"desa": ["Desa ini di luar wilayah Anda."]}
