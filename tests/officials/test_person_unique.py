"""A NIK is held by one person only: checked by validation (the field's message) and by the database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lindungdesa.officials.models import Person
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


def test_a_second_person_with_the_same_nik_is_refused_on_the_nik_field():
    nik = make_nik("610301", date(1980, 5, 17), "L", 1)
    Person.objects.create(nik=nik, name="Yohanes Ale", sex="L", birth_date=date(1980, 5, 17))
    twin = Person(nik=nik, name="Yohanes Lain", sex="L", birth_date=date(1980, 5, 17))
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert list(caught.value.message_dict) == ["nik"]
    assert "NIK" in caught.value.message_dict["nik"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_people_without_a_nik_are_many_and_a_known_nik_stays_unique():
    # The NIK is not known yet for officials read from an OpenSID A.4 book or a typed roster without one.
    for name in ("Ahmad Tanpa NIK", "Budi Tanpa NIK"):
        person = Person(nik=None, name=name, sex="L", birth_date=date(1980, 5, 17))
        person.full_clean()
        person.save()
    assert Person.objects.filter(nik__isnull=True).count() == 2
