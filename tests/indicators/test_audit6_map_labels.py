"""audit6: the Kemendagri report's map (charts.map_svg) as WeasyPrint prints it. WeasyPrint ignores
`text-anchor`, so a label began at its region's label point instead of being centred on it; and a figure of
89.51 read "90 %" on the colour of the 75-90 class."""

from io import BytesIO
from pathlib import Path

import pytest

from lindungdesa.indicators import charts
from lindungdesa.regions.boundaries import SvgShape

FONTS = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core, which WeasyPrint uses here


def square(code: str, name: str, left: float) -> SvgShape:
    """A region 90 x 60 from `left`, its label point in its middle: room for its figure and name."""
    corners = ((left, 0.0), (left + 90, 0.0), (left + 90, 60.0), (left, 60.0))
    path = "M" + "L".join(f"{x},{y}" for x, y in corners) + "Z"
    return SvgShape(code, name, path, left + 45, 30, (corners,))


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (86.95, "87 %"),  # rounding within its class: the whole percent, as before
        (92.2, "92 %"),
        (75.4, "75 %"),
        (90.0, "90 %"),
        (0.0, "0 %"),
        (100.0, "100 %"),
        (89.51, "89,5 %"),  # would read "90 %" (the ≥ 90 % class) on a 75-90 colour
        (89.96, "89,9 %"),  # rounded down: "90,0 %" would read as the next class too
        (74.6, "74,6 %"),
        (49.99, "49,9 %"),
        (24.5, "24,5 %"),
        (12.5, "13 %"),  # half up, not to even
    ],
)
def test_a_label_reads_as_the_class_its_colour_shows(value, label):
    assert charts.map_label(value) == label
    shown = float(label.removesuffix(" %").replace(",", "."))
    assert charts.colour_of(shown) == charts.colour_of(value)


@pytest.mark.skipif(not FONTS.exists(), reason="DejaVu fonts not installed")
def test_the_width_table_is_the_fonts():
    from fontTools.ttLib import TTFont

    for file, bold in (("DejaVuSans.ttf", False), ("DejaVuSans-Bold.ttf", True)):
        font = TTFont(FONTS / file)
        cmap, metrics = font.getBestCmap(), font["hmtx"]
        scale = 10 / font["head"].unitsPerEm
        for code in range(32, 127):
            assert charts.text_width(chr(code), 10, bold=bold) == pytest.approx(
                metrics[cmap[code]][0] * scale
            )


@pytest.mark.skipif(not FONTS.exists(), reason="DejaVu fonts not installed")
def test_labels_are_centred_on_their_point_in_the_pdf():
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from weasyprint import HTML

    shapes = [
        square("a", "Kabupaten Kapuas Hulu", 0),
        square("b", "Kabupaten Kubu Raya", 100),
    ]
    svg = charts.map_svg(shapes, {"a": 89.51, "b": 5.0}, width=200, height=80, title="Cakupan")
    assert "text-anchor" not in svg  # WeasyPrint ignores it; a browser would shift the label twice
    pdf = HTML(string=f"<html><body>{svg}</body></html>").write_pdf()
    starts = {}  # each run of text and where WeasyPrint began it, in the SVG's own units

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts[text.strip()] = (tm[4], size)

    PdfReader(BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    fonts = {9.0: TTFont(FONTS / "DejaVuSans-Bold.ttf"), 6.0: TTFont(FONTS / "DejaVuSans.ttf")}

    def drawn_width(text: str, size: float) -> float:  # measured in the font file, not our table
        font = fonts[size]
        cmap, metrics = font.getBestCmap(), font["hmtx"]
        return sum(metrics[cmap[ord(c)]][0] for c in text) * size / font["head"].unitsPerEm

    for text, centre in (("89,5 %", 45), ("Kapuas Hulu", 45), ("5 %", 145), ("Kubu Raya", 145)):
        x, size = starts[text]
        assert x + drawn_width(text, size) / 2 == pytest.approx(centre, abs=0.3), text
