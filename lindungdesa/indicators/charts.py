"""What charts and maps show, as plain data: shared by the pages and printed reports.

Pure functions. Trends are drawn here as SVG for both the pages and the reports (WeasyPrint runs no
JavaScript; a village on a slow link need not fetch a chart library: docs/benchmarks.md); the pages' map
data go to Leaflet (`static/js/charts.js`) as JSON.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from lindungdesa.lib import labels
from lindungdesa.lib.months import Month, month_label_id

from . import progress as pg

# Map classes (percent, lower bound inclusive): YlGnBu, colour-blind safe, readable in grey print.
CLASSES: tuple[tuple[float, str, str], ...] = (
    (0, "#ffffcc", "< 25 %"),
    (25, "#a1dab4", "25–50 %"),
    (50, "#41b6c4", "50–75 %"),
    (75, "#2c7fb8", "75–90 %"),
    (90, "#253494", "≥ 90 %"),
)
NO_DATA = ("#d9d9d9", "tidak ada data")

MAP_INDICATORS = {
    "aparat": "Cakupan aparat desa",
    "bpd": "Cakupan anggota BPD",
    "desa": "Desa terdaftar",
    "ucj": "UCJ",
}


def colour_of(value: float | None) -> str:
    if value is None:
        return NO_DATA[0]
    colour = CLASSES[0][1]
    for bound, c, _ in CLASSES:
        if value >= bound:
            colour = c
    return colour


def legend() -> list[dict]:
    return [{"colour": c, "label": label} for _, c, label in CLASSES] + [
        {"colour": NO_DATA[0], "label": NO_DATA[1]}
    ]


def short_month(month: Month) -> str:
    return f"{month_label_id(month)[:3]} {month.year}"


@dataclass
class Trend:
    """One indicator over months: what was measured, the projection from now to the horizon, the targets."""

    label: str
    months: list[Month]
    actual: list[float | None]
    projection: list[float | None]
    target: list[float | None]
    low: float | None  # the projection's interval at the horizon
    high: float | None

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "months": [short_month(m) for m in self.months],
            "actual": self.actual,
            "projection": self.projection,
            "target": self.target,
            "low": self.low,
            "high": self.high,
            # Drawn on the server: styled by the page's stylesheet (.trend-svg), no inline style (CSP).
            "svg": page_svg(self),
            # For the table beside the chart (screen readers, no JavaScript): months with a value.
            "table": [
                {"month": month_label_id(m), "actual": a, "target": t}
                for m, a, t in zip(self.months, self.actual, self.target, strict=True)
                if a is not None or t is not None
            ],
        }


def _f(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def trend_of(
    progress, period: Month, *, target_points: dict[int, Decimal], start: Month | None = None
) -> Trend:
    """The trend chart of one IndicatorProgress: its series, then the projection line from `period` to
    December of the horizon year, and the target (published or interpolated) at each December."""
    series = dict(progress.series)
    first = start or (min(series) if series else period)
    horizon = progress.horizon
    end = Month(horizon.year, 12) if horizon and Month(horizon.year, 12) > period else period
    months = []
    m = first
    while m <= end:
        months.append(m)
        m = m.add(1)
    projection = progress.projection
    proj: list[float | None] = []
    for m in months:
        if projection is None or projection.last is None or m < projection.last:
            proj.append(None)
        else:
            # The fitted line, from the last measured month to the horizon, kept within 0–100 %.
            v = projection.fitted_last + projection.slope_per_month * (m - projection.last)
            proj.append(float(min(max(v, Decimal(0)), Decimal(100))))
    target: list[float | None] = []
    for m in months:
        t = pg.target_for_year(target_points, m.year) if m.month == 12 else None
        target.append(_f(t.value) if t else None)
    return Trend(
        label=progress.label,
        months=months,
        actual=[_f(series.get(m)) for m in months],
        projection=proj,
        target=target,
        low=_f(projection.low) if projection else None,
        high=_f(projection.high) if projection else None,
    )


# SVG ----------------------------------------------------------------------------------------------------


def _polyline(points: list[tuple[float, float]], cls: str) -> str:
    if len(points) < 2:
        return ""
    d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<path class="{cls}" d="{d}"/>'


def _percent(v: float) -> str:
    return f"{v:.2f}".replace(".", ",") + "\u00a0%"


# Inside a report (WeasyPrint) the chart carries its own style; on a page the stylesheet styles
# `.trend-svg` (the Content-Security-Policy allows no inline style).
_REPORT_STYLE = (
    "<style>.grid{stroke:#ccc;stroke-width:.5}.axis{font:9px sans-serif;fill:#333}"
    ".actual{fill:none;stroke:#1f4e79;stroke-width:2}.proj{fill:none;stroke:#1f4e79;stroke-width:1.5;"
    "stroke-dasharray:5 3}.target{fill:none;stroke:#c0392b;stroke-width:1;stroke-dasharray:2 2}"
    ".tpoint{fill:#c0392b}.apoint{fill:#1f4e79}.band{stroke:#1f4e79;stroke-width:1}</style>"
)


AXIS_LABEL_PX = 40


def trend_svg(trend: Trend, *, width: int = 640, height: int = 240, styled: bool = True) -> str:
    """A line chart: measured values (solid), projection (dashed), targets (points on a dotted line).

    Each point carries its month and value as a <title> (shown on hover). `styled`: with its own <style>
    (reports); without, for a page whose stylesheet styles `.trend-svg`.
    """
    left, right, top, bottom = 40, 10, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(trend.months) - 1, 1)

    def x(i: int) -> float:
        return left + plot_w * i / n

    def y(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    size = f'width="{width}" height="{height}" ' if styled else 'class="trend-svg" '
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" {size}'
        f'role="img" aria-label="{escape(trend.label)}">',
        _REPORT_STYLE if styled else "",
    ]
    for v in (0, 25, 50, 75, 100):
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>')
        out.append(f'<text class="axis" x="{left - 4}" y="{y(v) + 3:.1f}" text-anchor="end">{v} %</text>')
    # A label every 1.8 labels' width (a first label starts at its month, the others are centred on theirs).
    step = max(1, math.ceil(len(trend.months) * 1.8 * AXIS_LABEL_PX / plot_w))
    last = len(trend.months) - 1
    for i, m in enumerate(trend.months):
        # Every step-th month, and the last one (anchored at its end); a label that would run into the last
        # one is left out (a month's label is about 40 px wide in the axis' 9 px font, 45 px at a page's 10).
        if (i % step == 0 and x(last) - x(i) >= 2 * AXIS_LABEL_PX) or i == last:
            anchor = "end" if i == last else "start" if i == 0 else "middle"
            out.append(
                f'<text class="axis" x="{x(i):.1f}" y="{height - 10}" text-anchor="{anchor}">'
                f"{escape(short_month(m))}</text>"
            )
    # Missing months (no snapshot) and yearly series (UCJ) are drawn through: the line joins known values.
    for values, cls in ((trend.actual, "actual"), (trend.projection, "proj")):
        out.append(_polyline([(x(i), y(v)) for i, v in enumerate(values) if v is not None], cls))
    for i, v in enumerate(trend.actual):
        if v is not None:
            out.append(
                f'<circle class="apoint" cx="{x(i):.1f}" cy="{y(v):.1f}" r="{1.5 if styled else 2.5}">'
                f"<title>{escape(short_month(trend.months[i]))}: {_percent(v)}</title></circle>"
            )
    target_points = [(i, x(i), y(v)) for i, v in enumerate(trend.target) if v is not None]
    out.append(_polyline([(px, py) for _, px, py in target_points], "target"))
    for i, px, py in target_points:
        out.append(
            f'<circle class="tpoint" cx="{px:.1f}" cy="{py:.1f}" r="3"><title>Target '
            f"{escape(short_month(trend.months[i]))}: {_percent(trend.target[i])}</title></circle>"
        )
    if trend.low is not None and trend.high is not None:
        px = x(len(trend.months) - 1)
        out.append(
            f'<line class="band" x1="{px:.1f}" x2="{px:.1f}" '
            f'y1="{y(trend.low):.1f}" y2="{y(trend.high):.1f}"/>'
        )
    out.append("</svg>")
    return "".join(part for part in out if part)


# A page's chart is drawn about as wide as its card (340 px at 1280, 320 on a phone), so that its 10 px
# labels are read at about 10 px: drawn 640 wide, they came out at 5 px (audit5).
PAGE_SIZE = (360, 200)


def page_svg(trend: Trend) -> SafeString:
    """The trend as a page shows it (every value in it is escaped by trend_svg)."""
    width, height = PAGE_SIZE
    return mark_safe(trend_svg(trend, width=width, height=height, styled=False))  # noqa: S308


# Advance widths of the printable ASCII characters (space to "~", 19 a line) in DejaVu Sans, Book and Bold,
# in units of 1/2048 em, as the font files have them (tests/indicators/test_audit6_map_labels.py reads them
# there with fontTools; read at import they would cost 75 ms and need the system's font path). WeasyPrint
# ignores `text-anchor`: a map label is centred by starting it half its width to the left, so the map's style
# names the font these widths are of. Other characters take the width of an "n".
_EM = 2048
_BOOK = tuple(
    int(w)
    for w in """
    651 821 942 1716 1303 1946 1597 563 799 799 1024 1716 651 739 651 690 1303 1303 1303
    1303 1303 1303 1303 1303 1303 1303 690 690 1716 1716 1716 1087 2048 1401 1405 1430 1577 1294
    1178 1587 1540 604 604 1343 1141 1767 1532 1612 1235 1612 1423 1300 1251 1499 1401 2025 1403
    1251 1403 799 690 799 1716 1024 1024 1255 1300 1126 1300 1260 721 1300 1298 569 569 1186
    569 1995 1298 1253 1300 1300 842 1067 803 1298 1212 1675 1212 1212 1075 1303 690 1303 1716
""".split()
)
_BOLD = tuple(
    int(w)
    for w in """
    713 934 1067 1716 1425 2052 1786 627 936 936 1071 1716 778 850 778 748 1425 1425 1425
    1425 1425 1425 1425 1425 1425 1425 819 819 1716 1716 1716 1188 2048 1585 1561 1503 1700 1399
    1399 1681 1714 762 762 1587 1305 2038 1714 1741 1501 1741 1577 1475 1397 1663 1585 2259 1579
    1483 1485 936 748 936 1716 1024 1024 1382 1466 1214 1466 1389 891 1466 1458 702 702 1362
    702 2134 1458 1407 1466 1466 1010 1219 979 1458 1335 1892 1321 1335 1192 1458 748 1458 1716
""".split()
)
LABEL_SIZE, NAME_SIZE = 9, 6  # px: the figure (bold) and the region's name under it


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` set in DejaVu Sans at `size` px."""
    widths = _BOLD if bold else _BOOK
    other = widths[ord("n") - 32]
    return sum(widths[ord(c) - 32] if 32 <= ord(c) < 127 else other for c in text) * size / _EM


def map_label(value: float) -> str:
    """A region's figure on the map, as its colour reads: the whole percent (86.95 → "87 %"), unless rounding
    would carry it into the next class (89.51 → "90 %" on a 75–90 colour, read as ≥ 90 %); then one decimal,
    rounded down, which stays in the class its colour shows ("89,5 %"; 89.96 → "89,9 %", never "90,0 %")."""
    exact = Decimal(str(value))
    whole = exact.quantize(Decimal(1), ROUND_HALF_UP)
    if colour_of(float(whole)) == colour_of(value):
        return f"{whole} %"
    return f"{exact.quantize(Decimal('0.1'), ROUND_FLOOR)} %".replace(".", ",")


# A map label: the figure (bold) over the region's name, in a box this tall; each baseline from its top.
LABEL_HEIGHT, FIGURE_BASELINE, NAME_BASELINE = 18, 8, 16


def map_svg(shapes, values: dict[str, float | None], *, width: int, height: int, title: str) -> str:
    """A choropleth of `shapes` (regions.boundaries.svg_shapes) coloured by `values` (percent). Each figure
    and name is set inside its region where they fit whole, else beside it on a white ground with a leader
    line; none over the drawing's edge or another label (lib/labels.py)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}">',
        # Longhand font properties and no halo: WeasyPrint drops a text styled with the `font` shorthand (the
        # percentages were missing from the report's map) and paints a stroke over the letters (paint-order
        # unsupported: the names came out white). Dark letters, white on the darkest class. DejaVu Sans: the
        # font whose widths centre the labels (`text_width`).
        "<style>.shape{stroke:#fff;stroke-width:.6}.label{font-family:'DejaVu Sans',sans-serif;"
        f"font-size:{LABEL_SIZE}px;font-weight:bold;fill:#111}}.on-dark{{fill:#fff}}"
        f".name{{font-size:{NAME_SIZE}px;font-weight:normal}}.ground{{fill:#fff;fill-opacity:.85}}"
        ".leader{stroke:#111;stroke-width:.5;fill:none}.anchor{fill:#111}</style>",
    ]
    for shape in shapes:
        colour = colour_of(values.get(shape.code))
        out.append(
            f'<path class="shape" fill="{colour}" d="{shape.path}"><title>{escape(shape.name)}</title></path>'
        )
    labelled = [shape for shape in shapes if values.get(shape.code) is not None]
    texts = []
    for shape in labelled:
        value = values[shape.code]
        name = shape.name.removeprefix("Kabupaten ").removeprefix("Kecamatan ")
        figure = map_label(value)
        widths = (text_width(figure, LABEL_SIZE, bold=True), text_width(name, NAME_SIZE))
        texts.append((shape, value, figure, name, widths))
    places = labels.place(
        [
            labels.Area(shape.rings, (shape.label_x, shape.label_y), max(widths) + 2, LABEL_HEIGHT)
            for shape, _, _, _, widths in texts
        ],
        width=width,
        height=height,
        others=tuple(shape.rings for shape in shapes if values.get(shape.code) is None),
    )
    for (_, value, figure, name, widths), place in zip(texts, places, strict=True):
        box = place.box
        centre = (box.x0 + box.x1) / 2
        dark = ""
        if not place.inside:
            (x0, y0), (x1, y1) = place.leader
            out.append(
                f'<path class="leader" d="M{x0:.1f},{y0:.1f}L{x1:.1f},{y1:.1f}"/>'
                f'<circle class="anchor" cx="{x0:.1f}" cy="{y0:.1f}" r="1"/>'
                f'<rect class="ground" x="{box.x0:.1f}" y="{box.y0:.1f}" width="{box.x1 - box.x0:.1f}" '
                f'height="{box.y1 - box.y0:.1f}"/>'
            )
        elif colour_of(value) == CLASSES[-1][1]:
            dark = " on-dark"
        # Each line starts half its own width left of the label's centre (no text-anchor: see _BOOK).
        out.append(
            f'<text class="label{dark}" x="{centre - widths[0] / 2:.1f}" y="{box.y0 + FIGURE_BASELINE:.1f}">'
            f'{figure}<tspan class="name" x="{centre - widths[1] / 2:.1f}" '
            f'dy="{NAME_BASELINE - FIGURE_BASELINE}">{escape(name)}</tspan></text>'
        )
    out.append("</svg>")
    return "".join(out)
