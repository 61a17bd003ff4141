"""The budget's hand-made roster (tests/budget/conftest.py), made once for a module instead of once for each
test, as tests/web/roster_once.py does for the web's: a module whose tests want it imports
`module_budget_roster` and `fresh_budget_roster` (the fixture `budget_roster`) from here. The rows are made
once in the module's transaction (`tests/shared.py`: each test in a savepoint, its writes undone), and each
test gets the six people fresh from the database, so that none sees what an earlier one changed in memory.
Only for a module in which no test needs the database without the roster: a test that does not ask for it
still sees its rows once another has."""

from collections.abc import Iterator
from dataclasses import fields

import pytest

from lindungdesa.officials.models import Person
from tests.budget.conftest import BudgetRoster, budget_roster_make
from tests.shared import shared


@pytest.fixture(scope="module")
def module_budget_roster(django_db_setup, django_db_blocker) -> Iterator[BudgetRoster]:
    yield from shared(django_db_blocker, budget_roster_make)


@pytest.fixture(name="budget_roster")
def fresh_budget_roster(module_budget_roster, db) -> BudgetRoster:
    keys = [getattr(module_budget_roster, f.name).pk for f in fields(BudgetRoster)]
    people = Person.objects.in_bulk(keys)
    return BudgetRoster(
        **{f.name: people[getattr(module_budget_roster, f.name).pk] for f in fields(BudgetRoster)}
    )
