"""Display helpers: numbers, percentages, months and masked identifiers, formatted for the active locale."""

from datetime import date
from decimal import Decimal

from django import template
from django.utils import formats

from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.lib.nik import nik_mask
from lindungdesa.lib.pii import mask

register = template.Library()

DASH = "–"
NBSP = "\u00a0"


@register.filter
def persen(value: float | Decimal | None) -> str:
    """84.1 → "84,10 %" (a no-break space keeps the sign with its number); None → "–"."""
    if value is None:
        return DASH
    number = formats.number_format(Decimal(str(value)), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}{NBSP}%"


@register.filter
def angka(value: int | None) -> str:
    """2046 → "2.046"."""
    if value is None:
        return DASH
    return formats.number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def bulan(value: Month | date | str | None) -> str:
    """Month(2026, 11), date(2026, 11, 1) or "2026-11" → "November 2026": one month label everywhere."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = Month.parse(value)
        except ValueError:
            return value
    elif isinstance(value, date):
        value = Month.of(value)
    return month_label_id(value)


@register.filter
def nik_samar(nik: str | None) -> str:
    """The NIK masked; "NIK belum ada" for a person whose NIK is not known yet (the village completes it)."""
    return nik_mask(nik)


@register.filter
def hp_samar(phone: str | None) -> str:
    """The phone number masked as pages show it (docs/security.md): "0812****7890"; none → "–"."""
    return mask("phone", phone) or DASH


@register.filter
def poin(value: float | Decimal | None) -> str:
    """Percentage points: 30.8 → "30,80 poin"; None → "–"."""
    if value is None:
        return DASH
    number = formats.number_format(Decimal(str(value)), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}{NBSP}poin"


@register.filter
def pengguna(user) -> str:
    """A user as pages name them: full name, else username; "sistem" for work done by no one."""
    if user is None:
        return "sistem"
    return user.get_full_name() or user.get_username()
