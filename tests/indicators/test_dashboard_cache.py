"""A region's dashboard kept per region, month and day under dashboard_version() (page_dashboard)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungdesa.indicators.dashboard import dashboard, page_dashboard
from lindungdesa.indicators.services import snapshot_take, target_set, ucj_set
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_position

pytestmark = pytest.mark.django_db

NOV = Month(2026, 11)
START = date(2020, 1, 1)


@pytest.fixture
def sanggau() -> Region:
    return Region.objects.get(code="61.03")


def serve_in(regency: str, office: str = Office.SEKRETARIS_DESA, *, enrolled: bool = False):
    desa = Region.objects.filter(regency_code=regency, kind=Region.Kind.DESA).order_by("code").first()
    position = make_position(desa, office, START)
    if enrolled:
        enrol(position.person, START, date(2026, 11, 1))
    return position


def progress_of(dash, indicator: str):
    return {p.indicator: p for p in dash.own_progress}.get(indicator)


def test_the_kept_dashboard_is_the_dashboard(sanggau):
    serve_in("61.03", enrolled=True)
    serve_in("61.03", Office.KAUR_KEUANGAN)
    live = dashboard(sanggau, NOV)
    for _ in range(2):  # computed, then read back
        kept = page_dashboard(sanggau, NOV)
        assert kept.total == live.total
        assert [(r.code, t) for r, t in kept.indicators.children] == [
            (r.code, t) for r, t in live.indicators.children
        ]
        assert [t.as_dict() for t in kept.trends] == [t.as_dict() for t in live.trends]


def test_a_second_read_asks_only_for_the_versions(sanggau):
    serve_in("61.03")
    page_dashboard(sanggau, NOV)
    with CaptureQueriesContext(connection) as queries:
        page_dashboard(sanggau, NOV)
    assert len(queries) == 2  # the data version and dashboard_version's one query


def test_a_change_to_the_data_is_in_the_next_read(sanggau):
    serve_in("61.03", enrolled=True)
    before = page_dashboard(sanggau, NOV).total
    serve_in("61.03", Office.KAUR_KEUANGAN)
    after = page_dashboard(sanggau, NOV).total
    assert after.aparat_serving == before.aparat_serving + 1
    assert after.aparat_protected == before.aparat_protected


def test_a_new_target_a_ucj_figure_and_a_snapshot_are_in_the_next_read(sanggau):
    serve_in("61.03", enrolled=True)
    first = page_dashboard(sanggau, NOV)
    target_set(region_code="61.03", indicator="aparat", year=2026, value=Decimal("75.50"))
    with_target = page_dashboard(sanggau, NOV)
    assert progress_of(with_target, "aparat").target != progress_of(first, "aparat").target
    ucj_set(region_code="61.03", year=2026, working_population=200_000, participants=90_000)
    with_ucj = page_dashboard(sanggau, NOV)
    assert progress_of(with_ucj, "ucj") is not None and progress_of(with_ucj, "ucj") != progress_of(
        with_target, "ucj"
    )
    snapshot_take(period=Month(2026, 10))  # a month of history more
    with_history = page_dashboard(sanggau, NOV)
    assert [t.as_dict() for t in with_history.trends] == [t.as_dict() for t in dashboard(sanggau, NOV).trends]
    assert [t.as_dict() for t in with_history.trends] != [t.as_dict() for t in with_ucj.trends]


def test_one_region_s_dashboard_is_never_another_s(sanggau):
    serve_in("61.03")
    serve_in("61.01")
    serve_in("61.01", Office.KAUR_KEUANGAN)
    kept = page_dashboard(sanggau, NOV)
    sambas = page_dashboard(Region.objects.get(code="61.01"), NOV)
    assert kept.region.code == "61.03" and sambas.region.code == "61.01"
    assert (kept.total.aparat_serving, sambas.total.aparat_serving) == (1, 2)
