"""Progress of regions towards their targets: gap, projection, what it takes, status (progress.py)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region, ancestor_codes

from . import progress as pg
from .compute import Totals, pct
from .models import Target, UcjFigure
from .selectors import history

INDICATORS = ("aparat", "bpd", "ucj")
LABELS = {"aparat": "Cakupan aparat desa", "bpd": "Cakupan anggota BPD", "ucj": "UCJ"}


@dataclass
class IndicatorProgress:
    indicator: str
    value: Decimal | None  # percent now (UCJ: the latest year up to the period's)
    protected: int
    base: int  # serving persons, or the working population for UCJ
    value_year: int | None  # UCJ only: the year the value is for
    numerator: str  # UCJ only: what the participant count counts
    target: pg.TargetValue | None  # this year's
    target_region: str  # whose target it is (the region's own or an ancestor's)
    horizon: pg.TargetValue | None  # the last published target
    projection: pg.Projection | None
    status: str
    needed_per_month: int | None
    series: list[tuple[Month, Decimal]]
    points: dict[int, Decimal]  # the published targets that apply {year: percent}

    @property
    def label(self) -> str:
        return LABELS[self.indicator]

    @property
    def gap(self) -> Decimal | None:
        """Percentage points still missing to this year's target (0 when met)."""
        if self.value is None or self.target is None:
            return None
        return max(Decimal(0), self.target.value - self.value)

    @property
    def status_label(self) -> str:
        return pg.STATUS_LABELS[self.status]

    @property
    def numerator_label(self) -> str:
        return str(UcjFigure.Numerator(self.numerator).label) if self.numerator else ""

    def as_dict(self) -> dict:
        def target(t: pg.TargetValue | None) -> dict | None:
            if t is None:
                return None
            return {"year": t.year, "value": float(t.value), "interpolated": t.interpolated}

        return {
            "indicator": self.indicator,
            "value": float(self.value) if self.value is not None else None,
            "protected": self.protected,
            "base": self.base,
            "value_year": self.value_year,
            "numerator": self.numerator,
            "target": target(self.target),
            "target_region": self.target_region,
            "gap": float(self.gap) if self.gap is not None else None,
            "horizon": target(self.horizon),
            "projection": self.projection.as_dict() if self.projection else None,
            "status": self.status,
            "needed_per_month": self.needed_per_month,
        }


def _pct(part: int, whole: int) -> Decimal | None:
    value = pct(part, whole)
    return Decimal(str(value)) if value is not None else None


def _counts(indicator: str, totals: Totals) -> tuple[int, int]:
    if indicator == "aparat":
        return totals.aparat_protected, totals.aparat_serving
    return totals.bpd_protected, totals.bpd_serving


def target_points(codes: list[str]) -> dict[str, dict[str, tuple[str, dict[int, Decimal]]]]:
    """For each code and indicator: (the region whose targets apply, {year: percent}).

    A region without targets of its own for an indicator takes its nearest ancestor's.
    """
    wanted = set(codes)
    for code in codes:
        wanted.update(ancestor_codes(code))
    own: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for t in Target.objects.filter(region_code__in=wanted):
        own[(t.region_code, t.indicator)][t.year] = t.value
    out: dict[str, dict[str, tuple[str, dict[int, Decimal]]]] = {}
    for code in codes:
        out[code] = {}
        chain = [code, *reversed(ancestor_codes(code))]
        for indicator in INDICATORS:
            for candidate in chain:
                if (candidate, indicator) in own:
                    out[code][indicator] = (candidate, own[(candidate, indicator)])
                    break
            else:
                out[code][indicator] = ("", {})
    return out


def ucj_series(codes: list[str]) -> dict[str, list[tuple[int, int, int, str]]]:
    """(year, participants, working population, numerator) per region, oldest first.

    A province without figures of its own is the sum of its kabupaten/kota for the years where every
    one of them has a figure (a partial sum would understate it).
    """
    rows = defaultdict(list)
    provinces = [c for c in codes if "." not in c]
    regencies_of: dict[str, set[str]] = defaultdict(set)
    if provinces:
        for code, parent in Region.objects.filter(parent_id__in=provinces).values_list("code", "parent_id"):
            regencies_of[parent].add(code)
    own = set(codes)
    wanted = own.union(*regencies_of.values())
    figures = list(UcjFigure.objects.filter(region_code__in=wanted).order_by("year"))
    for f in figures:
        if f.region_code in own:
            rows[f.region_code].append((f.year, f.participants, f.working_population, f.numerator))
    for province in provinces:
        if rows.get(province):
            continue
        regencies = regencies_of[province]
        by_year: dict[int, list[UcjFigure]] = defaultdict(list)
        for f in figures:
            if f.region_code in regencies:
                by_year[f.year].append(f)
        for year in sorted(by_year):
            parts = by_year[year]
            if regencies and len(parts) == len(regencies):
                numerators = {f.numerator for f in parts}
                rows[province].append(
                    (
                        year,
                        sum(f.participants for f in parts),
                        sum(f.working_population for f in parts),
                        numerators.pop() if len(numerators) == 1 else UcjFigure.Numerator.UNKNOWN,
                    )
                )
    return dict(rows)


def _horizon(points: dict[int, Decimal], year: int) -> pg.TargetValue | None:
    later = [y for y in points if y >= year]
    if not later:
        return None
    last = max(later)
    return pg.TargetValue(last, Decimal(points[last]), False)


def progress_of(
    current: dict[str, Totals], period: Month, *, months: int = 12
) -> dict[str, dict[str, IndicatorProgress]]:
    """Progress of each region in `current` ({code: totals for `period`}) on every indicator."""
    codes = list(current)
    past = history(codes, until=period.add(-1), months=months)
    targets = target_points(codes)
    ucj = ucj_series(codes)
    out: dict[str, dict[str, IndicatorProgress]] = {}
    for code in codes:
        out[code] = {}
        for indicator in INDICATORS:
            target_region, points = targets[code][indicator]
            this_year = pg.target_for_year(points, period.year)
            horizon = _horizon(points, period.year)
            value_year = None
            numerator = ""
            if indicator == "ucj":
                years = [row for row in ucj.get(code, []) if row[0] <= period.year]
                series = [(Month(y, 12), _pct(p, w)) for y, p, w, _ in years]
                if years:
                    value_year, protected, base, numerator = years[-1]
                else:
                    protected = base = 0
            else:
                series = []
                for month, totals in past.get(code, []):
                    series.append((month, _pct(*_counts(indicator, totals))))
                protected, base = _counts(indicator, current[code])
                series.append((period, _pct(protected, base)))
            series = [(m, v) for m, v in series if v is not None]
            value = _pct(protected, base) if base else None
            projection = pg.project(series, Month(horizon.year, 12)) if horizon else None
            needed = None
            if horizon is not None and base:
                by = Month(horizon.year, 12)
                needed = pg.needed_per_month(
                    protected=protected, base=base, target=horizon.value, now=period, by=by
                )
            out[code][indicator] = IndicatorProgress(
                indicator=indicator,
                value=value,
                protected=protected,
                base=base,
                value_year=value_year,
                numerator=numerator,
                target=this_year,
                target_region=target_region,
                horizon=horizon,
                projection=projection,
                status=pg.status(projection, horizon.value if horizon else None),
                needed_per_month=needed,
                series=series,
                points=points,
            )
    return out
