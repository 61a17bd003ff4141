"""Coverage indicators (docs/indicators.md) as pure arithmetic on plain rows."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """Half up to two decimals: every percentage and percentage point shown is rounded here, once."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pct(part: int, whole: int) -> float | None:
    """Percentage rounded half up to two decimals; None when there is nothing to divide by."""
    if whole == 0:
        return None
    return float(round2(Decimal(part) * 100 / Decimal(whole)))


def points(now: float, before: float) -> float:
    """The change between two percentages (as `pct` gives them) in percentage points, half up.

    Subtracted as decimals, not as floats: 50.15 - 50.1 is 0.05, where floats give 0.04999….
    """
    return float(round2(Decimal(str(now)) - Decimal(str(before))))


@dataclass(slots=True)
class DesaCounts:
    aparat_serving: int = 0
    aparat_protected: int = 0
    bpd_serving: int = 0
    bpd_protected: int = 0

    @property
    def registered(self) -> bool:
        return self.aparat_protected + self.bpd_protected > 0

    @property
    def fully_covered(self) -> bool:
        serving = self.aparat_serving + self.bpd_serving
        return serving > 0 and self.aparat_protected + self.bpd_protected == serving


@dataclass(slots=True)
class Totals:
    villages: int = 0
    villages_registered: int = 0
    villages_fully_covered: int = 0
    aparat_serving: int = 0
    aparat_protected: int = 0
    bpd_serving: int = 0
    bpd_protected: int = 0

    def add(self, desa: DesaCounts) -> None:
        self.villages += 1
        self.villages_registered += desa.registered
        self.villages_fully_covered += desa.fully_covered
        self.aparat_serving += desa.aparat_serving
        self.aparat_protected += desa.aparat_protected
        self.bpd_serving += desa.bpd_serving
        self.bpd_protected += desa.bpd_protected

    @property
    def villages_registered_pct(self) -> float | None:
        return pct(self.villages_registered, self.villages)

    @property
    def villages_unregistered(self) -> int:
        return self.villages - self.villages_registered

    @property
    def aparat_coverage_pct(self) -> float | None:
        return pct(self.aparat_protected, self.aparat_serving)

    @property
    def bpd_coverage_pct(self) -> float | None:
        return pct(self.bpd_protected, self.bpd_serving)

    def as_dict(self) -> dict:
        return {
            "villages": self.villages,
            "villages_registered": self.villages_registered,
            "villages_registered_pct": self.villages_registered_pct,
            "villages_fully_covered": self.villages_fully_covered,
            "aparat_serving": self.aparat_serving,
            "aparat_protected": self.aparat_protected,
            "aparat_coverage_pct": self.aparat_coverage_pct,
            "bpd_serving": self.bpd_serving,
            "bpd_protected": self.bpd_protected,
            "bpd_coverage_pct": self.bpd_coverage_pct,
        }


@dataclass(slots=True)
class Breakdown:
    total: Totals = field(default_factory=Totals)
    children: dict[str, Totals] = field(default_factory=dict)
    desa: dict[str, DesaCounts] = field(default_factory=dict)


def child_code(desa_code: str, parent_level: int) -> str:
    """The code of the region one level below the parent that contains this desa."""
    return ".".join(desa_code.split(".")[: parent_level + 1])


def aggregate(
    *, villages: Iterable[str], rows: Iterable[tuple[str, str, int, int]], parent_level: int
) -> Breakdown:
    """Sum per-desa rows into a region's totals and its children's.

    `villages`: every desa code under the region (a desa with nobody serving still counts as a village).
    `rows`: (desa_code, group "APARAT"/"BPD", serving positions, protected positions).
    """
    out = Breakdown()
    for code in villages:
        out.desa[code] = DesaCounts()
    for code, group, serving, protected in rows:
        counts = out.desa.get(code)
        if counts is None:  # a position in a desa outside the village list (a kelurahan) is not counted
            continue
        if group == "APARAT":
            counts.aparat_serving += serving
            counts.aparat_protected += protected
        else:
            counts.bpd_serving += serving
            counts.bpd_protected += protected
    for code, counts in out.desa.items():
        out.total.add(counts)
        if parent_level < 4:
            out.children.setdefault(child_code(code, parent_level), Totals()).add(counts)
    return out


def parent_of(code: str) -> str:
    """ "61.03.01.2001" -> "61.03.01"; a province has no parent ("")."""
    return code.rpartition(".")[0]


def rollup(*, regions: Iterable[str], desa: dict[str, DesaCounts]) -> dict[str, Totals]:
    """Totals for every region in `regions` (codes of any level) from the counts of its desa.

    A region without desa (a kelurahan, or a kecamatan of kelurahan only) gets zero totals; a desa
    counts itself. Each desa is added to itself and to each of its ancestors in `regions`.
    """
    out = {code: Totals() for code in regions}
    for code, counts in desa.items():
        node = code
        while node:
            totals = out.get(node)
            if totals is not None:
                totals.add(counts)
            node = parent_of(node)
    return out
