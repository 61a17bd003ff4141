"""Where to act: the villages to follow up, as pure filters over per-desa counts of two months."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .compute import DesaCounts, pct, points

NOBODY = "nobody"
BELOW = "below"
FELL = "fell"
KINDS = {
    NOBODY: "Desa belum mendaftarkan siapa pun",
    BELOW: "Desa dengan cakupan di bawah ambang",
    FELL: "Desa yang cakupannya turun sejak bulan lalu",
}
MEASURES = {
    "semua": "aparat dan BPD",
    "aparat": "aparat desa",
    "bpd": "anggota BPD",
}
DEFAULT_THRESHOLD = Decimal(50)


def measure(counts: DesaCounts, which: str) -> tuple[int, int]:
    """(protected, serving) of the chosen group."""
    if which == "aparat":
        return counts.aparat_protected, counts.aparat_serving
    if which == "bpd":
        return counts.bpd_protected, counts.bpd_serving
    return (
        counts.aparat_protected + counts.bpd_protected,
        counts.aparat_serving + counts.bpd_serving,
    )


@dataclass(frozen=True)
class WorkRow:
    code: str
    now: DesaCounts
    before: DesaCounts | None
    coverage: float | None  # the chosen measure, this month
    coverage_before: float | None

    @property
    def change(self) -> float | None:
        if self.coverage is None or self.coverage_before is None:
            return None
        return points(self.coverage, self.coverage_before)


def worklist(
    now: dict[str, DesaCounts],
    before: dict[str, DesaCounts] | None,
    *,
    kind: str,
    which: str = "semua",
    threshold: Decimal = DEFAULT_THRESHOLD,
    codes: Iterable[str] | None = None,
) -> list[WorkRow]:
    """The desa of `now` that the list `kind` names, worst first (then by code).

    - nobody: no serving aparat or BPD member protected (whether or not anyone serves);
    - below: coverage of `which` below `threshold` % (desa where nobody of that group serves are left out:
      there is nothing to cover);
    - fell: coverage of `which` lower than the month before (both months must have someone serving).
    """
    if kind not in KINDS:
        raise ValueError(f"Daftar tidak dikenal: {kind!r}.")
    if which not in MEASURES:
        raise ValueError(f"Kelompok tidak dikenal: {which!r}.")
    before = before or {}
    rows = []
    for code in codes if codes is not None else now:
        counts = now.get(code)
        if counts is None:
            continue
        prev = before.get(code)
        coverage = pct(*measure(counts, which))
        coverage_before = pct(*measure(prev, which)) if prev is not None else None
        row = WorkRow(code, counts, prev, coverage, coverage_before)
        if kind == NOBODY:
            keep = not counts.registered
        elif kind == BELOW:
            keep = coverage is not None and Decimal(str(coverage)) < threshold
        else:
            keep = row.change is not None and row.change < 0
        if keep:
            rows.append(row)
    if kind == FELL:
        rows.sort(key=lambda r: (r.change, r.code))
    elif kind == BELOW:
        rows.sort(key=lambda r: (r.coverage, r.code))
    else:
        rows.sort(key=lambda r: r.code)
    return rows
