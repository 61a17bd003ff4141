"""Where to act: the three lists as pure filters, on hand-made counts."""

from decimal import Decimal

import pytest

from lindungdesa.indicators.compute import DesaCounts
from lindungdesa.indicators.worklists import BELOW, FELL, NOBODY, worklist

NOW = {
    "61.01.01.2001": DesaCounts(4, 0, 5, 0),  # nobody protected
    "61.01.01.2002": DesaCounts(4, 1, 5, 1),  # 2 of 9 = 22.22 %
    "61.01.01.2003": DesaCounts(4, 4, 5, 5),  # all
    "61.01.01.2004": DesaCounts(0, 0, 0, 0),  # nobody serves: registered nobody, no coverage to speak of
    "61.01.01.2005": DesaCounts(2, 2, 0, 0),  # aparat all, no BPD
}
BEFORE = {
    "61.01.01.2001": DesaCounts(4, 1, 5, 0),  # 11.11 % -> 0
    "61.01.01.2002": DesaCounts(4, 1, 5, 1),  # unchanged
    "61.01.01.2003": DesaCounts(4, 4, 5, 4),  # 88.89 -> 100: rose
}


def codes(rows):
    return [r.code for r in rows]


def test_registered_nobody_includes_desa_where_nobody_serves():
    assert codes(worklist(NOW, None, kind=NOBODY)) == ["61.01.01.2001", "61.01.01.2004"]


def test_below_a_threshold_leaves_out_desa_with_nobody_of_the_group_serving():
    rows = worklist(NOW, None, kind=BELOW, threshold=Decimal(50))
    assert codes(rows) == ["61.01.01.2001", "61.01.01.2002"]  # worst first
    assert [r.coverage for r in rows] == [0.0, 22.22]
    assert codes(worklist(NOW, None, kind=BELOW, which="bpd", threshold=Decimal(100))) == [
        "61.01.01.2001",
        "61.01.01.2002",
    ]
    assert codes(worklist(NOW, None, kind=BELOW, which="aparat", threshold=Decimal("25.01"))) == [
        "61.01.01.2001",
        "61.01.01.2002",
    ]
    assert codes(worklist(NOW, None, kind=BELOW, which="aparat", threshold=Decimal(25))) == ["61.01.01.2001"]


def test_fell_compares_with_the_month_before_and_needs_both_months():
    rows = worklist(NOW, BEFORE, kind=FELL)
    assert codes(rows) == ["61.01.01.2001"]
    assert (rows[0].coverage_before, rows[0].coverage, rows[0].change) == (11.11, 0.0, -11.11)


def test_unknown_lists_and_groups_are_refused():
    with pytest.raises(ValueError, match="Daftar tidak dikenal"):
        worklist(NOW, None, kind="semua")
    with pytest.raises(ValueError, match="Kelompok tidak dikenal"):
        worklist(NOW, None, kind=NOBODY, which="rt")
