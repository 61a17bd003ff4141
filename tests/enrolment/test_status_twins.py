"""Each status rule in Python and its SQL twin (`enrolment.status`) give the same answer.

Generated memberships (any day of a month as the paid-through date, never paid, starting after the month),
months and dated rules (grace and lapse months, including a lapse shorter than the grace); the database
is asked for each status and must return exactly the rows the Python rule puts there.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.enrolment.status import (
    PlainRule,
    Status,
    enrolment_q,
    enrolment_status,
    person_q,
    person_status,
    status_of,
)
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

_FIRST, _LAST = date(2024, 1, 1), date(2027, 12, 31)
_DAY = st.integers(0, (_LAST - _FIRST).days).map(lambda n: _FIRST + timedelta(days=n))
# (start date, paid-through date or None); the paid-through date is any day, not only the first.
_MEMBERSHIP = st.tuples(_DAY, st.none() | _DAY)
_PERIOD = st.builds(Month, st.integers(2024, 2027), st.integers(1, 12))
_RULE = st.builds(PlainRule, st.integers(0, 4), st.integers(0, 8))
_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _enrolment(start: date, paid: date | None, person: Person | None = None) -> Enrolment:
    return Enrolment(
        person=person,
        kpj="",
        programmes="JKK,JKM",
        category=Enrolment.Category.PU,
        wage=Decimal(0),
        start_date=start,
        paid_through=paid,
    )


@_SETTINGS
@given(memberships=st.lists(_MEMBERSHIP, min_size=1, max_size=12), period=_PERIOD, rule=_RULE)
def test_one_membership_python_and_sql_agree(memberships, period, rule):
    Enrolment.objects.all().delete()
    rows = Enrolment.objects.bulk_create(_enrolment(start, paid) for start, paid in memberships)
    expected = {status: set() for status in Status}
    for row in rows:
        expected[status_of(row.start_date, row.paid_through, period, rule)].add(row.pk)
    for status in Status:
        found = set(Enrolment.objects.filter(enrolment_q(status, period, rule)).values_list("pk", flat=True))
        assert found == expected[status], (status, period, rule)


@_SETTINGS
@given(people=st.lists(st.lists(_MEMBERSHIP, max_size=4), min_size=1, max_size=6), period=_PERIOD, rule=_RULE)
def test_one_person_python_and_sql_agree(people, period, rule):
    Enrolment.objects.all().delete()
    Person.objects.all().delete()
    persons = Person.objects.bulk_create(
        Person(
            nik=make_nik("61.03.01", date(1980, 5, 17), serial=i + 1),
            name="Budi",
            birth_date=date(1980, 5, 17),
        )
        for i in range(len(people))
    )
    Enrolment.objects.bulk_create(
        _enrolment(start, paid, person)
        for person, memberships in zip(persons, people, strict=True)
        for start, paid in memberships
    )
    expected = {status: set() for status in Status}
    for person, memberships in zip(persons, people, strict=True):
        expected[person_status(memberships, period, rule)].add(person.pk)
    for status in Status:
        found = set(Person.objects.filter(person_q(status, period, rule, "pk")).values_list("pk", flat=True))
        assert found == expected[status], (status, period, rule)


def test_the_worked_example_of_the_docs():
    """docs/domain.md §3: in November, paid through October is protected, August in arrears, July not."""
    nov, rule = Month(2026, 11), PlainRule(grace_months=1, lapse_months=3)
    start = date(2025, 1, 1)
    for paid, status in [
        (10, Status.PROTECTED),
        (9, Status.ARREARS),
        (8, Status.ARREARS),
        (7, Status.INACTIVE),
    ]:
        assert status_of(start, date(2026, paid, 1), nov, rule) == status
    assert person_status([(start, date(2026, 7, 1)), (start, date(2026, 9, 1))], nov, rule) == Status.ARREARS
    assert person_status([], nov, rule) == Status.NOT_ENROLLED
    assert (
        enrolment_status(start_date=None, paid_through=None, period=nov, grace_months=1, lapse_months=3)
        == Status.NOT_ENROLLED
    )
