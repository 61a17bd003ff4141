"""Boundary shapes for maps: the children of a region as GeoJSON, and as SVG paths for printed reports.

Files live in `boundaries/` as `<province>-kabupaten.geojson` (features coded `61.xx`) and
`<province>-kecamatan.geojson` (features coded `61.xx.yy`); see `boundaries/SOURCE.md` for where they come
from and the attribution every map must show. A province without files simply has no map.
"""

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder

DIRECTORY = Path(__file__).resolve().parent / "boundaries"
LEVEL_FILES = {2: "kabupaten", 3: "kecamatan"}

ATTRIBUTION = (
    "Batas wilayah: © BPS – Statistics Indonesia, via OCHA ROAP, Humanitarian Data Exchange "
    "(COD-AB cod-ab-idn, 2020-04-01), CC BY-IGO 3.0; disederhanakan dan diberi kode Kemendagri. "
    "Batas statistik, bukan batas hukum."
)
ATTRIBUTION_URL = "https://data.humdata.org/dataset/cod-ab-idn"


@functools.cache
def _features(province: str, level: int) -> tuple[dict, ...]:
    name = LEVEL_FILES.get(level)
    if name is None:
        return ()
    path = DIRECTORY / f"{province}-{name}.geojson"
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8") as f:
        return tuple(json.load(f)["features"])


def _round_ring(ring: list[list[float]], places: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, places), round(y, places)]
        if not out or point != out[-1]:
            out.append(point)
    return out


def _rounded(geometry: dict, places: int) -> dict:
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [_round_ring(r, places) for r in geometry["coordinates"]]}
    return {
        "type": "MultiPolygon",
        "coordinates": [[_round_ring(r, places) for r in polygon] for polygon in geometry["coordinates"]],
    }


@functools.cache
def _for_screen(code: str) -> tuple[dict, ...]:
    """The children's shapes for a web map: 3 decimals (about 110 m) for a province's kabupaten, 4 for a
    kabupaten's kecamatan; a third of the bytes of the files, no visible difference at those scales."""
    places = 3 if "." not in code else 4
    return tuple(
        {"type": "Feature", "properties": f["properties"], "geometry": _rounded(f["geometry"], places)}
        for f in child_boundaries(code)
    )


def child_boundaries(code: str) -> list[dict]:
    """The boundary features of the regions one level below `code` (a province or a kabupaten/kota)."""
    level = code.count(".") + 1
    if level not in (1, 2):
        return []
    province = code[:2]
    features = _features(province, level + 1)
    if level == 1:
        return list(features)
    return [f for f in features if f["properties"]["code"].startswith(code + ".")]


def has_map(code: str) -> bool:
    return bool(child_boundaries(code))


def feature_collection(code: str, *, values: dict[str, dict] | None = None) -> dict:
    """A GeoJSON FeatureCollection of the children of `code`; each feature's properties get the figures
    of `values[its code]` (aggregates only: never personal data)."""
    values = values or {}
    features = []
    for f in _for_screen(code):
        props = dict(f["properties"])
        props.update(values.get(props["code"], {}))
        features.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    return {"type": "FeatureCollection", "features": features, "attribution": ATTRIBUTION}


@functools.lru_cache(maxsize=64)
def feature_collection_json(code: str) -> bytes:
    """`feature_collection(code)` without figures, as the JSON a map fetches (`/wilayah/<code>/batas.json`),
    encoded once a process: the shapes change with the boundary files only, and encoding them was most of the
    request's time (docs/benchmarks.md). A province and its regencies' pages are the ones asked for."""
    return json.dumps(feature_collection(code), cls=DjangoJSONEncoder).encode()


# SVG for print -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SvgShape:
    code: str
    name: str
    path: str  # the `d` attribute
    label_x: float
    label_y: float
    rings: tuple[tuple[tuple[float, float], ...], ...] = ()  # the path's points, for placing its label


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def svg_shapes(code: str, *, width: float, height: float, margin: float = 4) -> list[SvgShape]:
    """The children of `code` projected to fit a `width` × `height` box (equirectangular, scaled by the
    cosine of the middle latitude: plain and exact enough near the equator). Small rings are dropped and
    points closer than a quarter unit merged, to keep printed files small."""
    features = child_boundaries(code)
    if not features:
        return []
    xs, ys = [], []
    for f in features:
        for ring in _rings(f["geometry"]):
            for x, y in ring:
                xs.append(x)
                ys.append(y)
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    k = math.cos(math.radians((min_y + max_y) / 2))
    span_x = max((max_x - min_x) * k, 1e-9)
    span_y = max(max_y - min_y, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2

    def project(x: float, y: float) -> tuple[float, float]:
        return off_x + (x - min_x) * k * scale, off_y + (max_y - y) * scale

    shapes = []
    for f in features:
        parts: list[str] = []
        rings: list[tuple[tuple[float, float], ...]] = []
        best_area, label = -1.0, (0.0, 0.0)
        for ring in _rings(f["geometry"]):
            points = [project(x, y) for x, y in ring]
            area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False)))
            if area / 2 < 0.5:  # smaller than half a square unit: invisible in print
                continue
            kept = [points[0]]
            for p in points[1:]:
                if abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= 0.25:
                    kept.append(p)
            if len(kept) < 3:
                continue
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z")
            rings.append(tuple((round(x, 1), round(y, 1)) for x, y in kept))
            if area > best_area:
                best_area = area
                label = (sum(x for x, _ in kept) / len(kept), sum(y for _, y in kept) / len(kept))
        if parts:
            props = f["properties"]
            shapes.append(SvgShape(props["code"], props["name"], "".join(parts), *label, tuple(rings)))
    return shapes
