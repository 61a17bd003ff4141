"""Monthly snapshots: equal to the live figures, kept as history, and known to be stale when data moves."""

import json
from datetime import date
from decimal import Decimal as D  # noqa: N817
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lindungdesa.accounts.models import User
from lindungdesa.dev.demodata import demo_load
from lindungdesa.imports.models import ImportBatch
from lindungdesa.indicators.compute import Totals
from lindungdesa.indicators.models import RegionFigure, Snapshot, TargetChange, UcjFigure
from lindungdesa.indicators.progress_selectors import progress_of, target_points, ucj_series
from lindungdesa.indicators.selectors import fresh_snapshot, history, region_figures, region_indicators
from lindungdesa.indicators.services import data_version, snapshot_take, target_set, ucj_set
from lindungdesa.indicators.tasks import next_run, snapshot_run, snapshot_schedule
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office, Position
from lindungdesa.regions.models import Region
from tests.factories import make_position
from tests.shared import shared

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("sanggau-snapshots")]

NOV = Month(2026, 11)
OCT = Month(2026, 10)


@pytest.fixture(scope="module", autouse=True)
def _sanggau_rosters(django_db_setup, django_db_blocker):
    """Demo rosters for one kabupaten (Sanggau, 61.03), as of November 2026: loaded once for the module
    (`tests/shared.py`), so every test here sees them."""
    yield from shared(
        django_db_blocker,
        lambda: demo_load(province_code="61", seed=3, as_of=NOV, regency_codes=["61.03"]),
    )


@pytest.fixture
def sanggau():
    return Region.objects.get(code="61.03")


@pytest.fixture
def province_analyst():
    return User.objects.create_user(
        username="analis", password="x", role=User.Role.PROVINCE_ANALYST, region_id="61"
    )


def live_totals(region: Region, period: Month) -> dict[str, Totals]:
    live = region_indicators(region, period)
    return {region.code: live.total, **{child.code: totals for child, totals in live.children}}


@pytest.mark.parametrize("period", [NOV, OCT, Month(2025, 6)])
def test_snapshot_figures_equal_live_figures_at_every_level(sanggau, period):
    snapshot = snapshot_take(period=period)
    stored = {f.region_code: f for f in snapshot.figures.all()}
    assert len(stored) == Region.objects.filter(province_code="61").count()
    checked = 0
    for code in ["61", "61.03", *Region.objects.filter(parent_id="61.03").values_list("code", flat=True)[:5]]:
        region = Region.objects.get(code=code)
        for child_code, totals in live_totals(region, period).items():
            figure = stored[child_code]
            assert {name: getattr(figure, name) for name in RegionFigure.COUNTS} == {
                name: getattr(totals, name) for name in RegionFigure.COUNTS
            }, child_code
            checked += 1
    assert checked > 50
    assert stored["61.03"].aparat_serving > 1000


def test_the_page_reads_a_fresh_snapshot_and_computes_live_once_data_changed(sanggau):
    snapshot_take(period=NOV)
    province = Region.objects.get(code="61")
    read = region_figures(province, NOV)
    assert read.snapshot is not None
    assert read.total == region_indicators(province, NOV).total
    assert [(r.code, t) for r, t in read.children] == [
        (r.code, t) for r, t in region_indicators(province, NOV).children
    ]

    desa = Region.objects.filter(regency_code="61.03", kind__in=Region.VILLAGE_KINDS).order_by("code").first()
    make_position(desa, Office.BPD_ANGGOTA, date(2026, 1, 1))
    assert fresh_snapshot(NOV) is None
    after = region_figures(province, NOV)
    assert after.snapshot is None
    assert after.total.bpd_serving == read.total.bpd_serving + 1


def test_a_finished_import_makes_snapshots_stale_but_a_dry_run_does_not(sanggau):
    snapshot_take(period=NOV)
    version = data_version()
    ImportBatch.objects.create(kind="roster", file_name="uji.xlsx", dry_run=True, state="previewed")
    assert data_version() == version
    batch = ImportBatch.objects.create(kind="roster", file_name="a.xlsx", state="running")
    assert data_version() == version
    batch.state = ImportBatch.State.DONE
    batch.finished_at = timezone.now()
    batch.save()
    assert data_version() == version + 1
    assert fresh_snapshot(NOV) is None
    again = snapshot_take(period=NOV)
    assert fresh_snapshot(NOV) == again
    assert [b["id"] for b in again.batches] == [batch.id]
    assert again.batches[0]["file_name"] == "a.xlsx"


def test_retaking_a_snapshot_replaces_it(sanggau):
    first = snapshot_take(period=NOV)
    Position.objects.filter(desa__regency_code="61.03").first().delete()
    second = snapshot_take(period=NOV)
    assert first.pk == second.pk
    assert Snapshot.objects.filter(period="2026-11").count() == 1
    assert second.figures.count() == first.regions
    assert second.made_at >= first.made_at


def test_history_is_oldest_first_and_limited_to_the_window(sanggau):
    for month in (Month(2026, 8), Month(2026, 9), OCT, NOV):
        snapshot_take(period=month)
    found = history(["61.03", "61"], until=NOV, months=3)
    assert [m for m, _ in found["61.03"]] == [Month(2026, 9), OCT, NOV]
    assert found["61"][-1][1].aparat_serving == found["61.03"][-1][1].aparat_serving


def test_progress_uses_history_targets_of_the_nearest_ancestor_and_ucj_figures(sanggau):
    for back in range(5, -1, -1):
        snapshot_take(period=NOV.add(-back))
    target_set(region_code="61", indicator="aparat", year=2030, value=D(100))
    target_set(region_code="61.03", indicator="bpd", year=2026, value=D("50.00"))
    target_set(region_code="61.03", indicator="bpd", year=2030, value=D("90.00"))
    ucj_set(region_code="61.03", year=2025, working_population=200_000, participants=50_000)
    ucj_set(region_code="61.03", year=2026, working_population=210_000, participants=63_000)
    totals = live_totals(Region.objects.get(code="61"), NOV)

    progress = progress_of(totals, NOV)["61.03"]
    aparat, bpd, ucj = progress["aparat"], progress["bpd"], progress["ucj"]
    assert aparat.target_region == "61" and aparat.target is None  # no 2026 point to interpolate from
    assert aparat.horizon.value == D(100) and aparat.projection.points == 6
    assert bpd.target_region == "61.03" and bpd.target.value == D(50)
    assert ucj.value == D("30.00") and ucj.value_year == 2026
    assert ucj.target.value == D("60.80")  # the province's published UCJ target
    assert ucj.gap == D("30.80")
    assert ucj.projection is None  # two yearly values are not enough
    # 65.77 % of 210,000 = 138,117 persons; 75,117 more in the 49 months to December 2030: 1,533 a month.
    assert ucj.needed_per_month == 1533
    assert progress_of(totals, NOV)["61"]["ucj"].value is None  # the other kabupaten have no figures


def test_a_province_ucj_is_its_own_figure_or_the_sum_of_all_its_kabupaten():
    regencies = list(Region.objects.filter(parent_id="61").values_list("code", flat=True))
    for i, code in enumerate(regencies):
        ucj_set(region_code=code, year=2025, working_population=1000 + i, participants=300)
    ucj_set(region_code=regencies[0], year=2026, working_population=1000, participants=400)
    rows = ucj_series(["61"])["61"]
    assert rows == [(2025, 300 * 14, sum(1000 + i for i in range(14)), UcjFigure.Numerator.UNKNOWN)]
    ucj_set(region_code="61", year=2025, working_population=1_819_430, participants=575_504)
    assert ucj_series(["61"])["61"] == [(2025, 575_504, 1_819_430, UcjFigure.Numerator.UNKNOWN)]


def test_published_targets_apply_below_the_province():
    points = target_points(["61.03.01"])["61.03.01"]
    assert points["ucj"] == ("61", {2025: D("59.56"), 2026: D("60.80"), 2030: D("65.77")})
    assert points["aparat"] == ("", {})


def test_every_target_change_is_kept(province_analyst):
    target_set(region_code="61", indicator="aparat", year=2027, value=D("90"), user=province_analyst)
    target_set(region_code="61", indicator="aparat", year=2027, value=D("92.5"), note="revisi")
    target_set(region_code="61", indicator="aparat", year=2027, value=D("92.5"))  # no change, no record
    target_set(region_code="61", indicator="aparat", year=2027, value=None, note="dihapus")
    changes = list(TargetChange.objects.filter(indicator="aparat").order_by("id"))
    assert [(c.old_value, c.new_value, c.note) for c in changes] == [
        (None, D("90.00"), ""),
        (D("90.00"), D("92.50"), "revisi"),
        (D("92.50"), None, "dihapus"),
    ]
    assert changes[0].changed_by == province_analyst
    with pytest.raises(ValueError, match="antara 0 dan 100"):
        target_set(region_code="61", indicator="aparat", year=2027, value=D("101"))


def test_ucj_figures_refuse_impossible_values():
    with pytest.raises(ValueError, match="penduduk bekerja"):
        ucj_set(region_code="61.03", year=2026, working_population=0, participants=0)
    with pytest.raises(ValueError, match="negatif"):
        ucj_set(region_code="61.03", year=2026, working_population=10, participants=-1)


def run(*args: str) -> str:
    out = StringIO()
    call_command("snapshot", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_takes_a_month_or_a_range(sanggau):
    data = json.loads(run("--period", "2026-11", "--json"))
    assert data["period"] == "2026-11" and data["regions"] == Region.objects.count()
    lines = run("--from", "2026-09", "--period", "2026-11", "--json").splitlines()
    assert [json.loads(line)["period"] for line in lines] == ["2026-09", "2026-10", "2026-11"]
    assert "Potret 2026-11:" in run("--period", "2026-11")
    with pytest.raises(CommandError, match="TTTT-BB"):
        run("--period", "11-2026")
    with pytest.raises(CommandError, match="sesudah"):
        run("--from", "2026-12", "--period", "2026-11")


def test_the_background_task_takes_a_snapshot(sanggau, province_analyst):
    result = snapshot_run.enqueue("2026-11", province_analyst.pk)
    snapshot = Snapshot.objects.get(pk=result.return_value)
    assert (snapshot.period, snapshot.made_by) == ("2026-11", province_analyst)


def test_the_monthly_snapshot_runs_on_the_first_at_one():
    assert (
        next_run(timezone.make_aware(timezone.datetime(2026, 11, 25, 9, 0)))
        .isoformat()
        .startswith("2026-12-01T01:00")
    )
    assert next_run(timezone.make_aware(timezone.datetime(2026, 12, 31, 23, 0))).date() == date(2027, 1, 1)
    assert snapshot_schedule() is False  # the immediate backend of the tests cannot run a task later
