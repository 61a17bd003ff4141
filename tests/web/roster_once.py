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

import pytest

from lindungdesa.officials.models import Person
from tests.shared import shared
from tests.web.conftest import Roster, roster_make


@pytest.fixture(scope="module")
def module_roster(django_db_setup, django_db_blocker) -> Iterator[Roster]:
    yield from shared(django_db_blocker, roster_make)


@pytest.fixture(name="roster")
def fresh_roster(module_roster, db) -> Roster:
    people = Person.objects.in_bulk([getattr(module_roster, f.name).pk for f in fields(Roster)])
    return Roster(**{f.name: people[getattr(module_roster, f.name).pk] for f in fields(Roster)})
