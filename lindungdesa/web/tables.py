"""The table of child regions on a region page: its columns and server-side sorting."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lindungdesa.indicators.compute import Totals
from lindungdesa.regions.models import Region


@dataclass(frozen=True)
class Column:
    key: str  # the value of ?urut=
    label: Promise
    group: str  # "" for the name, "desa", "aparat" or "bpd": the header row above
    value: Callable[[Region, Totals], Any]


COLUMNS = (
    Column("nama", _("Nama"), "", lambda r, t: r.name.casefold()),
    Column("desa", _("Jumlah"), "desa", lambda r, t: t.villages),
    Column("terdaftar", _("Terdaftar"), "desa", lambda r, t: t.villages_registered),
    Column("persen_terdaftar", _("% terdaftar"), "desa", lambda r, t: t.villages_registered_pct),
    Column("aparat_menjabat", _("Menjabat"), "aparat", lambda r, t: t.aparat_serving),
    Column("aparat_terlindungi", _("Terlindungi"), "aparat", lambda r, t: t.aparat_protected),
    Column("aparat_persen", _("% terlindungi"), "aparat", lambda r, t: t.aparat_coverage_pct),
    Column("bpd_menjabat", _("Menjabat"), "bpd", lambda r, t: t.bpd_serving),
    Column("bpd_terlindungi", _("Terlindungi"), "bpd", lambda r, t: t.bpd_protected),
    Column("bpd_persen", _("% terlindungi"), "bpd", lambda r, t: t.bpd_coverage_pct),
)
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


def sort_rows(rows: list[tuple[Region, Totals]], key: str, direction: str) -> list[tuple[Region, Totals]]:
    """Rows sorted by one column; rows without a value (no villages, nobody serving) always go last.

    Without a column the rows keep Kemendagri code order. Ties keep code order in both directions.
    """
    column = COLUMNS_BY_KEY.get(key)
    if column is None:
        return list(rows)
    known = [row for row in rows if column.value(*row) is not None]
    unknown = [row for row in rows if column.value(*row) is None]
    known.sort(key=lambda row: column.value(*row), reverse=direction == "desc")
    return known + unknown


@dataclass(frozen=True)
class Header:
    column: Column
    url: str
    sorted: str  # "", "ascending" or "descending" (the values of aria-sort)


def headers(*, base_params: dict[str, str], key: str, direction: str) -> list[Header]:
    """Header links: a first click sorts ascending, a second click on the same column descending."""
    out = []
    for column in COLUMNS:
        is_current = column.key == key
        next_direction = "desc" if is_current and direction == "asc" else "asc"
        params = {**base_params, "urut": column.key, "arah": next_direction}
        sorted_as = ("ascending" if direction == "asc" else "descending") if is_current else ""
        out.append(Header(column=column, url="?" + urlencode(params), sorted=sorted_as))
    return out
