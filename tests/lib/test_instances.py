"""`build` gives what the model's own constructor gives."""

from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib.instances import build, build_from
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.regions.models import Region

pytestmark = pytest.mark.django_db


def same(a, b, *, one_relation_object: bool = True) -> None:
    assert type(a) is type(b)
    assert {k: v for k, v in vars(a).items() if k != "_state"} == {
        k: v for k, v in vars(b).items() if k != "_state"
    }
    assert (a._state.adding, a._state.db, a._state.fields_cache.keys()) == (
        b._state.adding,
        b._state.db,
        b._state.fields_cache.keys(),
    )
    if one_relation_object:
        for name, value in a._state.fields_cache.items():
            assert b._state.fields_cache[name] is value


def test_a_person_with_defaults():
    values = {"nik": "6103014507890001", "name": "Maria", "sex": "P", "birth_date": date(1989, 7, 5)}
    same(build(Person, **values), Person(**values))


def test_a_position_with_its_relations_cached_and_keys_copied():
    desa = Region.objects.filter(kind=Region.Kind.DESA).first()
    person = Person.objects.create(nik="6103014507890001", name="M", sex="P", birth_date=date(1989, 7, 5))
    values = {
        "person": person,
        "desa": desa,
        "office": Office.KEPALA_DESA,
        "group": "APARAT",
        "term_start": date(2020, 1, 1),
        "monthly_income": Decimal("2426640"),
    }
    built, made = build(Position, **values), Position(**values)
    same(built, made)
    assert built.person_id == person.pk and built.desa_id == desa.code and built.person is person


def test_an_unsaved_relation_gives_both_sides_a_database_as_django_does():
    desa = Region.objects.filter(kind=Region.Kind.DESA).first()
    one, two = Person(nik="1", name="a", sex="L"), Person(nik="1", name="a", sex="L")
    built = build(Position, person=one, desa=desa, office=Office.SEKRETARIS_DESA, term_start=date(2020, 1, 1))
    made = Position(person=two, desa=desa, office=Office.SEKRETARIS_DESA, term_start=date(2020, 1, 1))
    same(built, made, one_relation_object=False)
    assert built.person is one and made.person is two
    assert built.person_id is None and one._state.db == two._state.db == "default"


def test_keys_given_by_attname():
    values = {"person_id": None, "nik": "6103014507890001", "kpj": "1", "as_of": date(2026, 10, 1)}
    same(build(Enrolment, **values), Enrolment(**values))


def test_what_django_refuses_it_refuses_with_djangos_message():
    with pytest.raises(TypeError, match="unexpected keyword"):
        build(Person, nik="1", shoe_size=44)
    desa = Region.objects.filter(kind=Region.Kind.DESA).first()
    with pytest.raises(ValueError, match='must be a "Person" instance'):
        build(Position, person=desa)


def test_a_relation_given_as_none_is_cached_as_none_as_django_does():
    desa = Region.objects.filter(kind=Region.Kind.DESA).first()
    values = {"person": None, "desa": desa, "office": Office.KEPALA_DESA, "term_start": date(2020, 1, 1)}
    built, made = build(Position, **values), Position(**values)
    same(built, made)
    assert built.person_id is None and built._state.fields_cache["person"] is None


def test_build_from_a_dict_builds_the_same_and_leaves_the_dict_as_it_was():
    desa = Region.objects.filter(kind=Region.Kind.DESA).first()
    person = Person.objects.create(nik="6103014507890001", name="M", sex="P", birth_date=date(1989, 7, 5))
    values = {"person": person, "desa": desa, "office": Office.KEPALA_DESA, "term_start": date(2020, 1, 1)}
    kept = dict(values)
    same(build_from(Position, values), Position(**values))
    assert values == kept
    enrolment = {"person_id": person.pk, "nik": person.nik, "kpj": "1", "as_of": date(2026, 10, 1)}
    same(build_from(Enrolment, enrolment), Enrolment(**enrolment))
