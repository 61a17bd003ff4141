"""The reconciliation lists of a region with more than a thousand rows each (a province has about 7,000
unenrolled officials): the rows' people are read by id in batches. Prefetched, Django 5.2 asked SQLite for
one OR per row and SQLite refused past 1,000 ("Expression tree is too large"), so a province's download of
its lists was a server error in the demo and on every SQLite install."""

from datetime import date
from decimal import Decimal

import pytest

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.enrolment.reconcile import enrolled_not_serving, serving_in_arrears, serving_not_enrolled
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.regions.models import Region

pytestmark = pytest.mark.django_db

NOV = Month(2026, 11)
MANY = 1_050


def bpd_members(desa: Region, kind: str) -> list[Person]:
    """MANY BPD members of `desa` (written in bulk: the seat rules are not what is tested here)."""
    people = Person.objects.bulk_create(
        Person(nik=f"6103011505{i:06d}", name=f"{kind} {i}", sex="L", birth_date=date(1980, 5, 15))
        for i in range(MANY)
    )
    ended = date(2026, 6, 30) if kind == "Berhenti" else None
    Position.objects.bulk_create(
        Position(
            person=p,
            desa=desa,
            group="BPD",
            office=Office.BPD_ANGGOTA,
            term_start=date(2020, 1, 1),
            term_end=ended,
        )
        for p in people
    )
    return people


def enrol_all(people: list[Person], paid_through: date) -> None:
    Enrolment.objects.bulk_create(
        Enrolment(
            person=p,
            kpj=f"9{i:010d}",
            programmes="JKK,JKM",
            category=Enrolment.Category.PU,
            wage=Decimal("1000000"),
            start_date=date(2020, 2, 1),
            paid_through=paid_through,
        )
        for i, p in enumerate(people)
    )


@pytest.fixture
def desa() -> Region:
    return Region.objects.filter(regency_code="61.03", kind=Region.Kind.DESA).order_by("code").first()


@pytest.mark.parametrize(
    ("kind", "paid_through", "find"),
    [
        ("Belum", None, serving_not_enrolled),
        ("Menunggak", date(2025, 1, 1), serving_in_arrears),
        ("Berhenti", date(2026, 11, 1), enrolled_not_serving),
    ],
)
def test_a_list_of_more_than_a_thousand_rows_is_read_whole(desa, kind, paid_through, find):
    people = bpd_members(desa, kind)
    if paid_through:
        enrol_all(people, paid_through)
    rows = find(desa.regency_code, NOV)
    assert sorted(f.person.name for f in rows) == sorted(p.name for p in people)
