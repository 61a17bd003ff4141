"""Chart data and printed SVG from progress figures."""

import xml.etree.ElementTree as ET
from decimal import Decimal as D  # noqa: N817

from lindungdesa.indicators import charts
from lindungdesa.indicators import progress as pg
from lindungdesa.indicators.progress_selectors import IndicatorProgress
from lindungdesa.lib.months import Month

NOV = Month(2026, 11)
POINTS = {2026: D("60.80"), 2030: D("65.77")}


def progress_with(series: list[tuple[Month, D]]) -> IndicatorProgress:
    horizon = pg.TargetValue(2030, D("65.77"), False)
    projection = pg.project(series, Month(2030, 12))
    return IndicatorProgress(
        indicator="aparat",
        value=series[-1][1],
        protected=50,
        base=100,
        value_year=None,
        numerator="",
        target=pg.target_for_year(POINTS, 2026),
        target_region="61",
        horizon=horizon,
        projection=projection,
        status=pg.status(projection, horizon.value),
        needed_per_month=1,
        series=series,
        points=POINTS,
    )


def test_the_trend_runs_from_the_first_month_to_december_of_the_target_year():
    series = [(NOV.add(-2), D(40)), (NOV.add(-1), D(41)), (NOV, D(42))]
    trend = charts.trend_of(progress_with(series), NOV, target_points=POINTS)
    assert trend.months[0] == Month(2026, 9) and trend.months[-1] == Month(2030, 12)
    assert trend.actual[:3] == [40.0, 41.0, 42.0] and trend.actual[3] is None
    # A straight series: the projection starts on today's value and gains one point a month (49 months).
    assert trend.projection[2] == 42.0 and trend.projection[-1] == 91.0
    assert trend.projection[:2] == [None, None]
    # Targets at each December: published 2026 and 2030, interpolated between them.
    decembers = {m.year: v for m, v in zip(trend.months, trend.target, strict=True) if v is not None}
    assert decembers == {2026: 60.8, 2027: 62.04, 2028: 63.29, 2029: 64.53, 2030: 65.77}
    assert trend.low == trend.high == 91.0


def test_a_projection_beyond_100_percent_is_drawn_up_to_100_from_the_fitted_line():
    series = [(NOV.add(-2), D(80)), (NOV.add(-1), D(85)), (NOV, D(90))]
    trend = charts.trend_of(progress_with(series), NOV, target_points=POINTS)
    assert trend.projection[2] == 90.0 and trend.projection[3] == 95.0 and trend.projection[4] == 100.0
    assert trend.projection[-1] == 100.0


def test_the_svg_is_well_formed_and_shows_the_values_and_targets():
    series = [(NOV.add(-2), D(40)), (NOV.add(-1), D(41)), (NOV, D(42))]
    svg = charts.trend_svg(charts.trend_of(progress_with(series), NOV, target_points=POINTS))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    classes = [el.get("class") for el in root.iter(f"{ns}path")]
    assert classes == ["actual", "proj", "target"]
    assert len([c for c in root.iter(f"{ns}circle") if c.get("class") == "tpoint"]) == 5
    assert "Des 2030" in svg


def test_colours_follow_the_classes_and_say_when_there_is_no_figure():
    assert charts.colour_of(None) == charts.NO_DATA[0]
    assert charts.colour_of(0) == charts.colour_of(24.99) == "#ffffcc"
    assert charts.colour_of(25) == "#a1dab4"
    assert charts.colour_of(90) == charts.colour_of(100) == "#253494"
    assert [item["label"] for item in charts.legend()][-1] == "tidak ada data"


def test_the_month_labels_under_the_chart_never_run_into_each_other():
    ns = "{http://www.w3.org/2000/svg}"
    for months_back in range(1, 40):  # every length of history up to the 2030 horizon
        series = [(NOV.add(-months_back), D(40)), (NOV, D(42))]
        svg = charts.trend_svg(charts.trend_of(progress_with(series), NOV, target_points=POINTS))
        spans = []
        for text in ET.fromstring(svg).iter(f"{ns}text"):
            if text.get("y") != str(240 - 10):  # the month axis, not the percentages
                continue
            x, width = float(text.get("x")), charts.AXIS_LABEL_PX
            start = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
            spans.append((start, start + width, text.text))
        spans.sort()
        assert spans[-1][2] == "Des 2030"
        for (_, end, a), (start, _, b) in zip(spans, spans[1:], strict=False):
            assert end <= start, f"{months_back} months back: {a!r} runs into {b!r}"


def test_the_printed_map_shows_each_regions_percentage_and_name():
    """audit5: in the Kemendagri report's PDF the map had no percentages and white, unreadable names."""
    from io import BytesIO

    from pypdf import PdfReader
    from weasyprint import HTML

    from tests.indicators.test_audit6_map_labels import square

    shapes = [
        square("61.06", "Kabupaten Kapuas Hulu", 0),
        square("61.12", "Kabupaten Kubu Raya", 100),
    ]
    svg = charts.map_svg(shapes, {"61.06": 89.51, "61.12": 92.2}, width=200, height=80, title="Cakupan")
    pdf = HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    text = " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    # 89.51 on the 75-90 colour reads "89,5 %", not "90 %" (audit6: test_audit6_map_labels.py).
    assert "89,5 %" in text and "92 %" in text and "Kapuas Hulu" in text and "Kubu Raya" in text
    assert (
        'class="label on-dark"' in svg and 'class="label"' in svg
    )  # white letters on the darkest class only
