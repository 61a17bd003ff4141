"""The hand-made roster of tests/web/conftest.py, made once for a module instead of once for each test.

Making it goes through the services (registration, the office rules, the audit trail): about a tenth of a
second each time, which 200 tests paid before they started. A module whose tests all want the roster
imports `module_roster` and `roster` from here: the rows are made once (`tests/shared.py`: each test in a
savepoint, its writes undone) and each test gets the people fresh from the database, so that none sees what
an earlier one changed in memory. Only for a module in which no test needs the database without the
roster (a test that does not ask for it still sees it once another has).
"""

from collections.abc import Iterator
from dataclasses import fields
from datetime import date

import pytest

from lindungdesa.monev.models import Round
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import Region
from tests.shared import shared
from tests.web.conftest import Roster, roster_make


@pytest.fixture(scope="module")
def module_roster(django_db_setup, django_db_blocker) -> Iterator[Roster]:
    yield from shared(django_db_blocker, roster_make)


@pytest.fixture(name="roster")
def fresh_roster(module_roster, db) -> Roster:
    people = Person.objects.in_bulk([getattr(module_roster, f.name).pk for f in fields(Roster)])
    return Roster(**{f.name: people[getattr(module_roster, f.name).pk] for f in fields(Roster)})


@pytest.fixture(scope="module")
def module_round(module_roster, django_db_blocker) -> Iterator[Round]:
    """The round of 2026-Q1 on the module's roster, opened once (about a second: a case for each desa of the
    province that fails) for a module's last tests, which ask for `opened`; no test after them."""
    yield from shared(
        django_db_blocker,
        lambda: round_open(province=Region.objects.get(code="61"), period="2026-Q1", today=date(2026, 3, 16)),
    )


@pytest.fixture(name="opened")
def fresh_round(module_round, roster) -> Round:
    return Round.objects.get(pk=module_round.pk)


@pytest.fixture(scope="class")
def class_roster(django_db_setup, django_db_blocker) -> Iterator[Roster]:
    """As `module_roster`, for the tests of one class: a module of which only some tests want the roster
    keeps those in a class based on `OnTheRoster`, so that its other tests never see the roster's rows."""
    yield from shared(django_db_blocker, roster_make)


class OnTheRoster:
    """The base of a class of tests that want the roster (`roster`): made once for the class, each test gets
    the people fresh from the database. A module using it imports `class_roster` too."""

    @pytest.fixture(name="roster")
    def class_fresh_roster(self, class_roster, db) -> Roster:
        people = Person.objects.in_bulk([getattr(class_roster, f.name).pk for f in fields(Roster)])
        return Roster(**{f.name: people[getattr(class_roster, f.name).pk] for f in fields(Roster)})
