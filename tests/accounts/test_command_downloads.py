"""Person-level files written by the command line are audited like the pages' downloads (issue 18):
`monev letters` (the names of unprotected officials, and it numbers the letters) and `budget --out` for a
desa (a line per person; whole NIKs with --personal)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from lindungdesa.accounts.models import AuditEntry
from lindungdesa.monev import rules
from lindungdesa.monev.letters import letter_data
from lindungdesa.monev.services import round_open
from lindungdesa.regions.models import Region
from tests.budget.conftest import NEXT, budget_roster  # noqa: F401  (fixture)
from tests.web.conftest import PENYELADI, analyst, roster  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("id"))


def test_monev_letters_from_the_command_line_are_audited(roster, analyst, tmp_path):  # noqa: F811
    opened = round_open(
        province=Region.objects.get(code="61"), period="2026-Q1", user=analyst, today=date(2026, 3, 16)
    )
    # One letter (the round holds a case for every desa that fails, a page each).
    opened.cases.exclude(desa_id=PENYELADI).update(state=rules.CLOSED)
    out = tmp_path / "surat.pdf"
    call_command("monev", "letters", "--round", str(opened.pk), "--out", str(out), stdout=StringIO())
    [entry] = exports()
    cases = list(opened.cases.exclude(letter_number=""))
    assert cases and out.stat().st_size > 0  # the letters were numbered and written
    named = sum(d.missing for d in letter_data(cases))
    assert entry.user is None and entry.region_code == "61"
    assert (entry.after["file_name"], entry.after["rows"], entry.after["masked"]) == (
        "surat.pdf",
        named,
        False,
    )
    assert "Surat monev" in entry.note


@pytest.mark.parametrize("personal", [True, False])
def test_a_desa_budget_sheet_from_the_command_line_is_audited(budget_roster, tmp_path, personal):  # noqa: F811
    out = tmp_path / "anggaran.xlsx"
    args = ["budget", "--year", str(NEXT), "--region", PENYELADI, "--out", str(out)]
    call_command(*args, *(["--personal"] if personal else []), stdout=StringIO())
    [entry] = exports()
    assert entry.user is None and entry.region_code == PENYELADI
    assert entry.after["file_name"] == "anggaran.xlsx" and entry.after["masked"] is not personal
    assert entry.after["rows"] > 0


def test_an_aggregate_budget_sheet_is_not_a_personal_download(budget_roster, tmp_path):  # noqa: F811
    call_command(
        "budget",
        "--year",
        str(NEXT),
        "--region",
        "61.03",
        "--out",
        str(tmp_path / "a.xlsx"),
        stdout=StringIO(),
    )
    assert exports() == []
