import datetime
from decimal import Decimal

from lindungdesa.lib.idformat import date_id, datetime_id, decimal_id, number_id, percent_id


def test_dates_are_written_the_indonesian_way():
    assert date_id(datetime.date(2026, 12, 2)) == "2 Desember 2026"
    assert datetime_id(datetime.datetime(2026, 3, 1, 9, 5)) == "1 Maret 2026 pukul 09.05"
    assert date_id(None) == "–"


def test_numbers_group_thousands_with_dots_and_decimals_with_a_comma():
    assert number_id(2046) == "2.046"
    assert number_id(1_819_430) == "1.819.430"
    assert decimal_id(Decimal("1234.5")) == "1.234,50"
    assert decimal_id(-0.125) == "-0,13"  # half up, away from zero
    assert decimal_id(Decimal("12.5"), 0) == "13"
    assert percent_id(84.1) == "84,10\u00a0%"
    assert percent_id(None) == "–"
