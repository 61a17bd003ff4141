from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindungdesa.lib.months import Month, day_label_id, month_label_id


def test_it_parses_a_period():
    assert Month.parse("2026-11") == Month(2026, 11)
    assert Month.parse(" 2026-1 ") == Month(2026, 1)


@pytest.mark.parametrize("text", ["2026-13", "11-2026", "2026/11", "", "abcd-ef", "2026-00"])
def test_it_rejects_bad_periods_in_indonesian(text):
    with pytest.raises(ValueError, match="(Periode|Bulan)"):
        Month.parse(text)


def test_first_and_last_days():
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    assert Month(2026, 2).last_day == date(2026, 2, 28)
    assert Month(2026, 12).first_day == date(2026, 12, 1)


def test_arithmetic_crosses_years():
    assert Month(2026, 1).add(-1) == Month(2025, 12)
    assert Month(2026, 11).add(14) == Month(2028, 1)
    assert Month(2026, 11) - Month(2024, 12) == 23


@given(st.integers(1950, 2100), st.integers(1, 12), st.integers(-600, 600))
def test_add_and_subtract_are_inverse(year, month, n):
    m = Month(year, month)
    assert m.add(n) - m == n
    assert Month.parse(str(m)) == m


def test_label_is_indonesian():
    assert month_label_id(Month(2026, 8)) == "Agustus 2026"


def test_a_day_is_dated_as_indonesian_letters_date_it():
    assert day_label_id(date(2026, 5, 5)) == "5 Mei 2026"
    assert day_label_id(date(2027, 12, 31)) == "31 Desember 2027"
