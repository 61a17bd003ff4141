"""Everything checked on the whole demo province (seed 1, November 2026), which is loaded once.

Loading it takes seconds, so the tests here share one load (`tests/shared.py`): it is rolled back
after the last of them, and what a test writes is undone before the next.
"""

import json
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
from lindungdesa.budget.selectors import region_budget, region_budgets
from lindungdesa.dev.demodata import demo_load
from lindungdesa.enrolment.models import Enrolment
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.indicators.services import snapshot_take
from lindungdesa.lib.months import Month
from lindungdesa.lib.nik import nik_agrees, nik_check
from lindungdesa.officials.models import Acting, Group, Office, Person, Position
from lindungdesa.regions.models import Region
from tests.shared import shared

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("whole-demo-province")]

AS_OF = Month(2026, 11)
END = AS_OF.last_day
BUDGET_YEAR = 2027
MINIMUM = {Office.KEPALA_DESA: Decimal("2426640"), Office.SEKRETARIS_DESA: Decimal("2224420")}
PAGES = ["/publik/", "/publik/61/", "/publik/61.03/", "/publik/data.csv", "/publik/data.json"]


@pytest.fixture(scope="module", autouse=True)
def province(django_db_setup, django_db_blocker):
    """The demo province, loaded once for this module; its summary."""
    yield from shared(django_db_blocker, lambda: demo_load(province_code="61", seed=1, as_of=AS_OF))


def age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def test_the_province_matches_the_published_picture(province):
    summary = province

    total = region_indicators(Region.objects.get(code="61"), AS_OF).total
    assert summary.indicators == total.as_dict()
    assert total.villages == 2046
    assert abs(100 - total.villages_registered_pct - 16) <= 2
    assert abs(total.aparat_coverage_pct - 84) <= 2
    assert abs(total.bpd_coverage_pct - 63) <= 2
    assert summary.persons > 35_000

    positions = list(
        Position.objects.values_list(
            "desa_id", "desa__district_code", "office", "group", "acting", "unit_name", "term_start",
            "term_end", "planned_term_end", "end_reason", "monthly_income", "person_id",
        )
    )  # fmt: skip
    assert not Position.objects.exclude(desa__kind__in=Region.VILLAGE_KINDS).exists()

    # History: earlier holders whose term ended in the last 24 months, never serving beside their successor.
    ended = [p for p in positions if p[7] is not None and p[7] < END]
    assert len(ended) > 500
    assert all(p[9] in (Position.EndReason.REPLACED, Position.EndReason.TERM_COMPLETED) for p in ended)
    assert all(p[7] >= AS_OF.add(-24).first_day for p in ended)
    assert {p[2] for p in ended} >= {Office.KEPALA_DESA, Office.SEKRETARIS_DESA, Office.KEPALA_DUSUN}

    persons = {
        pk: (nik, sex, birth, phone)
        for pk, nik, sex, birth, phone in Person.objects.values_list(
            "pk", "nik", "sex", "birth_date", "phone"
        )
    }
    serving_by_person = Counter(p[11] for p in positions if p[7] is None or p[7] >= END)
    assert max(serving_by_person.values()) == 1  # nobody holds two offices at once

    for nik, sex, birth, phone in persons.values():
        facts = nik_check(nik, reference_date=END)
        assert nik_agrees(facts, birth_date=birth, sex=sex) == []
        assert re.fullmatch(r"08\d{10}", phone) or phone == ""
    for desa, district, office, _g, _a, _u, _s, _e, _pe, _r, _i, person in positions:
        assert persons[person][0][:6] == district.replace(".", ""), (desa, office)

    # Rosters serving at the end of the month.
    roster: dict[str, list] = defaultdict(list)
    for p in positions:
        if p[7] is None or p[7] >= END:
            roster[p[0]].append(p)
    assert len(roster) == 2046
    for desa, seats in roster.items():
        offices = Counter(p[2] for p in seats)
        assert offices[Office.KEPALA_DESA] == 1 and offices[Office.SEKRETARIS_DESA] == 1, desa
        assert (
            2
            <= sum(offices[o] for o in (Office.KAUR_TU_UMUM, Office.KAUR_KEUANGAN, Office.KAUR_PERENCANAAN))
            <= 3
        )
        assert (
            2
            <= sum(
                offices[o]
                for o in (Office.KASI_PEMERINTAHAN, Office.KASI_KESEJAHTERAAN, Office.KASI_PELAYANAN)
            )
            <= 3
        )
        dusun = [p[5] for p in seats if p[2] == Office.KEPALA_DUSUN]
        assert 2 <= len(dusun) <= 6 and len(set(dusun)) == len(dusun) and all(dusun), desa
        bpd = [p for p in seats if p[3] == Group.BPD]
        assert len(bpd) in (5, 7, 9), desa
        assert (
            offices[Office.BPD_KETUA]
            == offices[Office.BPD_WAKIL_KETUA]
            == offices[Office.BPD_SEKRETARIS]
            == 1
        )
        assert sum(persons[p[11]][1] == "P" for p in bpd) >= 0.3 * len(bpd), desa
        for p in seats:
            years = age(persons[p[11]][2], END)
            if p[2] == Office.KEPALA_DESA:
                assert 30 <= years <= 59
            elif p[3] == Group.APARAT:
                assert 22 <= years <= 59
            else:
                assert 25 <= years <= 65
    acting = [p for p in positions if p[4]]
    assert acting and all(p[4] == Acting.PJ and p[2] == Office.KEPALA_DESA for p in acting)

    # Pay: at or above the legal minimum siltap; BPD an allowance.
    for p in positions:
        if p[3] == Group.APARAT:
            assert p[10] >= MINIMUM.get(p[2], Decimal("2022200"))
        else:
            assert Decimal("500000") <= p[10] <= Decimal("2000000")

    # Enrolments: protected, in arrears, inactive, and some of people who have since left office.
    enrolments = list(
        Enrolment.objects.values_list(
            "person_id", "kpj", "programmes", "category", "wage", "start_date", "paid_through", "source",
            "person__positions__desa__regency_code", "person__positions__group",
            "person__positions__monthly_income",
        )
    )  # fmt: skip
    assert len({e[1] for e in enrolments}) == len(enrolments)
    assert all(re.fullmatch(r"\d{11}", e[1]) for e in enrolments)
    assert all(e[7] == Enrolment.Source.DEMO for e in enrolments)
    programmes = Counter(e[2] for e in enrolments)
    assert set(programmes) == {"JKK,JKM", "JKK,JKM,JHT"}
    assert programmes["JKK,JKM"] > programmes["JKK,JKM,JHT"] > 0
    bpd_category: dict[str, set[str]] = defaultdict(set)
    for _person, _kpj, _p, category, wage, start, paid, _s, regency, group, income in enrolments:
        assert start <= END and paid >= date(start.year, start.month, 1)
        if group == Group.APARAT:
            assert category == "PU" and wage == income
        else:
            bpd_category[regency].add(category)
            assert wage == (Decimal("1000000") if category == "BPU" else income)
    assert all(len(categories) == 1 for categories in bpd_category.values())
    assert {c for categories in bpd_category.values() for c in categories} == {"PU", "BPU"}
    unpaid = Counter(AS_OF - Month.of(e[6]) for e in enrolments)
    assert unpaid[2] + unpaid[3] > 100  # in arrears
    assert sum(n for months, n in unpaid.items() if months > 3) > 100  # inactive
    left = {p[11] for p in ended}
    assert sum(1 for e in enrolments if e[0] in left) > 100

    # 24 months of history: a steady rise to the calibrated figures, without jumps.
    province = Region.objects.get(code="61")
    trend = [region_indicators(province, AS_OF.add(-k)).total for k in range(23, -1, -1)]
    aparat = [t.aparat_coverage_pct for t in trend]
    bpd = [t.bpd_coverage_pct for t in trend]
    registered = [t.villages_registered_pct for t in trend]
    assert 50 <= aparat[0] <= 68 and aparat[-1] == total.aparat_coverage_pct
    assert bpd[0] < bpd[-1] - 15 and registered[0] < registered[-1] - 15
    for series in (aparat, bpd, registered):
        steps = [b - a for a, b in zip(series, series[1:], strict=False)]
        assert all(-1 <= step <= 3 for step in steps), series


def test_the_budget_of_the_province_is_the_sum_of_regencies_and_of_desa():
    """Every total is the sum of its parts, to the rupiah, and it takes a few queries."""
    province = Region.objects.get(code="61")
    scenarios = [Scenario(CURRENT), Scenario(ALL_SERVING), Scenario(ALL_SERVING, ("JHT", "JP"), 2)]
    with CaptureQueriesContext(connection) as queries:
        budgets = region_budgets(province, BUDGET_YEAR, scenarios, reference=AS_OF, lines=False)
    assert len(queries) <= 5 + 4 * len(scenarios)  # the roster once, the rules per scenario
    for budget in budgets:
        total = budget.total
        assert len(budget.budget.desa) == 2046
        assert len(budget.children) == 14
        for key in ("total", "persons"):
            assert getattr(total, key) == sum(getattr(t, key) for _r, t in budget.children)
            assert getattr(total, key) == sum(getattr(t, key) for t in budget.budget.desa.values())
        assert total.total == sum(total.by_source.values()) == sum(total.by_programme.values())
        for source in total.by_source:
            assert total.by_source[source] == sum(t.by_source[source] for _r, t in budget.children)
    current, everyone, more = budgets
    assert everyone.total.persons > current.total.persons > 0
    assert everyone.total.total > current.total.total
    assert more.total.by_source["APBDES"] > 0  # JP's employer share
    # The regencies computed on their own give the same figures as the province's children.
    for regency, totals in everyone.children[:3]:
        assert region_budget(regency, BUDGET_YEAR, Scenario(ALL_SERVING), reference=AS_OF).total == totals

    # The lines a desa's sheet shows add up to the same totals as the quick path.
    kayong = Region.objects.get(code="61.11")
    quick = region_budget(kayong, BUDGET_YEAR, Scenario(ALL_SERVING, ("JHT",)), reference=AS_OF, lines=False)
    full = region_budget(kayong, BUDGET_YEAR, Scenario(ALL_SERVING, ("JHT",)), reference=AS_OF)
    assert quick.total == full.total and quick.budget.desa == full.budget.desa
    assert sum(p.amount for p in full.budget.persons) == full.total.total

    out = StringIO()
    call_command(
        "budget",
        "--year",
        str(BUDGET_YEAR),
        "--region",
        "61",
        "--scenario",
        "all-serving",
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["total"] == sum(c["total"] for c in data["children"])
    assert data["persons"] == sum(c["persons"] for c in data["children"])


def _substrings_of(text: str, k: int = 6):
    """A test of `name in text`, for asking it of 38,000 names: a name of k characters or more is in the
    text only if its first k characters are, which a set of the text's k-character pieces answers at once;
    only the names that pass are looked for in the whole text (searching it for every name was most of the
    test's time)."""
    pieces = {text[i : i + k] for i in range(len(text) - k + 1)}
    return lambda name: (len(name) < k or name[:k] in pieces) and name in text


def test_the_public_pages_of_the_demo_province_hold_no_nik_name_or_phone(client):
    today = Month.of(timezone.localdate())
    for back in range(2, -1, -1):
        snapshot_take(period=today.add(-back))
    people = list(Person.objects.values_list("nik", "name", "phone"))
    assert len(people) > 30_000
    for url in PAGES:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert not re.search(r"(?<!\d)\d{16}(?!\d)", body), url
        assert not re.search(r"(?<!\d)08\d{8,11}(?!\d)", body), url  # no phone numbers
        names_in = _substrings_of(body)
        for _nik, name, _phone in people:
            assert not names_in(name), (url, name)
    html = client.get("/publik/61/").content.decode()
    assert "Kabupaten Sanggau" in html and "Cakupan aparat desa" in html and 'class="trend-svg"' in html
