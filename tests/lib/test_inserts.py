"""`insert` writes the rows `bulk_create` writes: the same values, read back through the ORM."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.lib.inserts import insert
from lindungdesa.monev.models import Case, Round
from lindungdesa.regions.models import Region
from tests.factories import make_person

pytestmark = pytest.mark.django_db

DESA = ["61.03.01.2007", "61.03.01.2008", "61.01.01.2001"]


def enrolments(person) -> list[Enrolment]:
    return [
        Enrolment(
            person=person,
            kpj=f"1234567890{i}",
            programmes="JKK,JKM,JHT" if i else "JKK,JKM",
            category=Enrolment.Category.BPU if i == 2 else Enrolment.Category.PU,
            wage=Decimal("2426640.50") + i,
            start_date=date(2025, 1 + i, 1),
            paid_through=None if i == 1 else date(2026, 3, 1),
            bpjs_name="" if i else "BUDI S",
        )
        for i in range(3)
    ]


def cases(round_: Round) -> list[Case]:
    return [
        Case(
            round=round_,
            desa_id=code,
            failed=["nobody", "coverage"][: i + 1],
            figures={"aparat_serving": i, "coverage_pct": None if i else "12.5", "nama": 'Désa "1"'},
            state_since=date(2026, 3, 16),
            due_date=None if i == 2 else date(2026, 3, 30),
            letter_number="=1+1" if i == 1 else "",
        )
        for i, code in enumerate(DESA)
    ]


def read(model, only: dict, ignore: set[str]) -> list[dict]:
    rows = model.objects.filter(**only).order_by("id").values()
    return [{k: v for k, v in row.items() if k not in ignore} for row in rows]


def test_the_rows_are_those_of_bulk_create():
    desa = Region.objects.get(code=DESA[0])
    one, other = make_person(desa, name="Satu"), make_person(desa, name="Dua")
    Enrolment.objects.bulk_create(enrolments(one))
    before = timezone.now()
    written = enrolments(other)
    insert(Enrolment, written)
    ignore = {"id", "person_id", "created_at", "updated_at"}
    assert read(Enrolment, {"person": other}, ignore) == read(Enrolment, {"person": one}, ignore)
    stored = Enrolment.objects.filter(person=other)
    assert all(before <= e.created_at == e.updated_at <= timezone.now() for e in stored)
    assert all(e.pk is not None and not e._state.adding for e in written)

    rounds = [
        Round.objects.create(province_id="61", period=period, evaluated_month="2026-02", criteria=["nobody"])
        for period in ("2026-Q1", "2026-Q2")
    ]
    Case.objects.bulk_create(cases(rounds[0]))
    insert(Case, cases(rounds[1]))
    ignore = {"id", "round_id", "opened_at"}
    assert read(Case, {"round": rounds[1]}, ignore) == read(Case, {"round": rounds[0]}, ignore)
    assert Case.objects.get(round=rounds[1], desa_id=DESA[0]).figures["nama"] == 'Désa "1"'


def test_nothing_to_write_writes_nothing():
    insert(Case, [])
    assert not Case.objects.exists()


def test_many_rows_are_written_as_bulk_create_writes_them_in_statements_of_many_rows():
    """More rows than one SQLite statement takes (999 values), the last statement part full; in a column,
    amounts equal but written with other places, None beside values of one kind, a kind with its default."""
    desa = Region.objects.get(code=DESA[0])
    one, other = make_person(desa, name="Satu"), make_person(desa, name="Dua")

    def many(person) -> list[Enrolment]:
        wages = [Decimal("2"), Decimal("2.000"), Decimal("2.5"), Decimal("2.50"), Decimal(0)]
        return [
            Enrolment(
                person=person,
                kpj=f"{i:011d}",
                programmes="JKK,JKM",
                wage=wages[i % len(wages)],
                start_date=date(2025, 1 + i % 12, 1),
                paid_through=None if i % 3 else date(2026, 3, 1),
                bpjs_birth_date=None if i % 2 else date(1980, 5, 17),
            )
            for i in range(250)
        ]

    Enrolment.objects.bulk_create(many(one))
    written = many(other)
    insert(Enrolment, written)
    ignore = {"id", "person_id", "created_at", "updated_at"}
    assert read(Enrolment, {"person": other}, ignore) == read(Enrolment, {"person": one}, ignore)
    stored = Enrolment.objects.filter(person=other).order_by("id")
    assert [e.pk for e in written] == list(stored.values_list("id", flat=True))  # keys in the rows' order
    assert [e.kpj for e in stored] == [f"{i:011d}" for i in range(250)]
