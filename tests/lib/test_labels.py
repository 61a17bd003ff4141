"""lib/labels.py: where a map's labels go, on regions drawn by hand."""

from lindungdesa.lib.labels import Area, Box, place


def square(left: float, top: float, side: float) -> tuple:
    return ((left, top), (left + side, top), (left + side, top + side), (left, top + side))


def test_a_label_that_fits_is_centred_on_its_anchor():
    [placed] = place([Area((square(10, 10, 80),), (50, 50), 30, 18)], width=100, height=100)
    assert placed.inside and placed.leader is None
    assert placed.box == Box(35, 41, 65, 59)


def test_a_label_that_fits_elsewhere_in_its_region_moves_there_rather_than_over_its_border():
    # An L: the anchor (the corner's average) is in the narrow arm, too narrow for the label.
    ell = ((0, 0), (100, 0), (100, 40), (10, 40), (10, 100), (0, 100))
    [placed] = place([Area((ell,), (20, 30), 40, 18)], width=120, height=120)
    assert placed.inside
    b = placed.box
    assert 0 <= b.x0 and b.x1 <= 100 and 0 <= b.y0 and b.y1 <= 40


def test_a_region_too_small_has_its_label_beside_it_with_a_leader_over_no_region():
    big, small = square(40, 0, 60), square(30, 50, 5)
    placed = place(
        [Area((big,), (70, 30), 30, 18), Area((small,), (32.5, 52.5), 30, 18)], width=100, height=100
    )
    assert placed[0].inside
    beside = placed[1]
    assert not beside.inside
    (sx, sy), (ex, ey) = beside.leader
    assert 30 <= sx <= 35 and 50 <= sy <= 55  # from the region
    assert beside.box.nearest(ex, ey) == (ex, ey)  # to the label
    b = beside.box
    assert b.x1 <= 40 or b.y0 >= 60  # not over the big region
    assert not b.meets(placed[0].box)


def test_labels_stay_inside_the_drawing_and_off_each_other():
    # Three small regions in a row at the left edge: nowhere to go but out of the frame or onto one another.
    areas = [Area((square(0, y, 4),), (2, y + 2), 40, 18) for y in (20, 26, 32)]
    placed = place(areas, width=100, height=80)
    frame = Box(0, 0, 100, 80)
    for i, p in enumerate(placed):
        assert p.box.within(frame), p
        for q in placed[i + 1 :]:
            assert not p.box.meets(q.box), (p, q)


def test_a_hole_is_not_inside():
    ring, hole = square(0, 0, 100), square(20, 20, 60)
    [placed] = place([Area((ring, hole), (50, 50), 30, 18)], width=100, height=100)
    b = placed.box
    assert placed.inside and not Box(20, 20, 80, 80).meets(b)
