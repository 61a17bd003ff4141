"""Opening a round of chosen criteria, and the `monev` command (the services of an opened round:
test_services.py)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindungdesa.monev.services import round_open
from lindungdesa.regions.models import Region
from tests.monev.rounds import TODAY, VILLAGES
from tests.web.conftest import PENYELADI
from tests.web.roster_once import fresh_roster, module_roster  # noqa: F401  (fixtures: made once)

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return Region.objects.get(code="61")


def test_only_the_chosen_criteria_open_cases(roster, province):
    round_ = round_open(province=province, period="2026-03", criteria=["arrears"], today=TODAY)
    assert list(round_.cases.values_list("desa_id", flat=True)) == [PENYELADI]


def run(*args) -> str:
    out = StringIO()
    call_command("monev", *args, stdout=out)
    return out.getvalue()


def test_the_command_opens_a_round_and_reports_its_status(roster):
    opened = json.loads(run("open", "--period", "2026-Q1", "--criteria", "nobody,arrears", "--json"))
    assert opened["period"] == "2026-Q1" and opened["cases"] == VILLAGES - 2
    status = json.loads(run("status", "--round", str(opened["round"]), "--json"))
    assert set(status) == {"round", "period", "cases", "by_state", "overdue", "villages_registered_nobody"}
    assert status["by_state"]["baru"] == opened["cases"]
    # Counted now, not in March: every membership of the hand-made roster has lapsed since.
    assert status["villages_registered_nobody"] == VILLAGES
    assert "Putaran" in run("status")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["open", "--period", "2026-Q9"], "tidak dikenal"),
        (["open", "--period", "2026-Q1", "--criteria", "rt"], "Kriteria tidak dikenal"),
        (["open", "--period", "2026-Q1", "--threshold", "lima puluh"], "angka"),
        (["status", "--round", "999"], "tidak ditemukan"),
        (["letters", "--round", "999", "--out", "x.pdf"], "tidak ditemukan"),
    ],
)
def test_the_command_explains_what_is_wrong(roster, args, message):
    with pytest.raises(CommandError, match=message) as info:
        run(*args)
    assert info.value.returncode == 2
