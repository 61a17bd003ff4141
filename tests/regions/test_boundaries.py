"""Boundary files: the children of a region, their GeoJSON with figures, and SVG for print."""

import json
import re
import xml.etree.ElementTree as ET

from lindungdesa.indicators.charts import map_svg
from lindungdesa.regions.boundaries import (
    ATTRIBUTION,
    child_boundaries,
    feature_collection,
    feature_collection_json,
    has_map,
    svg_shapes,
)


def test_the_province_has_its_14_kabupaten_and_each_kabupaten_its_kecamatan():
    assert [f["properties"]["code"] for f in child_boundaries("61")][:3] == ["61.01", "61.02", "61.03"]
    assert len(child_boundaries("61")) == 14
    sanggau = child_boundaries("61.03")
    assert len(sanggau) == 15 and all(f["properties"]["code"].startswith("61.03.") for f in sanggau)
    assert sum(len(child_boundaries(f["properties"]["code"])) for f in child_boundaries("61")) == 174


def test_levels_and_provinces_without_files_have_no_map():
    assert child_boundaries("61.03.01") == [] and not has_map("61.03.01")
    assert child_boundaries("11") == [] and not has_map("11")
    assert has_map("61") and has_map("61.03")


def test_the_feature_collection_carries_figures_and_the_attribution():
    data = feature_collection("61", values={"61.03": {"aparat": 86.95}})
    sanggau = next(f for f in data["features"] if f["properties"]["code"] == "61.03")
    assert sanggau["properties"] == {"code": "61.03", "name": "Kabupaten Sanggau", "aparat": 86.95}
    assert "BPS" in data["attribution"] and data["attribution"] == ATTRIBUTION
    # The cached file features are not changed by adding figures.
    assert "aparat" not in child_boundaries("61")[2]["properties"]


def test_a_maps_shapes_are_encoded_once_a_process():
    data = feature_collection_json("61.03")
    assert json.loads(data) == feature_collection("61.03")
    assert feature_collection_json("61.03") is data  # kept: the files change with a deployment only
    assert json.loads(feature_collection_json("11"))["features"] == []  # a province without files


def test_shapes_fit_the_box_and_make_a_well_formed_map():
    shapes = svg_shapes("61", width=400, height=300)
    assert len(shapes) == 14
    for shape in shapes:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.path)]
        assert all(-0.1 <= n <= 400.1 for n in numbers)
    svg = map_svg(shapes, {"61.03": 86.95}, width=400, height=300, title="Cakupan")
    root = ET.fromstring(svg)
    fills = [p.get("fill") for p in root.iter("{http://www.w3.org/2000/svg}path")]
    assert fills.count("#d9d9d9") == 13 and "#2c7fb8" in fills
    assert ">87 %<tspan" in svg and ">Sanggau</tspan>" in svg
    assert svg.count("<text") == 1  # a label only where there is a figure
