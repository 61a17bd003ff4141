"""The pages' query counts are pinned, and do not grow with the rows they show (no query per row).

Each page is asked for twice: on the hand-made roster with a row in every list, then after more people
are added in three desa (not enrolled, in arrears, enrolled but no longer serving, a BPJS name that
differs). The count must be the same both times and within the pinned number. Server time is measured by
bench/pages.py (docs/benchmarks.md), never here.
"""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lindungdesa.accounts.models import User
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.monev.models import Case
from lindungdesa.monev.services import round_open
from lindungdesa.officials.models import Office, Position
from lindungdesa.officials.services import position_end
from lindungdesa.regions.models import Region
from lindungdesa.web import kept
from tests.factories import enrol
from tests.shared import shared
from tests.web.conftest import (
    DALAM_KAUM,
    KAPUAS,
    MUKOK_DESA,
    PENYELADI,
    PERIOD,
    make_user,
    register,
    roster_make,
    start,
)

# The roster, its users and an open round are made once for the module (`opened`), in one test process.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("query-counts")]

Q = f"?periode={PERIOD}"

# (user fixture, address, most queries). "{round}" and "{case}" are the round and a case of Penyeladi.
# Counted cold (cache cleared). Raised on 6 December 2026 when the role's job cards, the count of people
# serving without a NIK and the budget's cached totals landed together: constant per page, not per row.
# Reconciliation +3 the same day: its lists' ids are cached by data version (one query for the version; a
# cold read then reads the rows shown by id, two more), and a warm read skips the four largest reads.
# Dashboards above a desa +2: the versions their kept figures are under (indicators.dashboard.page_dashboard).
# A desa's budget totals read without the people +1 (6 December 2026, later): who holds a seat
# with no NIK yet is asked of the database (the totals' rows carry no NIK).
# Reconciliation +3 again: the data differences' ids are kept too (a cold read computes the list, then reads
# the rows shown by id, three more; a warm read skips the list's pass over the participants).
# Monev round +3: the round report is kept per round, region and day under three small reads (the data
# version, the round's case events, the people without a NIK: monev.selectors.round_report_version); a warm
# read skips the report's seven (the counts now, the cases, who has no NIK, the regencies' names: 21 → 17
# warm for the province analyst at national scale).
# A desa's page +2 cold: its figures are kept under dashboard_version() (its two reads); warm, the figures'
# four reads are skipped (web/views.py, sat2's session of 6 December 2026).
# Reconciliation +2: the rows' people read by id in queries of their own (joined, PostgreSQL read the whole
# person table: enrolment/reconcile.py, _people).
# Reconciliation +1 (sat4): the data version its rendered lists are kept under (web/kept.py); counted here
# with them not kept, as every count above; kept, the lists' reads are skipped (8-10 queries in the demo).
PAGES = [
    ("analyst", f"/wilayah/61/{Q}", 17),
    ("analyst", f"/wilayah/61.03/{Q}", 16),
    ("analyst", f"/wilayah/{KAPUAS}/{Q}", 16),
    ("analyst", f"/rekonsiliasi/61/{Q}", 25),
    ("analyst", "/monev/", 5),
    ("analyst", "/monev/{round}/", 25),
    ("analyst", "/monev/kasus/{case}/", 24),
    ("analyst", "/target/", 9),
    ("analyst", "/ucj/", 6),
    ("analyst", "/potret/", 5),
    ("analyst", "/impor/", 4),
    ("analyst", "/laporan/kemendagri/", 4),
    ("sanggau_operator", f"/wilayah/61.03/{Q}", 19),
    ("sanggau_operator", f"/rekonsiliasi/61.03/{Q}", 26),
    ("sanggau_operator", "/monev/{round}/", 25),
    ("village_operator", f"/wilayah/{PENYELADI}/{Q}", 28),
    ("village_operator", f"/rekonsiliasi/{PENYELADI}/{Q}", 26),
    ("village_operator", "/monev/{round}/", 23),
    ("village_operator", "/monev/kasus/{case}/", 22),
]


def more_people(serial: int) -> None:
    """In each of three desa: one not enrolled, one in arrears, one who left but is still paid up, and one
    protected whose BPJS name and birth date differ from the roster's."""
    for district, desa in ((KAPUAS, PENYELADI), ("61.03.02", MUKOK_DESA), ("61.01.01", DALAM_KAUM)):
        born = date(1980, 1, 1)
        new = register(district, born, serial, f"Belum Daftar {serial}")
        start(new, desa, Office.KEPALA_DUSUN, date(2022, 1, 1), unit_name=f"A{serial}")
        late = register(district, born, serial + 1, f"Menunggak {serial}")
        start(late, desa, Office.KEPALA_DUSUN, date(2022, 1, 1), unit_name=f"B{serial}")
        enrol(late, date(2023, 1, 1), date(2025, 6, 1))
        gone = register(district, born, serial + 2, f"Sudah Berhenti {serial}")
        position = start(gone, desa, Office.KEPALA_DUSUN, date(2019, 1, 1), unit_name=f"C{serial}")
        position_end(
            region=None, position=position, last_day=date(2025, 6, 30), reason=Position.EndReason.RETIRED
        )
        enrol(gone, date(2023, 1, 1), date(2026, 3, 1))
        other = register(district, born, serial + 3, f"Nama Roster {serial}")
        start(other, desa, Office.KEPALA_DUSUN, date(2022, 1, 1), unit_name=f"D{serial}")
        e = enrol(other, date(2023, 1, 1), date(2026, 3, 1))
        Enrolment.objects.filter(pk=e.pk).update(
            bpjs_name="NAMA LAIN SEKALI", bpjs_birth_date=date(1999, 1, 1)
        )


def queries_of(client, url: str) -> list[str]:
    """The SQL of one request of `url`, counted cold: cached figures (the budget's region totals, keyed on the
    data version) are computed again, and the parts of pages that name people are not kept (web/kept.py;
    when they are, fewer), so that what is counted is the page's whole cost, the same before and after more
    rows."""
    cache.clear()
    kept.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in queries.captured_queries]


@pytest.fixture(scope="module")
def opened(django_db_setup, django_db_blocker):
    """The hand-made roster, the users of the pages, a round of the province opened by the analyst (what
    the pages show) and the first `more_people`, made once for the module (tests/shared.py): (users by name,
    round id, case id)."""

    def build():
        roster_make()
        users = {
            "analyst": make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi"),
            "sanggau_operator": make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi"),
            "village_operator": make_user("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI, "Yanti"),
        }
        round_ = round_open(province=Region.objects.get(code="61"), period="2026-Q1", user=users["analyst"])
        more_people(100)  # every list of the pages holds a row of each kind before the first count
        return users, round_.pk, Case.objects.get(round=round_, desa_id=PENYELADI).pk

    yield from shared(django_db_blocker, build)


@pytest.fixture(scope="module")
def counted(opened, django_db_blocker) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """The queries of every page of PAGES, (who, address) -> (before, after): each page asked for on the
    module's rows, then, once more people were added twice (`more_people(200)` and `(300)`, once for all the
    pages: each test added the same rows again, half of the module's time), asked for again. In the
    module's transaction (`opened`), rolled back after its last test."""
    users, round_id, case_id = opened
    pages = [(who, url, url.format(round=round_id, case=case_id)) for who, url, _most in PAGES]
    client = Client()
    with django_db_blocker.unblock():
        before = {}
        for who, url, address in pages:
            client.force_login(users[who])
            client.get(address)  # the first request of a session writes it: not what the page costs
            before[who, url] = queries_of(client, address)
        more_people(200)
        more_people(300)
        after = {}
        for who, url, address in pages:
            client.force_login(users[who])
            client.get(address)
            after[who, url] = queries_of(client, address)
    return {key: (before[key], after[key]) for key in before}


@pytest.mark.parametrize(("who", "url", "most"), PAGES)
def test_a_page_asks_a_pinned_number_of_queries_whatever_its_rows(counted, who, url, most):
    before, after = counted[who, url]
    listed = "\n".join(f"{n}. {sql}" for n, sql in enumerate(after, 1))
    assert len(after) <= most, f"{url}: expected at most {most} queries, {len(after)} were done:\n{listed}"
    assert len(after) == len(before), f"{url}: {len(before)} queries, then {len(after)} with more rows"
