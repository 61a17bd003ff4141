"""The round of 2026-Q1 opened on the hand-made roster, made once for a module.

Opening a round of Kalimantan Barat freezes a snapshot of the province and opens a case for each of its
2,044 desa that fail: about a second of work, which most monev tests need before they start. A module
that imports `roster`, `analyst` and `opened` from here gets them made once (`tests/shared.py`: each test
in a savepoint, its writes undone) and fresh from the database in each test, so that no test sees what
an earlier one changed in memory. Such a module marks itself with an `xdist_group` and holds no test that
needs the province without a round.
"""

from dataclasses import dataclass, fields
from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.monev.models import Round
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Person
from lindungdesa.regions.models import Region
from tests.shared import shared
from tests.web.conftest import Roster, make_user, roster_make

TODAY = date(2026, 3, 16)  # a Monday; the round looks at March 2026
VILLAGES = 2046  # desa in Kalimantan Barat


@dataclass
class Opened:
    roster: Roster
    analyst: User
    round: Round


@pytest.fixture(scope="module")
def shared_round(django_db_setup, django_db_blocker):
    def build() -> Opened:
        roster = roster_make()
        # The analyst of tests/web/conftest.py, who opens the round.
        analyst = make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")
        round_ = round_open(
            province=Region.objects.get(code="61"), period="2026-Q1", user=analyst, today=TODAY
        )
        return Opened(roster, analyst, round_)

    yield from shared(django_db_blocker, build)


@pytest.fixture(name="roster")
def shared_roster(shared_round, db) -> Roster:
    people = shared_round.roster
    return Roster(**{f.name: Person.objects.get(pk=getattr(people, f.name).pk) for f in fields(Roster)})


@pytest.fixture(name="analyst")
def shared_analyst(shared_round, db) -> User:
    return User.objects.get(pk=shared_round.analyst.pk)


@pytest.fixture(name="opened")
def shared_opened(shared_round, db) -> Round:
    return Round.objects.get(pk=shared_round.round.pk)
