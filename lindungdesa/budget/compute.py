"""Premiums and budgets (docs/domain.md §2) as pure arithmetic on plain values.

Nothing here reads the database: `selectors.py` turns rows into these values and every page, export and
command goes through `budget_compute`. Amounts stay exact (`Decimal`) until a person's premium for one
month is rounded, half up, to whole rupiah (`allocate`); every budget line, and every total above it, is a
sum of those rounded amounts, so a regency is exactly the sum of its desa and a province of its regencies.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.translation import gettext as _
from lokal import format_rupiah

from lindungdesa.enrolment.status import PlainRule, Status, best_membership
from lindungdesa.indicators.compute import child_code
from lindungdesa.lib.forms import shown_back
from lindungdesa.lib.months import Month, month_label_id

PROGRAMMES = ("JKK", "JKM", "JHT", "JP")
OPTIONAL_PROGRAMMES = ("JHT", "JP")  # what a scenario may add for everyone
SOURCES = ("APBD", "APBDES", "PESERTA")
EMPLOYER, WORKER = "employer", "worker"
SHARES = (EMPLOYER, WORKER)
PU, BPU = "PU", "BPU"
APARAT, BPD = "APARAT", "BPD"
GROUPS = (APARAT, BPD)
CURRENT, ALL_SERVING = "current", "all-serving"
POPULATIONS = (CURRENT, ALL_SERVING)
RISK_GROUPS = (1, 2, 3, 4, 5)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
# Offices with their own minimum siltap (PP 11/2019); every other aparat office is "perangkat".
KEPALA_DESA, SEKRETARIS_DESA, PERANGKAT = "kepala_desa", "sekretaris_desa", "perangkat"
OFFICE_CLASSES = (KEPALA_DESA, SEKRETARIS_DESA, PERANGKAT)
BELOW_MINIMUM = "di bawah siltap minimum"  # the words of the note, found again in stored budgets
SHARE_LABELS = {EMPLOYER: "pemberi kerja", WORKER: "peserta"}
APBDES = "APBDES"

# The first fiscal year with payer rules (Permendagri 15/2023 is the APBD guideline for 2024), and how far
# ahead a budget may be planned.
FIRST_YEAR = 2024
YEARS_AHEAD = 5

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


def rupiah(amount: Decimal) -> int:
    """Whole rupiah, half up: 13103.856 → 13104, 0.5 → 1."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fmt_rupiah(amount: int | Decimal) -> str:
    """2426640 → "Rp2.426.640" (PUEBI, as `lokal` writes it; no sen: amounts are shown whole, half up)."""
    return format_rupiah(amount if isinstance(amount, int) else rupiah(amount))


def allocate(parts: Sequence[Decimal]) -> list[int]:
    """Round the sum of `parts` half up to whole rupiah, and share that sum among the parts.

    Each part gets its amount rounded down, and the rupiah left over go one each to the parts with the
    largest fractions (the earlier part first on a tie). So the parts add up exactly to the rounded sum
    and none is more than one rupiah from its exact value: 5823.936 + 7279.92 = 13103.856 gives
    5824 + 7280 = 13104.
    """
    total = rupiah(sum(parts, _ZERO))
    floors = [int(p.to_integral_value(rounding=ROUND_FLOOR)) for p in parts]
    left = total - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-(parts[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def parse_year(text: str | int, *, this_year: int) -> int:
    """A fiscal year from user input; ValueError with an Indonesian message."""
    value = str(text).strip()
    if not (len(value) == 4 and value.isdigit()):
        raise ValueError(
            _("Tahun anggaran harus empat angka, mis. %(example)s, bukan %(value)r.")
            % {"example": this_year + 1, "value": shown_back(value, limit=len("2027"))}
        )
    year = int(value)
    last = this_year + YEARS_AHEAD
    if not FIRST_YEAR <= year <= last:
        raise ValueError(
            _("Tahun anggaran harus antara %(first)s dan %(last)s, bukan %(year)s.")
            % {"first": FIRST_YEAR, "last": last, "year": year}
        )
    return year


def programme_list(text: str | Iterable[str]) -> tuple[str, ...]:
    """ "JKK,JKM", "JKK JKM JHT" or ["JKM", "JKK"] → ("JKK", "JKM"): canonical order, others dropped."""
    if isinstance(text, str):
        return _programme_text(text)  # a province's read parses the same few texts 30,000 times
    wanted = {w.strip().upper() for w in text}
    return tuple(p for p in PROGRAMMES if p in wanted)


@lru_cache(maxsize=256)
def _programme_text(text: str) -> tuple[str, ...]:
    wanted = {w.strip().upper() for w in text.replace(",", " ").split()}
    return tuple(p for p in PROGRAMMES if p in wanted)


@lru_cache(maxsize=256)
def _union(programmes: tuple[str, ...], added: tuple[str, ...]) -> tuple[str, ...]:
    return programme_list((*programmes, *added))


def months_in_term(term_start: date, term_end: date | None, year: int) -> tuple[int, ...]:
    """The months of `year` in which the term covers at least one day (a term ending in June: 1–6)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if term_start > last or (term_end is not None and term_end < first):
        return ()
    start = 1 if term_start < first else term_start.month
    end = 12 if term_end is None or term_end > last else term_end.month
    return tuple(range(start, end + 1))


def months_label(first: int, last: int) -> str:
    """(1, 6) → "Jan–Jun", (3, 3) → "Mar"."""
    if first == last:
        return MONTH_ABBR[first - 1]
    return f"{MONTH_ABBR[first - 1]}–{MONTH_ABBR[last - 1]}"


def office_class(group: str, office: str) -> str | None:
    """Which minimum siltap applies to an office; None for BPD members (they receive an allowance)."""
    if group != APARAT:
        return None
    return office if office in (KEPALA_DESA, SEKRETARIS_DESA) else PERANGKAT


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- the rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One contribution rule row: a programme's rate (or fixed amount) for one category and date range."""

    id: int | None
    programme: str
    category: str
    risk_group: int | None  # JKK for wage earners only; None elsewhere
    employer_rate: Decimal  # percent of the wage base
    worker_rate: Decimal
    employer_amount: Decimal  # rupiah a month, whatever the wage (BPU JKM)
    worker_amount: Decimal
    wage_floor: Decimal | None  # the smallest base (BPU declared income from Rp 1,000,000)
    wage_ceiling: Decimal | None  # the largest base (JP)
    valid_from: date
    valid_to: date | None
    legal_basis: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    @property
    def has_worker_share(self) -> bool:
        return bool(self.worker_rate or self.worker_amount)

    def base(self, income: Decimal) -> Decimal:
        """The wage the rate applies to: the income, raised to the floor and cut at the ceiling."""
        wage = income
        if self.wage_floor is not None and wage < self.wage_floor:
            wage = self.wage_floor
        if self.wage_ceiling is not None and wage > self.wage_ceiling:
            wage = self.wage_ceiling
        return wage

    def shares(self, income: Decimal) -> tuple[Decimal, Decimal]:
        """(employer, worker) for one month, exact."""
        base = self.base(income)
        return (
            base * self.employer_rate / _HUNDRED + self.employer_amount,
            base * self.worker_rate / _HUNDRED + self.worker_amount,
        )

    @property
    def label(self) -> str:
        """ "JKK PU kelompok I", "JKM BPU"."""
        text = f"{self.programme} {self.category}"
        if self.risk_group:
            text += f" kelompok risiko {ROMAN[self.risk_group]}"
        return text

    @property
    def rate_text(self) -> str:
        """ "0,24 %", "3,7 % + 2 % (peserta)", "Rp6.800 per bulan", "… dari upah paling tinggi Rp …"."""

        def pct(value: Decimal) -> str:
            return f"{value.normalize():f}".replace(".", ",") + " %"

        parts = []
        if self.employer_rate or self.worker_rate:
            text = pct(self.employer_rate)
            if self.worker_rate:
                text += f" + {pct(self.worker_rate)} (peserta)"
            parts.append(text + " dari upah")
        if self.employer_amount or self.worker_amount:
            parts.append(f"{fmt_rupiah(self.employer_amount + self.worker_amount)} per bulan")
        if self.wage_floor is not None:
            parts.append(f"upah paling rendah {fmt_rupiah(self.wage_floor)}")
        if self.wage_ceiling is not None:
            parts.append(f"upah paling tinggi {fmt_rupiah(self.wage_ceiling)}")
        return "; ".join(parts) or "0 %"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "programme": self.programme,
            "category": self.category,
            "risk_group": self.risk_group,
            "employer_rate": _dec(self.employer_rate),
            "worker_rate": _dec(self.worker_rate),
            "employer_amount": _dec(self.employer_amount),
            "worker_amount": _dec(self.worker_amount),
            "wage_floor": _dec(self.wage_floor),
            "wage_ceiling": _dec(self.wage_ceiling),
            "valid_from": _day(self.valid_from),
            "valid_to": _day(self.valid_to),
            "legal_basis": self.legal_basis,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Rule":
        def dec(name: str) -> Decimal | None:
            return None if data.get(name) is None else Decimal(data[name])

        return cls(
            id=data.get("id"),
            programme=data["programme"],
            category=data["category"],
            risk_group=data.get("risk_group"),
            employer_rate=dec("employer_rate") or _ZERO,
            worker_rate=dec("worker_rate") or _ZERO,
            employer_amount=dec("employer_amount") or _ZERO,
            worker_amount=dec("worker_amount") or _ZERO,
            wage_floor=dec("wage_floor"),
            wage_ceiling=dec("wage_ceiling"),
            valid_from=date.fromisoformat(data["valid_from"]),
            valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
            legal_basis=data.get("legal_basis", ""),
        )


class RuleBook:
    """The contribution rules, found by programme, category, risk group and day."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = sorted(rules, key=lambda r: (r.programme, r.category, r.risk_group or 0, r.valid_from))
        self._by_key: dict[tuple[str, str, int | None], list[Rule]] = defaultdict(list)
        for rule in self.rules:
            self._by_key[(rule.programme, rule.category, rule.risk_group)].append(rule)
        self._offered = {(r.programme, r.category) for r in self.rules}
        self.by_id = {r.id: r for r in self.rules}

    def offers(self, programme: str, category: str) -> bool:
        """Whether the category has the programme at all (BPU has no JP)."""
        return (programme, category) in self._offered

    def find(self, programme: str, category: str, risk_group: int | None, day: date) -> Rule | None:
        """The rule in force on `day`; a programme without risk groups (JKM, or JKK for BPU) ignores it."""
        candidates = self._by_key.get((programme, category, risk_group)) or self._by_key.get(
            (programme, category, None), []
        )
        for rule in reversed(candidates):
            if rule.in_force_on(day):
                return rule
        return None

    def epochs(self, year: int) -> list[tuple[int, int]]:
        """Runs of months (first, last) of `year` in which the same rules are in force on each first day."""
        runs: list[tuple[int, int]] = []
        previous = None
        for month in range(1, 13):
            day = date(year, month, 1)
            signature = tuple(r.id for r in self.rules if r.in_force_on(day))
            if runs and signature == previous:
                runs[-1] = (runs[-1][0], month)
            else:
                runs.append((month, month))
            previous = signature
        return runs


@dataclass(frozen=True, slots=True)
class Payer:
    """Who pays one programme for one group: the employer share and the worker share."""

    group: str
    programme: str
    employer: str  # APBD, APBDES or PESERTA
    worker: str
    id: int | None = None
    regency: str | None = None  # None: the province-wide default
    from_year: int | None = None
    legal_basis: str = ""

    def source(self, share: str) -> str:
        return self.employer if share == EMPLOYER else self.worker

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "regency": self.regency,
            "from_year": self.from_year,
            "group": self.group,
            "programme": self.programme,
            "employer": self.employer,
            "worker": self.worker,
            "legal_basis": self.legal_basis,
        }


# docs/domain.md §2: JKK, JKM and JHT for village officials are charged to the APBD (Permendagri 15/2023);
# JP is not in that list, so the desa pays it from APBDes funds other than Dana Desa; worker shares are the
# official's own. Used only when the payer table (seeded with the same values) has no row.
DEFAULT_PAYERS = {
    (group, programme): Payer(group, programme, "APBDES" if programme == "JP" else "APBD", "PESERTA")
    for group in GROUPS
    for programme in PROGRAMMES
}


# --- APBDes accounts (Permendagri 20/2018, as Siskeudes uses them) -----------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """Where an amount goes in the APBDes: the activity (kegiatan) and the account (kode rekening, objek)."""

    code: str
    name: str
    activity: str
    activity_name: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


ACTIVITY_SOCIAL_SECURITY = ("01.01.03", "Penyediaan Jaminan Sosial bagi Kepala Desa dan Perangkat Desa")
ACCOUNT_KEPALA_DESA = Account("5.1.3.03", "Jaminan Ketenagakerjaan Kepala Desa", *ACTIVITY_SOCIAL_SECURITY)
ACCOUNT_PERANGKAT = Account("5.1.3.04", "Jaminan Ketenagakerjaan Perangkat Desa", *ACTIVITY_SOCIAL_SECURITY)
# The national chart has no object for BPD members' social security (5.1.3 is the kepala desa's and the
# perangkat's; 5.1.4 Tunjangan BPD has only 01 Kedudukan and 02 Kinerja): regencies add a local object in the
# 90-99 range. The default follows the local charts seen (5.1.4.91 under Tunjangan BPD, in the activity
# 01.01.05); each regency sets its own (BudgetSetting), docs/budget.md.
ACCOUNT_BPD_DEFAULT = Account(
    "5.1.4.91", "Jaminan Ketenagakerjaan BPD", "01.01.05", "Penyediaan Tunjangan BPD"
)
ACCOUNT_BASIS = (
    "Permendagri 20/2018 tentang Pengelolaan Keuangan Desa, Lampiran (klasifikasi belanja desa): kegiatan "
    "01.01.03 Penyediaan Jaminan Sosial bagi Kepala Desa dan Perangkat Desa, rekening 5.1.3.03 Jaminan "
    "Ketenagakerjaan Kepala Desa dan 5.1.3.04 Jaminan Ketenagakerjaan Perangkat Desa."
)


@dataclass(frozen=True, slots=True)
class Setting:
    """What a regency budgets for officials who are not enrolled yet, its JKK risk group, and where BPD
    members' premiums go in the APBDes (the national chart has no account for them)."""

    risk_group: int = 1
    programmes: tuple[str, ...] = ("JKK", "JKM")
    bpd_category: str = BPU
    bpd_declared_income: Decimal = Decimal(1_000_000)
    id: int | None = None
    regency: str | None = None
    from_year: int | None = None
    legal_basis: str = ""
    bpd_account: Account = ACCOUNT_BPD_DEFAULT

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "regency": self.regency,
            "from_year": self.from_year,
            "risk_group": self.risk_group,
            "programmes": ",".join(self.programmes),
            "bpd_category": self.bpd_category,
            "bpd_declared_income": _dec(self.bpd_declared_income),
            "legal_basis": self.legal_basis,
            "bpd_account": self.bpd_account.code,
            "bpd_account_name": self.bpd_account.name,
            "bpd_activity": self.bpd_account.activity,
            "bpd_activity_name": self.bpd_account.activity_name,
        }


def account_for(group: str, office: str, setting: Setting) -> Account:
    """The APBDes account of a seat's premium: the kepala desa's, the perangkat's, or the BPD one."""
    if group != APARAT:
        return setting.bpd_account
    return ACCOUNT_KEPALA_DESA if office == KEPALA_DESA else ACCOUNT_PERANGKAT


@dataclass(frozen=True, slots=True)
class Minimum:
    """The legal minimum monthly siltap of one class of office (PP 11/2019)."""

    office_class: str
    amount: Decimal
    valid_from: date
    valid_to: date | None = None
    id: int | None = None
    legal_basis: str = ""

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "office_class": self.office_class,
            "amount": _dec(self.amount),
            "valid_from": _day(self.valid_from),
            "valid_to": _day(self.valid_to),
            "legal_basis": self.legal_basis,
        }


def minimum_for(minimums: Iterable[Minimum], cls: str | None, day: date) -> Minimum | None:
    if cls is None:
        return None
    found = [m for m in minimums if m.office_class == cls and m.in_force_on(day)]
    return max(found, key=lambda m: m.valid_from) if found else None


# --- one person, one month ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cover:
    """What one person is covered for: category, programmes, the income the rates apply to, risk group."""

    category: str
    programmes: tuple[str, ...]
    income: Decimal
    risk_group: int = 1


@dataclass(frozen=True, slots=True)
class Part:
    programme: str
    share: str
    exact: Decimal
    rule: Rule


@dataclass(frozen=True, slots=True)
class Premium:
    """One person's contribution for one month, exact, per programme and share."""

    parts: tuple[Part, ...]
    missing: tuple[str, ...] = ()  # programmes chosen, but no rule in force that day
    unavailable: tuple[str, ...] = ()  # programmes the category does not have at all (JP for BPU)

    @property
    def exact(self) -> Decimal:
        return sum((p.exact for p in self.parts), _ZERO)

    @property
    def total(self) -> int:
        return rupiah(self.exact)

    def rounded(self) -> list[tuple[Part, int]]:
        """Each part with its whole-rupiah amount; they add up to `total` (see `allocate`)."""
        return list(zip(self.parts, allocate([p.exact for p in self.parts]), strict=True))

    def by_programme(self) -> dict[str, int]:
        out = dict.fromkeys(PROGRAMMES, 0)
        for part, amount in self.rounded():
            out[part.programme] += amount
        return out


def premium_month(*, cover: Cover, book: RuleBook, day: date) -> Premium:
    """The premium of one person for the month that starts on `day`, by the rules in force that day."""
    parts: list[Part] = []
    missing: list[str] = []
    unavailable: list[str] = []
    for programme in cover.programmes:
        if not book.offers(programme, cover.category):
            unavailable.append(programme)
            continue
        rule = book.find(programme, cover.category, cover.risk_group, day)
        if rule is None:
            missing.append(programme)
            continue
        employer, worker = rule.shares(cover.income)
        parts.append(Part(programme, EMPLOYER, employer, rule))
        if rule.has_worker_share:
            parts.append(Part(programme, WORKER, worker, rule))
    return Premium(tuple(parts), tuple(missing), tuple(unavailable))


def premium_year(*, cover: Cover, book: RuleBook, year: int, months: Iterable[int] = range(1, 13)) -> int:
    """Whole rupiah for the months given: the sum of each month's rounded premium."""
    return sum(premium_month(cover=cover, book=book, day=date(year, m, 1)).total for m in months)


# --- who is covered, and for what ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seat:
    """One position held in the fiscal year, as plain values."""

    position_id: int
    person_id: int
    desa: str
    group: str
    office: str
    office_label: str
    name: str
    nik: str
    term_start: date
    term_end: date | None
    income: Decimal

    @property
    def regency(self) -> str:
        return self.desa[:5]


@dataclass(frozen=True, slots=True)
class Membership:
    """The person's current BPJS TK membership (see `current_membership`)."""

    category: str
    programmes: tuple[str, ...]
    wage: Decimal


def current_membership(
    enrolments: Iterable[tuple[str, str, Decimal, date, date | None]],
    *,
    reference: Month,
    grace_months: int,
    lapse_months: int,
) -> Membership | None:
    """The membership that makes a person a current participant at the end of `reference`.

    `enrolments`: (category, programmes, wage, start date, paid-through month as its first day). A
    membership counts when it is protected or in arrears (still to be paid for); a lapsed one does not.
    Protected beats in arrears; then the one paid furthest.
    """
    status, best = best_membership(
        (
            ((category, programmes, wage), start, paid)
            for category, programmes, wage, start, paid in enrolments
        ),
        reference,
        PlainRule(grace_months, lapse_months),
    )
    if status not in (Status.PROTECTED, Status.ARREARS):
        return None
    category, programmes, wage = best
    return Membership(category, programme_list(programmes), wage)


@dataclass(frozen=True, slots=True)
class Scenario:
    """Whom the budget covers (current participants, or everyone serving) and what it adds."""

    population: str = CURRENT
    add: tuple[str, ...] = ()  # programmes added for everyone: JHT, JP
    risk_group: int | None = None  # JKK risk group for everyone instead of the regency's

    def __post_init__(self) -> None:
        if self.population not in POPULATIONS:
            raise ValueError(f"Skenario tidak dikenal: {self.population!r}. Pilih current atau all-serving.")
        if set(self.add) - set(OPTIONAL_PROGRAMMES):
            raise ValueError(_("Program tambahan hanya JHT dan JP."))
        object.__setattr__(self, "add", programme_list(self.add))
        if self.risk_group is not None and self.risk_group not in RISK_GROUPS:
            raise ValueError(_("Kelompok risiko JKK harus 1 sampai 5 (I–V)."))

    @property
    def name(self) -> str:
        """ "current", "all-serving", "all-serving+JHT+JP", "current+risiko-2"."""
        parts = [self.population, *self.add]
        if self.risk_group is not None:
            parts.append(f"risiko-{self.risk_group}")
        return "+".join(parts)

    @classmethod
    def parse(cls, name: str) -> "Scenario":
        """The inverse of `name`; ValueError with an Indonesian message."""
        population, *rest = (name or "").strip().split("+")
        add: list[str] = []
        risk = None
        for word in rest:
            if word.upper() in OPTIONAL_PROGRAMMES:
                add.append(word.upper())
            elif word.startswith("risiko-") and word[7:].isdigit():
                risk = int(word[7:])
            else:
                raise ValueError(f"Bagian skenario tidak dikenal: {word!r}.")
        return cls(population, tuple(add), risk)

    @property
    def label(self) -> str:
        text = "Peserta saat ini" if self.population == CURRENT else "Semua yang menjabat"
        if self.add:
            text += " + " + " + ".join(self.add)
        if self.risk_group is not None:
            text += f", JKK kelompok risiko {ROMAN[self.risk_group]}"
        return text


def cover_for(
    seat: Seat, membership: Membership | None, scenario: Scenario, setting: Setting
) -> tuple[Cover | None, list[str]]:
    """What a seat's holder is budgeted for, and notes on how it was decided.

    Current participants keep their programmes and category; in the all-serving scenario the others get the
    regency's defaults (aparat as wage earners, BPD members as the regency registers them). The income is
    the position's monthly income (siltap plus tunjangan, or the BPD allowance) for wage earners, and the
    declared income for non-wage earners.
    """
    notes: list[str] = []
    if membership is None:
        if scenario.population == CURRENT:
            return None, notes
        category = PU if seat.group == APARAT else setting.bpd_category
        programmes = setting.programmes
        income = seat.income if category == PU else setting.bpd_declared_income
        notes.append("Belum terdaftar: dianggarkan dengan program dan kategori bawaan kabupaten.")
    else:
        category = membership.category
        programmes = membership.programmes
        income = seat.income if category == PU else membership.wage
        if category == PU and income <= 0 < membership.wage:
            income = membership.wage
            notes.append(
                f"Penghasilan belum diisi di daftar jabatan: dipakai upah yang dilaporkan ke BPJS "
                f"{fmt_rupiah(income)}."
            )
    cover = Cover(
        category=category,
        programmes=_union(programmes, scenario.add),
        income=income,
        risk_group=scenario.risk_group or setting.risk_group,
    )
    return cover, notes


# --- one person, one year -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One budget line: a person's programme share for a run of months, with its payer."""

    position_id: int
    person_id: int
    desa: str
    name: str
    nik: str
    office_label: str
    group: str
    category: str
    income: Decimal  # the wage base before floor and ceiling
    programme: str
    share: str
    source: str
    first_month: int
    last_month: int
    monthly: int
    rule_id: int | None
    account: str = ""  # the APBDes account code (`account_for`); an APBDes amount is budgeted under it
    office: str = ""  # the office's code (officials.Office); "" for lines adopted before it was kept

    @property
    def months(self) -> int:
        return self.last_month - self.first_month + 1

    @property
    def amount(self) -> int:
        return self.monthly * self.months

    @property
    def months_label(self) -> str:
        return months_label(self.first_month, self.last_month)


@dataclass(slots=True)
class PersonYear:
    person_id: int
    name: str
    nik: str
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    below_minimum: bool = False  # an aparat income below the legal minimum siltap

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def first_line(self) -> Line:
        return self.lines[0]

    @property
    def programmes(self) -> tuple[str, ...]:
        return programme_list(line.programme for line in self.lines)

    @property
    def months(self) -> int:
        return len({m for line in self.lines for m in range(line.first_month, line.last_month + 1)})

    def amount_by_source(self, source: str) -> int:
        return sum(line.amount for line in self.lines if line.source == source)


@dataclass
class Plan:
    """Everything a budget is computed from besides the roster: year, scenario and the rules as data."""

    year: int
    scenario: Scenario
    book: RuleBook
    payers: Mapping[str, Mapping[tuple[str, str], Payer]] = field(default_factory=dict)
    settings: Mapping[str, Setting] = field(default_factory=dict)
    minimums: Sequence[Minimum] = ()
    default_setting: Setting = field(default_factory=Setting)
    _premiums: dict = field(default_factory=dict, repr=False)
    _pieces: dict = field(default_factory=dict, repr=False)
    _minimums: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.epochs = self.book.epochs(self.year)

    def setting_for(self, regency: str) -> Setting:
        return self.settings.get(regency, self.default_setting)

    def payer_for(self, regency: str, group: str, programme: str) -> Payer:
        found = self.payers.get(regency, {}).get((group, programme))
        return found or DEFAULT_PAYERS[(group, programme)]

    def minimum(self, cls: str | None, month: int) -> Minimum | None:
        key = (cls, month)
        if key not in self._minimums:
            self._minimums[key] = minimum_for(self.minimums, cls, date(self.year, month, 1))
        return self._minimums[key]

    def premium(self, cover: Cover, month: int) -> Premium:
        key = (cover, month)
        premium = self._premiums.get(key)
        if premium is None:
            premium = premium_month(cover=cover, book=self.book, day=date(self.year, month, 1))
            self._premiums[key] = premium
        return premium


def _held_months(seats: Sequence[Seat], year: int) -> list[tuple[Seat, tuple[int, ...]]]:
    """Which seat a person holds each month: one premium per person per month, for the office begun last."""
    if len(seats) == 1:
        months = months_in_term(seats[0].term_start, seats[0].term_end, year)
        return [(seats[0], months)] if months else []
    holder: dict[int, Seat] = {}
    for seat in sorted(seats, key=lambda s: (s.term_start, s.position_id)):
        for month in months_in_term(seat.term_start, seat.term_end, year):
            holder[month] = seat
    out: dict[int, tuple[Seat, list[int]]] = {}
    for month in sorted(holder):
        seat = holder[month]
        out.setdefault(seat.position_id, (seat, []))[1].append(month)
    return [(seat, tuple(months)) for seat, months in out.values()]


def _runs(months: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _split(run: tuple[int, int], epochs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    first, last = run
    return [(max(a, first), min(b, last)) for a, b in epochs if a <= last and b >= first]


def _fmt_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass(frozen=True, slots=True)
class _Piece:
    """A budget line without the person: what every holder of the same cover, months and payer gets."""

    programme: str
    share: str
    source: str
    first_month: int
    last_month: int
    monthly: int
    rule_id: int | None


def _pieces(plan: Plan, cover: Cover, months: tuple[int, ...], regency: str, group: str) -> tuple[list, list]:
    """The lines (as `_Piece`s) and the notes of one cover over some months; cached per plan."""
    key = (cover, months, regency, group)
    found = plan._pieces.get(key)
    if found is not None:
        return found
    floors: set[Decimal] = set()
    ceilings: set[tuple[str, Decimal]] = set()
    missing: list[str] = []
    unavailable: set[str] = set()
    pieces: list[_Piece] = []
    for run in _runs(list(months)):
        runs: list[tuple[int, int, list[tuple[Part, int]]]] = []
        for first, last in _split(run, plan.epochs):
            premium = plan.premium(cover, first)
            rounded = premium.rounded()
            missing += [f"{p} ({months_label(first, last)})" for p in premium.missing]
            unavailable.update(premium.unavailable)
            for part, _amount in rounded:
                rule = part.rule
                if rule.wage_floor is not None and cover.income < rule.wage_floor:
                    floors.add(rule.wage_floor)
                if rule.wage_ceiling is not None and cover.income > rule.wage_ceiling:
                    ceilings.add((rule.programme, rule.wage_ceiling))
            # Months in a row with the same rules and amounts become one line.
            signature = [(p.programme, p.share, p.rule.id, a) for p, a in rounded]
            if runs and [(p.programme, p.share, p.rule.id, a) for p, a in runs[-1][2]] == signature:
                runs[-1] = (runs[-1][0], last, runs[-1][2])
            else:
                runs.append((first, last, rounded))
        for first, last, rounded in runs:
            for part, amount in rounded:
                payer = plan.payer_for(regency, group, part.programme)
                pieces.append(
                    _Piece(
                        part.programme,
                        part.share,
                        payer.source(part.share),
                        first,
                        last,
                        amount,
                        part.rule.id,
                    )
                )
    notes = [
        f"Penghasilan {fmt_rupiah(cover.income)} di bawah batas terendah: "
        f"iuran dihitung dari {fmt_rupiah(floor)}."
        for floor in sorted(floors)
    ]
    notes += [
        f"Upah di atas batas upah {programme}: {programme} dihitung dari {fmt_rupiah(ceiling)}."
        for programme, ceiling in sorted(ceilings)
    ]
    notes += [
        f"{programme} tidak tersedia bagi peserta {cover.category}." for programme in sorted(unavailable)
    ]
    notes += [
        f"Belum ada aturan iuran {text} {plan.year}: tidak dihitung." for text in dict.fromkeys(missing)
    ]
    plan._pieces[key] = (pieces, notes)
    return pieces, notes


def _covered(seats: Sequence[Seat], membership: Membership | None, plan: Plan, *, notes: bool = True):
    """(seat, cover, pieces, notes, below minimum) for each seat a person holds in the year and is budgeted
    for. Without `notes` the notes are left empty (totals need none)."""
    year_first, year_last = date(plan.year, 1, 1), date(plan.year, 12, 31)
    for seat, months in _held_months(seats, plan.year):
        cover, seat_notes = cover_for(seat, membership, plan.scenario, plan.setting_for(seat.regency))
        if cover is None:
            continue
        minimum = plan.minimum(office_class(seat.group, seat.office), months[0])
        if cover.category == PU and cover.income <= 0:
            # No income on record: an aparat's siltap is at least the legal minimum, so that is the budget's
            # floor (an estimate, said in the notes); a BPD allowance has no minimum to stand in.
            if minimum is not None:
                cover = replace(cover, income=minimum.amount)
                seat_notes.append(
                    f"Penghasilan bulanan belum diisi: dianggarkan dengan siltap minimum "
                    f"{fmt_rupiah(minimum.amount)}; lengkapi penghasilannya."
                )
            else:
                seat_notes.append("Penghasilan bulanan belum diisi: iuran tidak dapat dihitung (Rp0).")
        pieces, piece_notes = _pieces(plan, cover, months, seat.regency, seat.group)
        below = minimum is not None and 0 < seat.income < minimum.amount
        if not notes:
            yield seat, cover, pieces, [], below
            continue
        if seat.term_start > year_first:
            seat_notes.append(
                f"Mulai menjabat {_fmt_date(seat.term_start)}: dihitung sejak "
                f"{month_label_id(Month.of(seat.term_start))}."
            )
        if seat.term_end is not None and seat.term_end < year_last:
            seat_notes.append(
                f"Masa jabatan berakhir {_fmt_date(seat.term_end)}: dihitung sampai "
                f"{month_label_id(Month.of(seat.term_end))}; penggantinya belum dianggarkan."
            )
        if below:
            seat_notes.append(
                f"Penghasilan {fmt_rupiah(seat.income)} {BELOW_MINIMUM} {fmt_rupiah(minimum.amount)}."
            )
        yield seat, cover, pieces, seat_notes + piece_notes, below


def person_year(seats: Sequence[Seat], membership: Membership | None, plan: Plan) -> PersonYear | None:
    """One person's budget lines for the fiscal year (None when they are not covered in any month)."""
    result = PersonYear(seats[0].person_id, seats[0].name, seats[0].nik)
    notes: list[str] = []
    for seat, cover, pieces, seat_notes, below in _covered(seats, membership, plan):
        notes += seat_notes
        result.below_minimum = result.below_minimum or below
        account = account_for(seat.group, seat.office, plan.setting_for(seat.regency)).code
        result.lines += [
            Line(
                position_id=seat.position_id,
                person_id=seat.person_id,
                desa=seat.desa,
                name=seat.name,
                nik=seat.nik,
                office_label=seat.office_label,
                group=seat.group,
                category=cover.category,
                income=cover.income,
                programme=piece.programme,
                share=piece.share,
                source=piece.source,
                first_month=piece.first_month,
                last_month=piece.last_month,
                monthly=piece.monthly,
                rule_id=piece.rule_id,
                account=account,
                office=seat.office,
            )
            for piece in pieces
        ]
    if not result.lines:
        return None
    result.notes = list(dict.fromkeys(notes))
    return result


# --- regions ------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Totals:
    persons: int = 0
    total: int = 0
    by_source: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    by_programme: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROGRAMMES, 0))
    # The APBDes part by account code (kode rekening): what the desa types into Siskeudes.
    by_account: dict[str, int] = field(default_factory=dict)

    def add_line(self, line: "Line | _Piece", times: int = 1, account: str = "") -> None:
        amount = line.monthly * (line.last_month - line.first_month + 1) * times
        self.total += amount
        self.by_source[line.source] += amount
        self.by_programme[line.programme] += amount
        if line.source == APBDES:
            code = account or getattr(line, "account", "")
            self.by_account[code] = self.by_account.get(code, 0) + amount

    def add(self, other: "Totals") -> None:
        self.persons += other.persons
        self.total += other.total
        for key, value in other.by_source.items():
            self.by_source[key] += value
        for key, value in other.by_programme.items():
            self.by_programme[key] += value
        for key, value in other.by_account.items():
            self.by_account[key] = self.by_account.get(key, 0) + value

    def minus(self, other: "Totals") -> "Totals":
        return Totals(
            persons=self.persons - other.persons,
            total=self.total - other.total,
            by_source={k: v - other.by_source[k] for k, v in self.by_source.items()},
            by_programme={k: v - other.by_programme[k] for k, v in self.by_programme.items()},
            by_account={
                k: self.by_account.get(k, 0) - other.by_account.get(k, 0)
                for k in sorted({*self.by_account, *other.by_account})
            },
        )

    def as_dict(self) -> dict:
        return {
            "persons": self.persons,
            "total": self.total,
            "by_source": dict(self.by_source),
            "by_programme": dict(self.by_programme),
            "by_account": dict(sorted(self.by_account.items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Totals":
        return cls(
            persons=int(data["persons"]),
            total=int(data["total"]),
            by_source={k: int(data["by_source"].get(k, 0)) for k in SOURCES},
            by_programme={k: int(data["by_programme"].get(k, 0)) for k in PROGRAMMES},
            # Budgets adopted before accounts were kept have none.
            by_account={k: int(v) for k, v in data.get("by_account", {}).items()},
        )


@dataclass
class Budget:
    """A region's budget for one fiscal year and scenario: its people, and totals per desa and child."""

    year: int
    scenario: Scenario
    persons: list[PersonYear]
    desa: dict[str, Totals]
    total: Totals
    children: dict[str, Totals]
    rules: list[Rule] = field(default_factory=list)  # the rule rows the lines used
    payers: list[Payer] = field(default_factory=list)
    settings: list[Setting] = field(default_factory=list)
    minimums: list[Minimum] = field(default_factory=list)
    below_minimum: int = 0  # persons with an aparat income below the minimum siltap


def _rollup(desa: dict[str, Totals], parent_level: int) -> tuple[Totals, dict[str, Totals]]:
    total = Totals()
    children: dict[str, Totals] = {}
    for code in sorted(desa):
        total.add(desa[code])
        if parent_level < 4:
            children.setdefault(child_code(code, parent_level), Totals()).add(desa[code])
    return total, children


def summarise(
    persons: list[PersonYear], *, villages: Iterable[str], parent_level: int
) -> tuple[dict[str, Totals], Totals, dict[str, Totals]]:
    """Totals per desa (every desa in `villages`, zero when nobody is covered), for the region and per child.

    A person counts once in each desa where they have a line; the region's count is the sum of its desa.
    """
    desa = {code: Totals() for code in villages}
    for person in persons:
        seen: set[str] = set()
        for line in person.lines:
            totals = desa.get(line.desa)
            if totals is None:
                totals = desa[line.desa] = Totals()
            totals.add_line(line)
            if line.desa not in seen:
                seen.add(line.desa)
                totals.persons += 1
    total, children = _rollup(desa, parent_level)
    return desa, total, children


def _by_person(seats: Iterable[Seat]) -> dict[int, list[Seat]]:
    by_person: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_person[seat.person_id].append(seat)
    return by_person


def place_of(desa_code: str, level: int) -> str:
    """The code of the region at `level` (4: the desa itself) that contains a desa."""
    return desa_code if level >= 4 else child_code(desa_code, level - 1)


def seat_classes(
    *, seats: Iterable[Seat], memberships: Mapping[int, Membership], year: int, place_level: int = 4
) -> list[tuple[list[Seat], Membership | None, int]]:
    """People grouped by what their premium depends on: (seats of one of them, membership, how many).

    People with one seat in the same place, with the same office class, income, months held and current
    membership cost the same in every scenario, so a budget's totals compute each class once. The place is
    the desa (`place_level` 4), or the region at `place_level` containing it when only the totals of such
    regions are wanted: a province's 2,000 desa hold ten times the classes of its 14 regencies.
    """
    classes: dict[tuple, list] = {}
    for person_id, person_seats in _by_person(seats).items():
        membership = memberships.get(person_id)
        if len(person_seats) == 1:
            seat = person_seats[0]
            key = (
                place_of(seat.desa, place_level),
                seat.group,
                office_class(seat.group, seat.office),
                seat.income,
                months_in_term(seat.term_start, seat.term_end, year),
                membership,
            )
        else:
            key = (person_id,)
        found = classes.get(key)
        if found is None:
            classes[key] = [person_seats, membership, 1]
        else:
            found[2] += 1
    return [(person_seats, membership, count) for person_seats, membership, count in classes.values()]


def budget_place_level(parent_level: int, per_desa: bool) -> int:
    """Where a budget of totals adds its classes up: per desa, or per child of the region when the totals
    per desa are not wanted."""
    return 4 if per_desa else min(parent_level + 1, 4)


def budget_compute(
    *,
    plan: Plan,
    seats: Iterable[Seat],
    memberships: Mapping[int, Membership],
    villages: Iterable[str],
    parent_level: int,
    lines: bool = True,
    classes: list[tuple[list[Seat], Membership | None, int]] | None = None,
    per_desa: bool = True,
) -> Budget:
    """The budget of a region: every person with a seat in the year, under the plan's scenario and rules.

    With `lines=False` only the totals are made (no `PersonYear`s): the same sums, without building a line
    object per person and programme, which is what keeps a province's pages fast. `classes` (from
    `seat_classes`, which does not depend on the scenario) may be passed to compute several scenarios;
    made with `place_level=budget_place_level(parent_level, per_desa)`. `per_desa=False` (totals only)
    leaves `desa` empty and sums the region's children directly, from fewer classes.
    """
    persons: list[PersonYear] = []
    used: set[int | None] = set()
    keys: set[tuple[str, str, str]] = set()
    below_minimum = 0
    if lines:
        for person_id, person_seats in _by_person(seats).items():
            result = person_year(person_seats, memberships.get(person_id), plan)
            if result is not None:
                persons.append(result)
                below_minimum += result.below_minimum
        persons.sort(key=lambda p: (p.first_line.desa, p.person_id))
        desa, total, children = summarise(persons, villages=villages, parent_level=parent_level)
    else:
        level = budget_place_level(parent_level, per_desa)
        # Totals per place (desa, or the region's children), every place of `villages` present.
        places = {place_of(code, level): Totals() for code in villages}
        if classes is None:
            classes = seat_classes(seats=seats, memberships=memberships, year=plan.year, place_level=level)
        for person_seats, membership, count in classes:
            seen: set[str] = set()
            below = False
            for seat, _cover, pieces, _notes, seat_below in _covered(
                person_seats, membership, plan, notes=False
            ):
                below = below or seat_below
                if not pieces:
                    continue
                place = place_of(seat.desa, level)
                totals = places.get(place)
                if totals is None:
                    totals = places[place] = Totals()
                account = account_for(seat.group, seat.office, plan.setting_for(seat.regency)).code
                for piece in pieces:
                    totals.add_line(piece, count, account)
                # A person counts once in each desa where they serve, as the lines per person do.
                if seat.desa not in seen:
                    seen.add(seat.desa)
                    totals.persons += count
            below_minimum += count if below and seen else 0
        # Places that are already the region's children roll up to themselves.
        total, children = _rollup(places, parent_level)
        desa = places if level == 4 else {}
    # Every line came from the plan's cache of pieces, so the cache says which rules and payers were used.
    for (_cover, _months, regency, group), (pieces, _notes) in plan._pieces.items():
        for piece in pieces:
            used.add(piece.rule_id)
            keys.add((regency, group, piece.programme))
    regencies = {regency for regency, _group, _programme in keys}
    payers = {plan.payer_for(*key) for key in keys}
    first, last = date(plan.year, 1, 1), date(plan.year, 12, 31)
    return Budget(
        year=plan.year,
        scenario=plan.scenario,
        persons=persons,
        desa=desa,
        total=total,
        children=children,
        rules=[r for r in plan.book.rules if r.id in used],
        payers=sorted(payers, key=lambda p: (p.regency or "", p.group, PROGRAMMES.index(p.programme))),
        settings=sorted(
            {plan.setting_for(r) for r in regencies}, key=lambda s: (s.regency or "", s.from_year or 0)
        ),
        minimums=[
            m for m in plan.minimums if m.valid_from <= last and (m.valid_to is None or m.valid_to >= first)
        ],
        below_minimum=below_minimum,
    )
