"""Targets between published years, the projection and what it takes, on hand-made series."""

from decimal import Decimal as D  # noqa: N817

import pytest

from lindungdesa.indicators import progress as pg
from lindungdesa.lib.months import Month

KALBAR_UCJ = {2025: D("59.56"), 2026: D("60.80"), 2030: D("65.77")}


@pytest.mark.parametrize(
    ("year", "value", "interpolated"),
    [
        (2025, "59.56", False),
        (2026, "60.80", False),
        (2027, "62.04", True),  # 60.80 + 4.97 / 4 = 62.0425
        (2028, "63.29", True),  # 63.285, half up
        (2029, "64.53", True),  # 64.5275
        (2030, "65.77", False),
    ],
)
def test_it_interpolates_between_published_years(year, value, interpolated):
    target = pg.target_for_year(KALBAR_UCJ, year)
    assert (target.value, target.interpolated) == (D(value), interpolated)


def test_there_is_no_target_outside_the_published_years():
    assert pg.target_for_year(KALBAR_UCJ, 2024) is None
    assert pg.target_for_year(KALBAR_UCJ, 2031) is None
    assert pg.target_for_year({}, 2026) is None


def test_a_straight_series_projects_exactly_with_no_uncertainty():
    series = [(Month(2026, 1), D(10)), (Month(2026, 2), D(12)), (Month(2026, 3), D(14))]
    p = pg.project(series, Month(2026, 12))
    # December is 11 months after January: 10 + 11 * 2.
    assert (p.value, p.low, p.high, p.slope_per_month, p.points) == (D(32), D(32), D(32), D(2), 3)


def test_a_noisy_series_projects_with_its_prediction_interval():
    # Worked by hand: x = 0..3, y = 10, 13, 14, 17 -> slope 2.2, intercept 10.2, s^2 = 0.8 / 2.
    # At x = 11: 34.4 +- t(2) 4.303 * sqrt(0.4) * sqrt(1 + 1/4 + 9.5^2 / 5) = 34.4 +- 11.9558.
    series = [(Month(2026, m), D(v)) for m, v in ((1, 10), (2, 13), (3, 14), (4, 17))]
    p = pg.project(series, Month(2026, 12))
    assert (p.value, p.low, p.high, p.slope_per_month) == (D("34.40"), D("22.44"), D("46.36"), D("2.20"))


def test_only_the_last_twelve_months_count():
    old = [(Month(2024, m), D(90)) for m in range(1, 13)]
    recent = [(Month(2025, m), D(m)) for m in range(1, 13)]
    p = pg.project(old + recent, Month(2025, 12))
    assert (p.value, p.points) == (D(12), 12)


def test_projections_stay_between_0_and_100_percent():
    series = [(Month(2026, 1), D(80)), (Month(2026, 2), D(90)), (Month(2026, 3), D(100))]
    assert pg.project(series, Month(2030, 12)).value == D(100)
    falling = [(Month(2026, 1), D(20)), (Month(2026, 2), D(10)), (Month(2026, 3), D(0))]
    assert pg.project(falling, Month(2030, 12)).value == D(0)


def test_fewer_than_three_values_give_no_projection():
    assert pg.project([(Month(2026, 1), D(10)), (Month(2026, 2), D(12))], Month(2030, 12)) is None
    assert pg.status(None, D(50)) == pg.UNKNOWN


def test_status_compares_the_projection_and_its_interval_with_the_target():
    p = pg.Projection(Month(2030, 12), value=D(60), low=D(55), high=D(65), slope_per_month=D(1), points=5)
    assert pg.status(p, D(60)) == pg.ON_TRACK
    assert pg.status(p, D("64.99")) == pg.AT_RISK
    assert pg.status(p, D(65)) == pg.AT_RISK
    assert pg.status(p, D("65.01")) == pg.OFF_TRACK
    assert pg.status(p, None) == pg.UNKNOWN


def test_needed_per_month_rounds_up_persons_and_months():
    # 65.77 % of 1,000 = 657.7 -> 658 persons; 600 protected; 58 to find in 49 months (Nov 2026 -> Dec 2030).
    needed = pg.needed_per_month(
        protected=600, base=1000, target=D("65.77"), now=Month(2026, 11), by=Month(2030, 12)
    )
    assert needed == 2
    assert (
        pg.needed_per_month(protected=700, base=1000, target=D(60), now=Month(2026, 11), by=Month(2030, 12))
        == 0
    )
    assert (
        pg.needed_per_month(protected=0, base=0, target=D(60), now=Month(2026, 11), by=Month(2030, 12))
        is None
    )
    # The target month itself or later: everything is needed now.
    assert (
        pg.needed_per_month(protected=0, base=10, target=D(50), now=Month(2030, 12), by=Month(2030, 12)) == 5
    )
