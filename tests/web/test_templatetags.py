from datetime import date
from decimal import Decimal

from django.utils import translation

from lindungdesa.lib.months import Month
from lindungdesa.web.templatetags.lindung import angka, bulan, nik_samar, persen


def test_percentages_use_a_decimal_comma_and_two_places():
    with translation.override("id"):
        assert persen(84.12) == "84,12\u00a0%"
        assert persen(Decimal("60.80")) == "60,80\u00a0%"
        assert persen(100.0) == "100,00\u00a0%"
        assert persen(0) == "0,00\u00a0%"


def test_a_missing_percentage_is_a_dash():
    assert persen(None) == "–"


def test_counts_group_thousands_with_a_dot():
    with translation.override("id"):
        assert angka(2046) == "2.046"
        assert angka(38874) == "38.874"
        assert angka(7) == "7"


def test_months_are_named_in_indonesian():
    assert bulan(Month(2026, 2)) == "Februari 2026"
    assert bulan(None) == "–"
    # One month label everywhere: a stored "YYYY-MM" (monev rounds, snapshots) and a date.
    assert bulan("2026-10") == "Oktober 2026"
    assert bulan(date(2026, 10, 1)) == "Oktober 2026"
    assert bulan("2026-Q4") == "2026-Q4"  # not a month: shown as it is


def test_niks_are_masked():
    assert nik_samar("6103011204750001") == "************0001"
