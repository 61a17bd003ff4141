"""Where a map's labels go: inside their region where the label fits whole, else beside the region with a
leader line, over no region where there is room; every label inside the drawing and none over another.

Plain geometry on a drawing's own units (y down), for the printed map (indicators/charts.map_svg, drawn from
regions/boundaries.svg_shapes). A small or coastal region (Kota Pontianak, Kota Singkawang, Mempawah on the
province's map) is too small for its figure and name: centred on it, the label ran over the borders around it
or off the drawing's edge.
"""

import math
from dataclasses import dataclass

Point = tuple[float, float]
Ring = tuple[Point, ...]

MARGIN = 1.0  # between a label and the drawing's edge, or another label
_STEP = 2.0  # the grid a label's centre is looked for on, inside its region
_DIRECTIONS = 16
_REACH = 120.0  # how far from its region a label may go


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def around(cls, x: float, y: float, width: float, height: float) -> "Box":
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)

    @property
    def centre(self) -> Point:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    def meets(self, other: "Box", gap: float = 0.0) -> bool:
        return (
            self.x0 < other.x1 + gap
            and other.x0 < self.x1 + gap
            and self.y0 < other.y1 + gap
            and other.y0 < self.y1 + gap
        )

    def within(self, frame: "Box") -> bool:
        return frame.x0 <= self.x0 and self.x1 <= frame.x1 and frame.y0 <= self.y0 and self.y1 <= frame.y1

    def nearest(self, x: float, y: float) -> Point:
        """The point of the box nearest (x, y): where a leader line from there ends."""
        return min(max(x, self.x0), self.x1), min(max(y, self.y0), self.y1)


@dataclass(frozen=True)
class Area:
    """A region to label: its rings, the point its label is best centred on, and the label's size."""

    rings: tuple[Ring, ...]
    anchor: Point
    width: float
    height: float


@dataclass(frozen=True)
class Placed:
    box: Box
    inside: bool  # within its region; otherwise `leader` runs from a point of the region to the box
    leader: tuple[Point, Point] | None = None


class _Shape:
    """A region's borders as runs of a few edges, each run with its bounding box: a box or a point far from a
    run skips its edges at once."""

    RUN = 16

    def __init__(self, rings: tuple[Ring, ...]) -> None:
        self.runs: list[tuple[Box, list[tuple[Point, Point]]]] = []
        for ring in rings:
            if len(ring) < 3:
                continue
            edges = list(zip(ring, ring[1:] + ring[:1], strict=True))
            for i in range(0, len(edges), self.RUN):
                run = edges[i : i + self.RUN]
                xs = [x for edge in run for x, _ in edge]
                ys = [y for edge in run for _, y in edge]
                self.runs.append((Box(min(xs), min(ys), max(xs), max(ys)), run))
        boxes = [b for b, _ in self.runs] or [Box(0, 0, 0, 0)]
        self.bounds = Box(
            min(b.x0 for b in boxes),
            min(b.y0 for b in boxes),
            max(b.x1 for b in boxes),
            max(b.y1 for b in boxes),
        )

    def contains(self, x: float, y: float) -> bool:
        """Even-odd, a ray to the right: inside an outer ring and not in one of its holes."""
        inside = False
        for bounds, edges in self.runs:
            if bounds.x1 < x or not bounds.y0 <= y <= bounds.y1:
                continue
            for (x0, y0), (x1, y1) in edges:
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
        return inside

    def crosses(self, box: Box) -> bool:
        """Whether a border of the region runs through the box."""
        for bounds, edges in self.runs:
            if not bounds.meets(box):
                continue
            for (ax, ay), (bx, by) in edges:
                if _segment_meets(ax, ay, bx, by, box):
                    return True
        return False

    def holds(self, box: Box) -> bool:
        """The whole box inside the region: its centre inside and no border through it."""
        return self.contains(*box.centre) and not self.crosses(box)

    def touches(self, box: Box) -> bool:
        return self.bounds.meets(box) and (self.contains(*box.centre) or self.crosses(box))


def _segment_meets(ax: float, ay: float, bx: float, by: float, box: Box) -> bool:
    """Liang-Barsky: whether the segment from a to b has a point in the box."""
    t0, t1 = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    for p, q in ((-dx, ax - box.x0), (dx, box.x1 - ax), (-dy, ay - box.y0), (dy, box.y1 - ay)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            if t > t1:
                return False
            t0 = max(t0, t)
        else:
            if t < t0:
                return False
            t1 = min(t1, t)
    return True


def _inside(area: Area, shape: _Shape, frame: Box, taken: list[Box]) -> tuple[Box | None, Point]:
    """The box nearest the area's anchor that lies whole inside the region (None if none does), and the point
    of the region nearest the anchor (where a leader starts)."""
    ax, ay = area.anchor
    if shape.contains(ax, ay):
        start: Point | None = (ax, ay)
    else:
        start = None
    b = shape.bounds
    # A grid through the anchor, so that a label that fits there is centred on it.
    xs = [ax + _STEP * k for k in range(math.ceil((b.x0 - ax) / _STEP), math.floor((b.x1 - ax) / _STEP) + 1)]
    ys = [ay + _STEP * k for k in range(math.ceil((b.y0 - ay) / _STEP), math.floor((b.y1 - ay) / _STEP) + 1)]
    for x, y in sorted(((x, y) for x in xs for y in ys), key=lambda p: (p[0] - ax) ** 2 + (p[1] - ay) ** 2):
        if start is None and shape.contains(x, y):
            start = (x, y)
        box = Box.around(x, y, area.width, area.height)
        if not (box.within(frame) and box.within(b)) or any(box.meets(t, MARGIN) for t in taken):
            continue
        if shape.holds(box):
            return box, (x, y)
    return None, start or (ax, ay)


def _beside(
    area: Area, start: Point, frame: Box, taken: list[Box], shapes: list[_Shape], leaders: list[tuple]
) -> Box:
    """The nearest box around `start` inside the frame and clear of the other labels: over no region where
    there is one within reach, else the nearest over regions (drawn on a white ground by the map)."""
    sx, sy = start
    candidates = []
    for k in range(_DIRECTIONS):
        angle = 2 * math.pi * k / _DIRECTIONS
        cx, cy = math.cos(angle), math.sin(angle)
        # From the start to the box's nearest edge: `gap`, whatever the direction.
        half = abs(cx) * area.width / 2 + abs(cy) * area.height / 2
        gap = 4.0
        while gap <= _REACH:
            candidates.append(
                (gap, Box.around(sx + cx * (gap + half), sy + cy * (gap + half), area.width, area.height))
            )
            gap += 3.0
    candidates.sort(key=lambda c: c[0])
    fallback = None
    for _, box in candidates:
        if not box.within(frame) or any(box.meets(t, MARGIN) for t in taken):
            continue
        end = box.nearest(sx, sy)
        if any(_segment_meets(sx, sy, *end, t) for t in taken):
            continue  # a leader through another label
        if any(_segments_cross((sx, sy), end, a, b) for a, b in leaders):
            continue
        if not any(s.touches(box) for s in shapes):
            return box
        fallback = fallback or box
    if fallback is not None:
        return fallback
    # A drawing too crowded to have room within reach: on the anchor, kept inside the frame.
    box = Box.around(sx, sy, area.width, area.height)
    dx = max(frame.x0 - box.x0, 0) - max(box.x1 - frame.x1, 0)
    dy = max(frame.y0 - box.y0, 0) - max(box.y1 - frame.y1, 0)
    return Box(box.x0 + dx, box.y0 + dy, box.x1 + dx, box.y1 + dy)


def _segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    return side(p, q, r) * side(p, q, s) < 0 and side(r, s, p) * side(r, s, q) < 0


def place(
    areas: list[Area], *, width: float, height: float, others: tuple[tuple[Ring, ...], ...] = ()
) -> list[Placed]:
    """Each area's label, in the order given: inside its region where it fits whole (nearest its anchor),
    else beside it with a leader line. `others`: the rings of regions without a label, which labels placed
    beside avoid as well."""
    frame = Box(MARGIN, MARGIN, width - MARGIN, height - MARGIN)
    shapes = [_Shape(a.rings) for a in areas]
    taken: list[Box] = []
    placed: dict[int, Placed] = {}
    starts: dict[int, Point] = {}
    for i, (area, shape) in enumerate(zip(areas, shapes, strict=True)):
        box, start = _inside(area, shape, frame, taken)
        if box is not None:
            placed[i] = Placed(box, inside=True)
            taken.append(box)
        else:
            starts[i] = start
    obstacles = shapes + [_Shape(rings) for rings in others]
    leaders: list[tuple[Point, Point]] = []
    # Those placed beside their region, from the smallest region: it has the fewest places near it.
    for i in sorted(starts, key=lambda i: _area(shapes[i])):
        box = _beside(areas[i], starts[i], frame, taken, obstacles, leaders)
        leader = (starts[i], box.nearest(*starts[i]))
        placed[i] = Placed(box, inside=False, leader=leader)
        taken.append(box)
        leaders.append(leader)
    return [placed[i] for i in range(len(areas))]


def _area(shape: _Shape) -> float:
    b = shape.bounds
    return (b.x1 - b.x0) * (b.y1 - b.y0)
