"""Reading indicators from the database; the arithmetic lives in compute.py."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lindungdesa.enrolment.models import StatusRule
from lindungdesa.enrolment.status import person_protected
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Person, Position, serving_on
from lindungdesa.regions.models import Region, under

from .compute import Breakdown, DesaCounts, Totals, aggregate
from .models import DataVersion, RegionFigure, Snapshot


@dataclass
class RegionIndicators:
    region: Region
    period: Month
    breakdown: Breakdown
    children: list[tuple[Region, Totals]]
    # The snapshot the figures were read from; None when computed live.
    snapshot: Snapshot | None = None
    # True when the snapshot predates a change to the data (shown only where computing live is too slow).
    stale: bool = False

    @property
    def total(self) -> Totals:
        return self.breakdown.total

    def as_dict(self) -> dict:
        return {
            "region": self.region.code,
            "name": self.region.name,
            "period": str(self.period),
            **self.total.as_dict(),
            "children": [{"region": r.code, "name": r.name, **t.as_dict()} for r, t in self.children],
        }


def desa_rows(code: str, period: Month) -> list[tuple[str, str, int, int]]:
    """(desa, group, serving, protected) for every desa under `code` in `period`."""
    rule = StatusRule.for_period(period)
    return list(
        Position.objects.filter(serving_on(period.last_day), under(code, "desa__code"))
        .annotate(is_protected=person_protected(period, rule))
        .values_list("desa_id", "group")
        .annotate(serving=Count("id"), protected=Count("id", filter=Q(is_protected=True)))
        .order_by()
    )


def _closing_figures(period: Month, snapshot: Snapshot | None = None):
    """The figures (a query, not run) whose stored without-NIK counts hold for `period`: those of
    `snapshot` when given, else of the month's snapshot if it was made after the month ended (its closing,
    when the NIKs stood as they did at the month's end) or nothing has changed since. None for the running
    month, which is counted live. Snapshots made before the count was stored hold none (NULL)."""
    figures = RegionFigure.objects.filter(serving_without_nik__isnull=False)
    if snapshot is not None:
        return figures.filter(snapshot=snapshot)
    if period >= Month.of(timezone.localdate()):
        return None
    month_end = timezone.make_aware(datetime.combine(period.last_day + timedelta(days=1), time()))
    version = Coalesce(
        Subquery(DataVersion.objects.filter(province=DataVersion.NATIONAL).values("version")), Value(0)
    )
    return figures.filter(
        Q(snapshot__made_at__gte=month_end) | Q(snapshot__data_version=version),
        snapshot__period=str(period),
        snapshot__kind=Snapshot.Kind.MONTHLY,
    )


def serving_without_nik(code: str, period: Month, *, snapshot: Snapshot | None = None) -> int:
    """How many people serving under `code` at the end of `period` have no NIK yet: counted in every figure
    like anyone serving, and named so that their desa completes the NIK (docs/imports.md).

    A NIK has no history, so a past month's count is the one its snapshot stored (`snapshot`, else the
    month's closing snapshot, `_closing_figures`): completing a NIK today does not change it. The running
    month, and a month whose snapshot predates this count being stored, are counted live. One query."""
    # From the people's side: those without a NIK are few (the NIK's unique index finds them), however
    # large the region.
    serving = Position.objects.filter(
        serving_on(period.last_day), under(code, "desa__code"), person_id=OuterRef("pk")
    )
    live = Person.objects.filter(Exists(serving), nik__isnull=True)
    figures = _closing_figures(period, snapshot)
    if figures is None:
        return live.count()
    stored = figures.filter(region_code=code).values("serving_without_nik")[:1]
    counted = live.annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    row = (
        Region.objects.filter(code=code)
        .annotate(stored=Subquery(stored), live=Subquery(counted))
        .values_list("stored", "live")
        .first()
    )
    if row is None:
        return live.count()
    return row[0] if row[0] is not None else row[1] or 0


def serving_without_nik_by_desa(desa_codes: set[str], period: Month) -> dict[str, int]:
    """Per desa with any, `serving_without_nik` of `period` (one query: the closing snapshot's stored counts
    beside the live ones, the stored one winning)."""
    live = (
        Position.objects.filter(serving_on(period.last_day), desa_id__in=desa_codes, person__nik__isnull=True)
        .values("desa_id")
        .annotate(n=Count("person_id", distinct=True), kind=Value(0))
        .values_list("desa_id", "n", "kind")
    )
    figures = _closing_figures(period)
    if figures is None:
        rows = list(live)
    else:
        stored = (
            figures.filter(region_code__in=desa_codes)
            .annotate(kind=Value(1))
            .values_list("region_code", "serving_without_nik", "kind")
        )
        rows = list(stored.union(live, all=True))
    out = {code: n for code, n, kind in rows if not kind}
    out.update((code, n) for code, n, kind in rows if kind)
    return {code: n for code, n in out.items() if n}


def region_indicators(region: Region, period: Month) -> RegionIndicators:
    villages = Region.objects.filter(under(region.code), kind__in=Region.VILLAGE_KINDS).values_list(
        "code", flat=True
    )
    breakdown = aggregate(
        villages=villages.iterator(chunk_size=5000),
        rows=desa_rows(region.code, period),
        parent_level=region.level,
    )
    children = []
    if region.level < 4:
        child_regions = Region.objects.filter(parent=region).order_by("code")
        for child in child_regions:
            # Kecamatan made only of kelurahan still appear, with zero villages.
            children.append((child, breakdown.children.get(child.code, Totals())))
    return RegionIndicators(region=region, period=period, breakdown=breakdown, children=children)


def fresh_snapshot(period: Month, region_code: str | None = None) -> Snapshot | None:
    """The snapshot of `period` if nothing it was computed from has changed since it was made: anywhere,
    or with `region_code` in that region's province (`fresh_for`)."""
    from .services import data_version

    if region_code:
        snapshot = Snapshot.objects.filter(period=str(period), kind=Snapshot.Kind.MONTHLY).first()
        return snapshot if snapshot is not None and fresh_for(snapshot, region_code) else None
    return Snapshot.objects.filter(
        period=str(period), kind=Snapshot.Kind.MONTHLY, data_version=data_version()
    ).first()


def totals_of(figure: RegionFigure) -> Totals:
    return Totals(**{name: getattr(figure, name) for name in RegionFigure.COUNTS})


# Above this many desa a page shows the month's last snapshot, marked stale, rather than compute live
# (a province of 2,000 desa computes in a blink; the whole country would take seconds: docs/benchmarks.md).
LIVE_LIMIT = 5000


def _villages_under(code: str) -> int:
    return Region.objects.filter(under(code), kind__in=Region.VILLAGE_KINDS).count()


def fresh_for(snapshot: Snapshot, region_code: str) -> bool:
    """Whether nothing the figures of `region_code` are computed from has changed since `snapshot` was made:
    its province's data version has not moved (versioned.data_version_key), however much others have. A
    snapshot made before versions were kept per province goes by the national one. One query."""
    from .services import data_version
    from .versioned import data_version_key, province_of

    kept = snapshot.province_versions.get(province_of(region_code))
    if kept is None:
        return snapshot.data_version == data_version()
    return kept == data_version_key(region_code)


def usable_snapshot(region: Region, period: Month) -> tuple[Snapshot | None, bool]:
    """(snapshot, stale): the snapshot a page of `region` should read for `period`, if any.

    A fresh snapshot (for the region's province: `fresh_for`) always; a stale one only when the region is
    too large to compute live."""
    if region.level >= 4:
        return None, False
    snapshot = Snapshot.objects.filter(period=str(period), kind=Snapshot.Kind.MONTHLY).first()
    if snapshot is None:
        return None, False
    if fresh_for(snapshot, region.code):
        return snapshot, False
    if region.level < 3 and _villages_under(region.code) > LIVE_LIMIT:
        return snapshot, True
    return None, False


def region_figures(region: Region, period: Month, *, snapshot: Snapshot | None = None) -> RegionIndicators:
    """The indicators of a region and its children: read from a snapshot, else computed live.

    Both give the same numbers while the snapshot is fresh (tests/indicators/test_snapshots.py); the
    snapshot is what keeps a province or the whole country fast. A given `snapshot` (a frozen one, whose
    figures were accepted) is read as it is.
    """
    stale = False
    if snapshot is None:
        snapshot, stale = usable_snapshot(region, period)
    if snapshot is None:
        return region_indicators(region, period)
    own = RegionFigure.objects.filter(snapshot=snapshot, region_code=region.code).first()
    if own is None:  # the region was loaded after the snapshot was made
        return region_indicators(region, period)
    by_code = {
        f.region_code: totals_of(f)
        for f in RegionFigure.objects.filter(snapshot=snapshot, parent_code=region.code)
    }
    children = [
        (child, by_code.get(child.code, Totals()))
        for child in Region.objects.filter(parent=region).order_by("code")
    ]
    return RegionIndicators(
        region=region,
        period=period,
        breakdown=Breakdown(total=totals_of(own), children=by_code),
        children=children,
        snapshot=snapshot,
        stale=stale,
    )


def desa_figures(region: Region, period: Month) -> tuple[dict[str, DesaCounts], Snapshot | None]:
    """The counts of every desa under `region` in `period`, from a usable snapshot or computed live."""
    snapshot, _ = usable_snapshot(region, period)
    if snapshot is not None:
        rows = RegionFigure.objects.filter(snapshot=snapshot, level=4).filter(
            under(region.code, "region_code")
        )
        desa = {
            code: DesaCounts(a_serving, a_protected, b_serving, b_protected)
            for code, a_serving, a_protected, b_serving, b_protected, villages in rows.values_list(
                "region_code",
                "aparat_serving",
                "aparat_protected",
                "bpd_serving",
                "bpd_protected",
                "villages",
            )
            if villages  # a kelurahan has a figure with no village in it
        }
        if desa or not _villages_under(region.code):
            return desa, snapshot
    villages = Region.objects.filter(under(region.code), kind__in=Region.VILLAGE_KINDS).values_list(
        "code", flat=True
    )
    breakdown = aggregate(
        villages=villages.iterator(chunk_size=5000), rows=desa_rows(region.code, period), parent_level=4
    )
    return breakdown.desa, None


def history(codes: list[str], *, until: Month, months: int = 24) -> dict[str, list[tuple[Month, Totals]]]:
    """Each region's snapshot totals over the `months` months ending with `until`, oldest first."""
    start = until.add(-(months - 1))
    # Plain values: a province page reads a figure per child and month (hundreds of rows), no objects.
    counts = RegionFigure.COUNTS
    rows = (
        RegionFigure.objects.filter(
            region_code__in=codes,
            snapshot__kind=Snapshot.Kind.MONTHLY,
            snapshot__period__gte=str(start),
            snapshot__period__lte=str(until),
        )
        .order_by("snapshot__period")
        .values_list("region_code", "snapshot__period", *counts)
    )
    out: dict[str, list[tuple[Month, Totals]]] = {code: [] for code in codes}
    months: dict[str, Month] = {}
    for code, period, *values in rows:
        month = months.get(period) or months.setdefault(period, Month.parse(period))
        out[code].append((month, Totals(**dict(zip(counts, values, strict=True)))))
    return out
