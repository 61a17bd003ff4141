"""`lib.inserts.insert` (COPY on PostgreSQL, INSERT ... RETURNING on SQLite) stores what `bulk_create` stores
and gives the objects their keys as it does, a new person's key included in their positions; `AnyOf`
(`fetch_in`: an array on PostgreSQL, a JSON array on SQLite) finds what `__in` finds."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from lindungdesa.imports.engine import AnyOf, fetch_in
from lindungdesa.lib.inserts import insert
from lindungdesa.officials.models import Office, Person, Position
from lindungdesa.officials.rules import position_new
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


def _people(desa, start: int, count: int) -> list[Person]:
    return [
        Person(
            nik=make_nik(desa.district_code, date(1980, 1, 1 + i % 28), "L" if i % 2 else "P", start + i),
            name=f"Warga {start + i}",
            sex="L" if i % 2 else "P",
            birth_date=date(1980, 1, 1 + i % 28),
            phone="" if i % 3 else "081234567890",
        )
        for i in range(count)
    ]


def _positions(desa, people: list[Person]) -> list[Position]:
    return [
        position_new(
            person=person,
            desa=desa,
            office=Office.BPD_ANGGOTA,
            term_start=date(2021, 3, 1),
            term_end=None if i % 2 else date(2027, 2, 28),
            monthly_income=Decimal("2022000.50") if i % 2 else Decimal(0),
        )
        for i, person in enumerate(people)
    ]


def _stored(model, keys: list[int]) -> list[dict]:
    rows = {obj.pk: obj for obj in model.objects.filter(pk__in=keys)}
    skipped = ("id", "person", "created_at", "updated_at")
    return [{k: v for k, v in model_to_dict(rows[key]).items() if k not in skipped} for key in keys]


def test_it_stores_what_bulk_create_stores(desa):
    # More objects than one SQLite statement takes (999 variables), so several statements are made.
    by_django = _people(desa, 1, 150)
    Person.objects.bulk_create(by_django)
    ours = _people(desa, 201, 150)
    insert(Person, ours)

    keys = [p.pk for p in ours]
    assert keys == list(range(keys[0], keys[0] + 150))
    assert keys[0] > by_django[-1].pk
    assert all(not p._state.adding for p in ours)
    stored = _stored(Person, keys)
    expected = _stored(Person, [p.pk for p in by_django])
    assert [{**row, "nik": "", "name": ""} for row in stored] == [
        {**row, "nik": "", "name": ""} for row in expected
    ]
    assert [row["nik"] for row in stored] == [p.nik for p in ours]
    assert all(p.created_at is not None and p.updated_at == p.created_at for p in ours)

    positions = _positions(desa, ours)  # the people's keys come from `insert`
    reference = _positions(desa, by_django)
    Position.objects.bulk_create(reference)
    insert(Position, positions)
    assert [
        p.person_id for p in Position.objects.filter(pk__in=[p.pk for p in positions]).order_by("pk")
    ] == keys
    assert _stored(Position, [p.pk for p in positions]) == _stored(Position, [p.pk for p in reference])


def test_it_inserts_nothing_for_no_objects():
    insert(Person, [])
    assert not Person.objects.exists()


def test_any_of_finds_what_in_finds(desa):
    people = _people(desa, 1, 5)
    insert(Person, people)
    insert(Position, _positions(desa, people))
    niks = [p.nik for p in people[:3]] + ["3201010101800009", None]
    ids = [p.pk for p in people[1:]] + [10**9]
    for queryset, field, values in (
        (Person.objects.all(), "nik", niks),  # text, one value that matches nothing, a None
        (Position.objects.all(), "person_id", ids),  # integer keys
        (Position.objects.all(), "desa_id", [desa.code, "61.03.01.9999"]),  # a key that is text
    ):
        expected = sorted(queryset.filter(**{f"{field}__in": values}).values_list("pk", flat=True))
        assert expected
        with CaptureQueriesContext(connection) as queries:
            found = sorted(queryset.filter(AnyOf(F(field), values)).values_list("pk", flat=True))
        assert found == expected
        assert ("= ANY(" if connection.vendor == "postgresql" else "json_each(") in queries[0]["sql"]
    assert list(fetch_in(Person.objects.all(), "nik__in", [])) == []
