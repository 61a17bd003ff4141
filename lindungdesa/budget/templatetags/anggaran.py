"""Display helpers for budgets: rupiah amounts, amounts in words, signed differences."""

from django import template

from lindungdesa.budget import compute
from lindungdesa.budget.exports import SOURCE_LABELS, words

register = template.Library()


@register.filter
def rupiah(value: int | None) -> str:
    """2426640 → "Rp2.426.640"."""
    if value is None:
        return "–"
    if type(value) is int and value >= 0:
        # What `lokal.format_rupiah` writes for a whole non-negative amount, at a tenth of its cost: a
        # regency's page prints a thousand of them.
        return "Rp" + f"{value:,}".replace(",", ".")
    return compute.fmt_rupiah(value)


@register.filter
def selisih(value: int | None) -> str:
    """A difference with its sign: "+Rp1.200", "−Rp300", "Rp0"."""
    if not value:
        return compute.fmt_rupiah(0)
    sign = "+" if value > 0 else "−"
    return f"{sign}{compute.fmt_rupiah(abs(value))}"


@register.filter
def terbilang(value: int) -> str:
    return words(int(value))


@register.filter
def sumber(value: str) -> str:
    return SOURCE_LABELS.get(value, value)


@register.filter
def dict_get(mapping: dict, key: str):
    return mapping.get(key)


@register.filter
def akun(by_account: dict, code: str) -> int:
    """A region's APBDes amount under one account code (0 when it has none)."""
    return by_account.get(code, 0)
