"""Reading indicators from the database; the arithmetic lives in compute.py."""

from dataclasses import dataclass

from django.db.models import Count, Q

from lindungdesa.enrolment.models import StatusRule, person_protected
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Position, serving_on
from lindungdesa.regions.models import Region, under

from .compute import Breakdown, Totals, aggregate


@dataclass
class RegionIndicators:
    region: Region
    period: Month
    breakdown: Breakdown
    children: list[tuple[Region, Totals]]

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
