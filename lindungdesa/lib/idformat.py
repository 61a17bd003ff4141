"""Indonesian formats for printed outputs (PDF, XLSX titles), independent of the request's locale."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from .months import day_label_id

DASH = "–"


def date_id(day: datetime.date | datetime.datetime | None) -> str:
    """date(2026, 12, 2) -> "2 Desember 2026"."""
    if day is None:
        return DASH
    return day_label_id(day)


def datetime_id(moment: datetime.datetime | None) -> str:
    """-> "2 Desember 2026 pukul 09.15" (local time as given)."""
    if moment is None:
        return DASH
    return f"{date_id(moment)} pukul {moment.hour:02d}.{moment.minute:02d}"


def number_id(value: int | None) -> str:
    """2046 -> "2.046"."""
    if value is None:
        return DASH
    return f"{value:,}".replace(",", ".")


def decimal_id(value: float | Decimal | None, places: int = 2) -> str:
    """1234.5 -> "1.234,50"."""
    if value is None:
        return DASH
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    text = number_id(int(whole))
    return f"{sign}{text},{frac}" if places else f"{sign}{text}"


def percent_id(value: float | Decimal | None, places: int = 2) -> str:
    """84.1 -> "84,10 %" (with a no-break space)."""
    if value is None:
        return DASH
    return f"{decimal_id(value, places)}\u00a0%"
