"""Progress towards targets as pure arithmetic: interpolated targets, the projection and what it takes.

The method, stated so it can be explained to a reader of the report (docs/indicators.md):
- A target between two published years is on the straight line between them (rounded half up to two
  decimals) and is marked as interpolated; before the first or after the last published year there is none.
- The projection is an ordinary least-squares straight line through the last monthly values (at least 3,
  at most 12), extended to December of the target year. Its uncertainty is the 95 % prediction interval
  of that line (Student's t with n - 2 degrees of freedom). Values are kept between 0 and 100 %.
- Status: on track when the projected value reaches the target; at risk when only the upper end of the
  interval reaches it; off track when even the upper end falls short; unknown with fewer than 3 values.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from lindungdesa.lib.months import Month

from .compute import round2

HUNDRED = Decimal(100)
MIN_POINTS = 3
MAX_POINTS = 12

# Two-sided 95 % quantiles of Student's t by degrees of freedom; beyond 30, the normal 1.96.
T95 = {
    1: "12.706", 2: "4.303", 3: "3.182", 4: "2.776", 5: "2.571", 6: "2.447", 7: "2.365", 8: "2.306",
    9: "2.262", 10: "2.228", 11: "2.201", 12: "2.179", 13: "2.160", 14: "2.145", 15: "2.131",
    16: "2.120", 17: "2.110", 18: "2.101", 19: "2.093", 20: "2.086", 21: "2.080", 22: "2.074",
    23: "2.069", 24: "2.064", 25: "2.060", 26: "2.056", 27: "2.052", 28: "2.048", 29: "2.045", 30: "2.042",
}  # fmt: skip


def t95(df: int) -> Decimal:
    return Decimal(T95.get(df, "1.96"))


@dataclass(frozen=True)
class TargetValue:
    year: int
    value: Decimal
    interpolated: bool


def target_for_year(points: dict[int, Decimal], year: int) -> TargetValue | None:
    """The target of `year` from the published points {year: percent}."""
    if year in points:
        return TargetValue(year, Decimal(points[year]), False)
    before = [y for y in points if y < year]
    after = [y for y in points if y > year]
    if not before or not after:
        return None
    y0, y1 = max(before), min(after)
    v0, v1 = Decimal(points[y0]), Decimal(points[y1])
    return TargetValue(year, round2(v0 + (v1 - v0) * (year - y0) / (y1 - y0)), True)


@dataclass(frozen=True)
class Projection:
    month: Month  # the month projected to (December of the target year)
    value: Decimal
    low: Decimal
    high: Decimal
    slope_per_month: Decimal  # percentage points a month
    points: int
    # Where the fitted line stands at the last measured month (not clipped): charts draw the line from it.
    fitted_last: Decimal | None = None
    last: Month | None = None

    def as_dict(self) -> dict:
        return {
            "month": str(self.month),
            "value": float(self.value),
            "low": float(self.low),
            "high": float(self.high),
            "slope_per_month": float(self.slope_per_month),
            "points": self.points,
        }


def _clip(value: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), HUNDRED)


def _sqrt(value: Decimal) -> Decimal:
    return value.sqrt() if value > 0 else Decimal(0)


def project(series: list[tuple[Month, Decimal]], to: Month) -> Projection | None:
    """Least-squares line through the last values of `series` (month, percent), extended to `to`."""
    points = sorted(series)[-MAX_POINTS:]
    n = len(points)
    if n < MIN_POINTS:
        return None
    origin = points[0][0]
    xs = [Decimal(m - origin) for m, _ in points]
    ys = [Decimal(v) for _, v in points]
    x_mean = sum(xs) / n
    y_mean = sum(ys) / n
    sxx = sum((x - x_mean) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = y_mean - slope * x_mean
    x0 = Decimal(to - origin)
    value = intercept + slope * x0
    residual = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    s = _sqrt(residual / (n - 2))
    half = t95(n - 2) * s * _sqrt(1 + Decimal(1) / n + (x0 - x_mean) ** 2 / sxx)
    return Projection(
        month=to,
        value=round2(_clip(value)),
        low=round2(_clip(value - half)),
        high=round2(_clip(value + half)),
        slope_per_month=round2(slope),
        points=n,
        fitted_last=round2(intercept + slope * xs[-1]),
        last=points[-1][0],
    )


ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
UNKNOWN = "unknown"
STATUS_LABELS = {
    ON_TRACK: "Sesuai jalur",
    AT_RISK: "Berisiko",
    OFF_TRACK: "Tidak sesuai jalur",
    UNKNOWN: "Data belum cukup",
}


def status(projection: Projection | None, target: Decimal | None) -> str:
    if projection is None or target is None:
        return UNKNOWN
    if projection.value >= target:
        return ON_TRACK
    if projection.high >= target:
        return AT_RISK
    return OFF_TRACK


def needed_per_month(*, protected: int, base: int, target: Decimal, now: Month, by: Month) -> int | None:
    """How many more protected persons a month, from `now` until the end of `by`, to reach `target` %.

    None when there is no base to take a share of; 0 when the target is already met.
    """
    if base <= 0:
        return None
    required = math.ceil(Decimal(target) * base / HUNDRED)
    shortfall = max(0, required - protected)
    months = max(1, by - now)
    return math.ceil(Decimal(shortfall) / months)
