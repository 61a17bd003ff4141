"""Calendar months ("periods") as plain values: 2026-11 is the state at the end of November 2026."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PERIOD = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"Bulan tidak valid: {self.month}")
        if not 1900 <= self.year <= 2999:
            raise ValueError(f"Tahun tidak valid: {self.year}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Parse "YYYY-MM"; raises ValueError with an Indonesian message."""
        match = _PERIOD.match(text.strip())
        if not match:
            raise ValueError(f"Periode harus berbentuk TTTT-BB (mis. 2026-11), bukan {text!r}.")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def add(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def __sub__(self, other: "Month") -> int:
        """Number of months from `other` to `self`."""
        return (self.year - other.year) * 12 + (self.month - other.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


MONTH_NAMES_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def month_label_id(month: Month) -> str:
    """ "November 2026"."""
    return f"{MONTH_NAMES_ID[month.month - 1]} {month.year}"


def day_label_id(day: date) -> str:
    """ "5 Mei 2026", as Indonesian letters date them."""
    return f"{day.day} {MONTH_NAMES_ID[day.month - 1]} {day.year}"
