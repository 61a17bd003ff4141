from decimal import Decimal

from lindungdesa.indicators.compute import aggregate, child_code, pct, points, round2


def test_pct_rounds_half_up_to_two_decimals():
    assert pct(1, 3) == 33.33
    assert pct(2, 3) == 66.67
    assert pct(1, 8) == 12.5
    assert pct(1, 400) == 0.25
    assert pct(1, 1600) == 0.06  # 0.0625 rounds half up
    assert pct(0, 0) is None


def test_one_rounding_for_percentages_and_points():
    assert round2(Decimal("0.125")) == Decimal("0.13")  # half up, where round() gives 0.12
    assert round2(Decimal("-0.125")) == Decimal("-0.13")
    assert points(50.15, 50.1) == 0.05  # as floats: 0.04999…
    assert points(33.33, 66.67) == -33.34
    assert points(12.5, 12.5) == 0.0


def test_child_code():
    assert child_code("61.03.01.2001", 1) == "61.03"
    assert child_code("61.03.01.2001", 2) == "61.03.01"
    assert child_code("61.03.01.2001", 3) == "61.03.01.2001"


def test_aggregate_counts_villages_with_nobody_serving():
    out = aggregate(
        villages=["61.01.01.2001", "61.01.01.2002", "61.03.01.2001"],
        rows=[
            ("61.01.01.2001", "APARAT", 3, 3),
            ("61.01.01.2001", "BPD", 5, 5),
            ("61.03.01.2001", "APARAT", 4, 1),
            ("61.03.01.2001", "BPD", 5, 0),
        ],
        parent_level=1,
    )
    total = out.total
    assert (total.villages, total.villages_registered, total.villages_fully_covered) == (3, 2, 1)
    assert (total.aparat_serving, total.aparat_protected, total.aparat_coverage_pct) == (7, 4, 57.14)
    assert (total.bpd_serving, total.bpd_protected, total.bpd_coverage_pct) == (10, 5, 50.0)
    assert total.villages_registered_pct == 66.67
    assert set(out.children) == {"61.01", "61.03"}
    assert out.children["61.01"].villages == 2
    assert out.children["61.01"].villages_fully_covered == 1
    assert out.children["61.03"].villages_registered == 1


def test_a_village_with_nobody_serving_is_neither_registered_nor_fully_covered():
    out = aggregate(villages=["61.01.01.2001"], rows=[], parent_level=4)
    assert out.total.villages == 1
    assert out.total.villages_registered == 0
    assert out.total.villages_fully_covered == 0
    assert out.total.aparat_coverage_pct is None


def test_rows_of_regions_outside_the_village_list_are_ignored():
    out = aggregate(villages=["61.71.01.2001"], rows=[("61.71.01.1001", "APARAT", 2, 2)], parent_level=1)
    assert out.total.aparat_serving == 0
