"""An adopted budget on the audit page in words: its totals in Rupiah under Indonesian labels, the rules it
used by their names, instead of the stored JSON (`accounts.audit_display.register_values`). The CSV export
keeps the stored values for machines."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lindungdesa.lib.months import Month, month_label_id

from . import compute
from .models import OfficeClass, group_label, source_label

# Regions listed one by one up to this many; beyond, how many and their sum (a province has 2.000 desa).
LISTED_REGIONS = 20


def _day(value: str | None) -> str:
    return f"{value[8:10]}-{value[5:7]}-{value[:4]}" if value else _("sekarang")


def _amounts(amounts: dict, label) -> str:
    return ", ".join(f"{label(k)} {compute.fmt_rupiah(int(v))}" for k, v in amounts.items())


def totals_text(totals: dict) -> str:
    parts = [
        _("%(total)s untuk %(persons)s orang")
        % {"total": compute.fmt_rupiah(int(totals["total"])), "persons": totals["persons"]}
    ]
    if totals.get("by_source"):
        parts.append(_("menurut sumber: %(list)s") % {"list": _amounts(totals["by_source"], source_label)})
    if totals.get("by_programme"):
        parts.append(_("menurut program: %(list)s") % {"list": _amounts(totals["by_programme"], str)})
    if totals.get("by_account"):
        parts.append(_("menurut rekening: %(list)s") % {"list": _amounts(totals["by_account"], str)})
    return "; ".join(parts)


def regions_text(regions: dict) -> str:
    if len(regions) <= LISTED_REGIONS:
        return "; ".join(f"{code}: {compute.fmt_rupiah(int(t['total']))}" for code, t in regions.items())
    total = sum(int(t["total"]) for t in regions.values())
    return ngettext("%(n)s wilayah, jumlah %(total)s", "%(n)s wilayah, jumlah %(total)s", len(regions)) % {
        "n": len(regions),
        "total": compute.fmt_rupiah(total),
    }


def _rule(data: dict) -> str:
    rule = compute.Rule.from_dict(data)
    return _("%(rule)s: %(rate)s, berlaku %(start)s s.d. %(end)s") % {
        "rule": rule.label,
        "rate": rule.rate_text,
        "start": _day(data.get("valid_from")),
        "end": _day(data.get("valid_to")),
    }


def _payer(data: dict) -> str:
    return _("%(group)s %(programme)s: pemberi kerja %(employer)s, pekerja %(worker)s") % {
        "group": group_label(data["group"]),
        "programme": data["programme"],
        "employer": source_label(data["employer"]),
        "worker": source_label(data["worker"]),
    }


def _setting(data: dict) -> str:
    return _(
        "Kelompok risiko JKK %(risk)s, program bawaan %(programmes)s, BPD %(category)s dengan penghasilan "
        "%(income)s, rekening BPD %(account)s"
    ) % {
        "risk": compute.ROMAN.get(data.get("risk_group"), data.get("risk_group")),
        "programmes": data.get("programmes", "").replace(",", ", "),
        "category": data.get("bpd_category", ""),
        "income": compute.fmt_rupiah(compute.rupiah(Decimal(data.get("bpd_declared_income") or 0))),
        "account": data.get("bpd_account", ""),
    }


def _minimum(data: dict) -> str:
    return _("%(office)s: %(amount)s, berlaku %(start)s s.d. %(end)s") % {
        "office": dict(OfficeClass.choices).get(data["office_class"], data["office_class"]),
        "amount": compute.fmt_rupiah(compute.rupiah(Decimal(data["amount"]))),
        "start": _day(data.get("valid_from")),
        "end": _day(data.get("valid_to")),
    }


def _notes(notes: dict) -> str:
    # Notes speak of people (their income, their term): on the audit page only how many.
    count = len(notes)
    return ngettext("%(n)s orang dengan catatan", "%(n)s orang dengan catatan", count) % {"n": count}


LISTS = {"used_rules": _rule, "used_payers": _payer, "used_settings": _setting, "used_minimums": _minimum}


def budget_value_text(key: str, value) -> str | None:
    """A stored budget's field in words; None for a field shown as any other (year, region)."""
    try:
        if key == "totals":
            return totals_text(value)
        if key in ("children", "desa_totals"):
            return regions_text(value) if value else "–"
        if key in LISTS:
            return "; ".join(LISTS[key](item) for item in value) if value else "–"
        if key == "notes":
            return _notes(value)
        if key == "scenario":
            return compute.Scenario.parse(value).label
        if key == "reference":
            return month_label_id(Month.parse(value))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None  # a budget stored before a field took its present shape: shown as stored
    return None
