"""On the demo province: every total is the sum of its parts, to the rupiah, and it takes a few queries."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
from lindungdesa.budget.selectors import region_budget, region_budgets
from lindungdesa.dev.demodata import demo_load
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

pytestmark = pytest.mark.django_db

AS_OF = Month(2026, 11)
YEAR = 2027


def test_province_total_is_the_sum_of_regencies_and_of_desa():
    demo_load(province_code="61", seed=1, as_of=AS_OF)
    province = Region.objects.get(code="61")
    scenarios = [Scenario(CURRENT), Scenario(ALL_SERVING), Scenario(ALL_SERVING, ("JHT", "JP"), 2)]
    with CaptureQueriesContext(connection) as queries:
        budgets = region_budgets(province, YEAR, scenarios, reference=AS_OF, lines=False)
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
        assert region_budget(regency, YEAR, Scenario(ALL_SERVING), reference=AS_OF).total == totals

    # The lines a desa's sheet shows add up to the same totals as the quick path.
    kayong = Region.objects.get(code="61.11")
    quick = region_budget(kayong, YEAR, Scenario(ALL_SERVING, ("JHT",)), reference=AS_OF, lines=False)
    full = region_budget(kayong, YEAR, Scenario(ALL_SERVING, ("JHT",)), reference=AS_OF)
    assert quick.total == full.total and quick.budget.desa == full.budget.desa
    assert sum(p.amount for p in full.budget.persons) == full.total.total

    out = StringIO()
    call_command(
        "budget", "--year", str(YEAR), "--region", "61", "--scenario", "all-serving", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["total"] == sum(c["total"] for c in data["children"])
    assert data["persons"] == sum(c["persons"] for c in data["children"])
