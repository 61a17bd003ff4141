"""Small builders for hand-made fixtures (valid NIKs, people with offices, enrolments)."""

import itertools
from datetime import date
from decimal import Decimal

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.officials.models import Person, Position
from lindungdesa.officials.services import person_register, position_start
from lindungdesa.regions.models import Region

_serials = itertools.count(1)


def make_nik(district_code: str, birth_date: date, sex: str = "L", serial: int | None = None) -> str:
    day = birth_date.day + (40 if sex == "P" else 0)
    serial = next(_serials) if serial is None else serial
    born = f"{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}"
    return f"{district_code.replace('.', '')}{born}{serial:04d}"


def make_person(
    desa: Region, name: str = "Budi Santoso", sex: str = "L", born: date = date(1980, 5, 17)
) -> Person:
    return person_register(
        region=None, nik=make_nik(desa.district_code, born, sex), name=name, sex=sex, birth_date=born
    )


def make_position(desa: Region, office: str, start: date, end: date | None = None, **kwargs) -> Position:
    person = kwargs.pop("person", None) or make_person(desa, name=kwargs.pop("name", "Budi Santoso"))
    return position_start(
        region=None, person=person, desa=desa, office=office, term_start=start, term_end=end, **kwargs
    )


def enrol(person: Person, start: date, paid_through: date | None, programmes: str = "JKK,JKM") -> Enrolment:
    return Enrolment.objects.create(
        person=person,
        kpj="12345678901",
        programmes=programmes,
        category=Enrolment.Category.PU,
        wage=Decimal("2426640"),
        start_date=start,
        paid_through=paid_through,
    )
