"""Everything a region's dashboard shows for one month, assembled once for the page, the map and the report.

The page, the Kemendagri report and the public page all read through `dashboard()`, so their figures are
the same figures.
"""

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from . import charts
from .compute import Totals
from .models import Snapshot, Target, TargetChange, UcjFigure
from .progress_selectors import IndicatorProgress, progress_of
from .selectors import RegionIndicators, region_figures
from .versioned import data_version_key, region_cached

# Months of history drawn in a trend chart.
TREND_MONTHS = 24


@dataclass
class Dashboard:
    indicators: RegionIndicators
    # Progress of the region itself and of each child, by code, then by indicator (aparat, bpd, ucj).
    progress: dict[str, dict[str, IndicatorProgress]]
    trends: list[charts.Trend]

    @property
    def region(self) -> Region:
        return self.indicators.region

    @property
    def period(self) -> Month:
        return self.indicators.period

    @property
    def total(self) -> Totals:
        return self.indicators.total

    @property
    def own_progress(self) -> list[IndicatorProgress]:
        return list(self.progress[self.region.code].values())

    def child_rows(self) -> list[tuple[Region, Totals, dict[str, IndicatorProgress]]]:
        return [(r, t, self.progress.get(r.code, {})) for r, t in self.indicators.children]

    def map_values(self, indicator: str) -> dict[str, float | None]:
        """Percent per child region for the map's chosen indicator."""
        out = {}
        for region, totals, progress in self.child_rows():
            out[region.code] = map_value(indicator, totals, progress)
        return out


def map_value(indicator: str, totals: Totals, progress: dict[str, IndicatorProgress]) -> float | None:
    if indicator == "aparat":
        return totals.aparat_coverage_pct
    if indicator == "bpd":
        return totals.bpd_coverage_pct
    if indicator == "desa":
        return totals.villages_registered_pct
    ucj = progress.get("ucj")
    return float(ucj.value) if ucj is not None and ucj.value is not None else None


def dashboard(
    region: Region, period: Month, *, with_children_progress: bool = True, snapshot: Snapshot | None = None
) -> Dashboard:
    """The region's figures (from `snapshot` when given: a round's accepted figures), progress and trends."""
    indicators = region_figures(region, period, snapshot=snapshot)
    current = {region.code: indicators.total}
    if with_children_progress:
        current.update({r.code: t for r, t in indicators.children})
    progress = progress_of(current, period, months=TREND_MONTHS)
    start = period.add(-(TREND_MONTHS - 1))
    trends = []
    for indicator, item in progress[region.code].items():
        if indicator == "ucj" and not item.series:
            continue
        trends.append(
            charts.trend_of(
                item,
                period,
                target_points=item.points,
                start=None if indicator == "ucj" else start,
            )
        )
    return Dashboard(indicators=indicators, progress=progress, trends=trends)


def dashboard_version(region_code: str | None = None) -> str:
    """What a dashboard of `region_code` depends on besides its region, month and day, in two queries: the
    data version of its province (the figures; by default, or for no region, the national version, which
    every change moves), the snapshots (the history, and the figures while fresh), the targets and the UCJ
    figures (progress). Each table by its count and its last change (targets, which keep no time of their
    own, by their values' sum and largest id, beside the log of their changes)."""
    snapshot, change, ucj, target = (
        connection.ops.quote_name(m._meta.db_table) for m in (Snapshot, TargetChange, UcjFigure, Target)
    )

    def last(column: str) -> str:
        return f"COALESCE(CAST(MAX({column}) AS TEXT), '')"

    parts = [
        f"(SELECT COUNT(*) || '/' || {last('made_at')} || '/' || {last('id')} FROM {snapshot})",
        f"(SELECT COUNT(*) || '/' || {last('changed_at')} FROM {change})",
        f"(SELECT COUNT(*) || '/' || {last('updated_at')} FROM {ucj})",
        f"(SELECT COUNT(*) || '/' || {last('id')} || '/' || COALESCE(CAST(SUM(value) AS TEXT), '')"
        f" FROM {target})",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))  # noqa: S608 (table names from the models)
        row = cursor.fetchone()
    return "|".join([data_version_key(region_code), *(str(v) for v in row)]).replace(" ", "T")


def page_dashboard(region: Region, period: Month, *, version: str | None = None) -> Dashboard:
    """`dashboard(region, period)` for the region and public pages, kept per region, month and day under
    `dashboard_version(region.code)`: the same for every reader (no user goes in), and the page checks its
    reader's access to the region before it asks. What is personal (the desa roster) is never part of it."""
    return region_cached(
        "dashboard",
        region.code,
        period,
        timezone.localdate(),
        version=dashboard_version(region.code) if version is None else version,  # a page that asked already
        compute=lambda: dashboard(region, period),
    )
