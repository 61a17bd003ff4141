"""Everything a region's dashboard shows for one month, assembled once for the page, the map and the report.

The page, the Kemendagri report and the public page all read through `dashboard()`, so their figures are
the same figures.
"""

from dataclasses import dataclass

from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from . import charts
from .compute import Totals
from .models import Snapshot
from .progress_selectors import IndicatorProgress, progress_of
from .selectors import RegionIndicators, region_figures

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
