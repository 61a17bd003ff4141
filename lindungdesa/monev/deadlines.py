"""Deadlines in Indonesian working days: weekends, public holidays and joint leave (cuti bersama) are off,
from lokal-id's calendar. Years the calendar does not know count weekends only, and say so."""

from datetime import date

import lokal

KNOWN_YEARS = frozenset(lokal.HOLIDAY_YEARS)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    return lokal.add_working_days(start, days)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not later)."""
    if end <= start:
        return 0
    from datetime import timedelta

    return lokal.count_working_days(start + timedelta(days=1), end)


def calendar_known(start: date, end: date) -> bool:
    """Whether the holiday calendar covers every year from `start` to `end`."""
    return all(year in KNOWN_YEARS for year in range(start.year, end.year + 1))
