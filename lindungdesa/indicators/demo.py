"""Demo figures beside the demo roster: UCJ per kabupaten, example targets, and a history of snapshots.

Marked as demo wherever they are shown (their source says so); never used outside `setup --demo`.
"""

import random
from decimal import Decimal

from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from .models import Target, UcjFigure
from .services import snapshot_take, target_set, ucj_set

DEMO_SOURCE = "Data demo (bukan angka resmi)"
# Kalimantan Barat's reported UCJ of July 2025 (docs/domain.md §4): the demo kabupaten add up to it.
KALBAR_2025 = (575_504, 1_819_430)
# Rough UCJ shares of other years, relative to 2025, for a plausible trend.
YEAR_FACTORS = {2023: Decimal("0.86"), 2024: Decimal("0.93"), 2025: Decimal(1), 2026: Decimal("1.08")}
EXAMPLE_TARGETS = {
    Target.Indicator.APARAT: {2026: Decimal("85.00"), 2030: Decimal("100.00")},
    Target.Indicator.BPD: {2026: Decimal("70.00"), 2030: Decimal("100.00")},
}


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` shared out by weight, in whole numbers that add up to it exactly."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


def demo_ucj(province: Region, *, seed: int, last_year: int) -> int:
    """UCJ figures for every kabupaten/kota of the province and year; returns how many were written."""
    rng = random.Random(seed)
    regencies = list(Region.objects.filter(parent=province).order_by("code"))
    if not regencies:
        return 0
    population_weights = [rng.uniform(0.5, 2.0) for _ in regencies]
    rate_weights = [rng.uniform(0.7, 1.3) for _ in regencies]
    participants_2025, population_2025 = KALBAR_2025
    populations = _split(population_2025, population_weights)
    shares = _split(participants_2025, [p * r for p, r in zip(populations, rate_weights, strict=True)])
    written = 0
    for year, factor in YEAR_FACTORS.items():
        if year > last_year:
            continue
        growth = Decimal(1) + Decimal("0.015") * (year - 2025)
        for region, population, participants in zip(regencies, populations, shares, strict=True):
            working = int(population * growth)
            covered = min(working, int(participants * growth * factor))
            ucj_set(
                region_code=region.code,
                year=year,
                working_population=working,
                participants=covered,
                source=DEMO_SOURCE,
            )
            written += 1
    return written


def demo_targets(province: Region) -> None:
    for indicator, points in EXAMPLE_TARGETS.items():
        for year, value in points.items():
            if not Target.objects.filter(region_code=province.code, indicator=indicator, year=year).exists():
                target_set(
                    region_code=province.code,
                    indicator=indicator,
                    year=year,
                    value=value,
                    note=f"Target contoh. {DEMO_SOURCE}",
                )


def demo_progress(province: Region, *, as_of: Month, seed: int = 1, months: int = 24) -> int:
    """Everything the progress pages need for the demo province. Returns the number of snapshots."""
    if not UcjFigure.objects.filter(region_code__startswith=province.code + ".").exists():
        demo_ucj(province, seed=seed, last_year=as_of.year)
    demo_targets(province)
    for back in range(months - 1, -1, -1):
        snapshot_take(period=as_of.add(-back))
    return months
