"""audit7: the Kemendagri report's map of Kalimantan Barat (the real boundaries, at the report's 480 x 380).
Centred on their regions, the labels of small and coastal regions ran over the borders around them (Mempawah,
Kota Pontianak) and off the drawing's left edge (Kota Singkawang). Each label is now inside its region whole,
or beside it with a leader line from the region; every one inside the drawing and none over another.

The boxes are worked out here from the SVG as drawn (each line's start, its baseline, the font's widths), and
a region's inside from its path: not from the placement's own geometry (lib/labels.py)."""

import re
import xml.etree.ElementTree as ET

import pytest

from lindungdesa.indicators import charts
from lindungdesa.regions.boundaries import svg_shapes

SVG = "{http://www.w3.org/2000/svg}"
WIDTH, HEIGHT = 480, 380  # reports/kemendagri.py
# What of a line is drawn above and below its baseline in DejaVu Sans (ascent of "%" and "K", descent of "g").
ABOVE, BELOW = 0.76, 0.24


def rings_of(path: str) -> list[list[tuple[float, float]]]:
    return [
        [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", part)]
        for part in path.split("Z")
        if part.strip()
    ]


def inside(rings, x: float, y: float) -> bool:
    hits = 0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                hits += 1
    return hits % 2 == 1


def boxes_of(text) -> tuple[float, float, float, float]:
    """The box around a label's two lines as drawn."""
    figure, name = text.text, text.find(f"{SVG}tspan")
    x, y = float(text.get("x")), float(text.get("y"))
    name_x, name_y = float(name.get("x")), y + float(name.get("dy"))
    right = max(
        x + charts.text_width(figure, charts.LABEL_SIZE, bold=True),
        name_x + charts.text_width(name.text, charts.NAME_SIZE),
    )
    return (
        min(x, name_x),
        y - ABOVE * charts.LABEL_SIZE,
        right,
        name_y + BELOW * charts.NAME_SIZE,
    )


@pytest.fixture(scope="module")
def drawn():
    shapes = svg_shapes("61", width=WIDTH, height=HEIGHT)
    assert len(shapes) == 14
    values = {
        s.code: v for s, v in zip(shapes, [86.9, 92.2, 45.1, 74.6, 89.51, 12.5, 100.0] * 2, strict=True)
    }
    root = ET.fromstring(charts.map_svg(shapes, values, width=WIDTH, height=HEIGHT, title="Cakupan"))
    regions = {
        p.find(f"{SVG}title").text: rings_of(p.get("d"))
        for p in root.iter(f"{SVG}path")
        if p.find(f"{SVG}title") is not None
    }
    leaders = [rings_of(p.get("d"))[0] for p in root.iter(f"{SVG}path") if p.get("class") == "leader"]
    labels = {}
    for text in root.iter(f"{SVG}text"):
        name = text.find(f"{SVG}tspan").text
        full = next(r for r in regions if r.removeprefix("Kabupaten ") == name)
        labels[full] = boxes_of(text)
    return regions, labels, leaders


def test_every_region_is_labelled_inside_the_drawing(drawn):
    regions, labels, _ = drawn
    assert set(labels) == set(regions)
    for name, (x0, y0, x1, y1) in labels.items():
        assert 0 <= x0 and x1 <= WIDTH and 0 <= y0 and y1 <= HEIGHT, (name, x0, y0, x1, y1)


def test_no_label_is_over_another(drawn):
    _, labels, _ = drawn
    items = list(labels.items())
    for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(items):
        for b, (bx0, by0, bx1, by1) in items[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (a, b)


def test_each_label_is_inside_its_region_or_led_to_it(drawn):
    regions, labels, leaders = drawn
    led = {}
    for (sx, sy), (ex, ey) in leaders:
        [name] = [n for n, rings in regions.items() if inside(rings, sx, sy)]
        led[name] = (ex, ey)
    for name, (x0, y0, x1, y1) in labels.items():
        if name in led:
            ex, ey = led[name]  # the leader ends at the label's box
            assert x0 - 1.5 <= ex <= x1 + 1.5 and y0 - 1.5 <= ey <= y1 + 1.5, name
            continue
        rings = regions[name]
        points = [(x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * j / 4) for i in range(9) for j in range(5)]
        assert all(inside(rings, x, y) for x, y in points), f"{name}'s label runs over its border"
        assert not any(x0 < x < x1 and y0 < y < y1 for ring in rings for x, y in ring), name
    # The regions too small for their label: the two cities and the coastal strip of Mempawah.
    assert {"Kota Pontianak", "Kota Singkawang", "Kabupaten Mempawah"} <= set(led)
