"""The demo province: a realistic roster in every desa, calibrated to the published Kalimantan Barat picture.

Everything is generated relative to one month (`as_of`) from one seed, so the same seed and month give the
same data exactly. The figures it aims at (docs/domain.md §4), measured at the end of
`as_of` with the binding definitions of `region_indicators`:

- about 16 % of desa have registered nobody (no protected serving aparat or BPD member);
- about 84 % of serving aparat and 63 % of serving BPD members are protected;
- over the 24 months before, coverage rises steadily (aparat from about 55-60 %), so trends exist.

Rows are built in memory as values (`lib.inserts.NewRow`: model objects took a fifth of the time) and
written with one statement per table (`lib.inserts`); they obey the rules
`position_check` enforces (one office per person at a time, one holder per seat, terms of at most 8 years,
Pj only for kepala desa), which the tests verify on a sample. What the law fixes comes from the dated rules
in force at the end of `as_of`, as the product reads them: the minimum siltap of each office
(`SiltapMinimum`), the BPD members' declared income (the default `BudgetSetting`) and when a membership is
protected, in arrears or inactive (`StatusRule`, through `enrolment.status`).
"""

import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from faker import Faker

from lindungdesa.accounts import audit
from lindungdesa.accounts.models import AuditEntry
from lindungdesa.budget.compute import OFFICE_CLASSES, Setting, minimum_for, office_class
from lindungdesa.budget.models import BudgetSetting, OfficeClass, SiltapMinimum
from lindungdesa.enrolment.models import Enrolment, StatusRule
from lindungdesa.enrolment.status import Rule, Status, status_of
from lindungdesa.indicators.compute import Totals
from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.indicators.services import data_changed
from lindungdesa.lib.inserts import NewRow, insert
from lindungdesa.lib.months import Month, month_label_id
from lindungdesa.officials.models import Acting, Group, Office, Person, Position, group_of
from lindungdesa.regions.models import Region

# The published picture (docs/domain.md §4). Each load aims at these, jittered a little by the seed.
TARGET_UNREGISTERED = 0.16
TARGET_APARAT = 0.84
TARGET_BPD = 0.63
HISTORY_MONTHS = 24

KAUR = (Office.KAUR_TU_UMUM, Office.KAUR_KEUANGAN, Office.KAUR_PERENCANAAN)
KASI = (Office.KASI_PEMERINTAHAN, Office.KASI_KESEJAHTERAAN, Office.KASI_PELAYANAN)
# Share of women per office: a rough picture of village government in Kalimantan Barat.
WOMEN_SHARE = {
    Office.KEPALA_DESA: 0.06,
    Office.SEKRETARIS_DESA: 0.22,
    Office.KAUR_TU_UMUM: 0.4,
    Office.KAUR_KEUANGAN: 0.5,
    Office.KAUR_PERENCANAAN: 0.3,
    Office.KASI_PEMERINTAHAN: 0.15,
    Office.KASI_KESEJAHTERAAN: 0.3,
    Office.KASI_PELAYANAN: 0.35,
    Office.KEPALA_DUSUN: 0.05,
}

_DUSUN_HEAD = (
    "Sungai",
    "Sei",
    "Parit",
    "Tanjung",
    "Teluk",
    "Nanga",
    "Batu",
    "Bukit",
    "Pasir",
    "Pematang",
    "Kampung",
    "Padang",
    "Rantau",
    "Simpang",
    "Lubuk",
    "Pulau",
    "Tebing",
    "Sebadu",
    "Lanjak",
    "Pangkalan",
    "Kuala",
)
_DUSUN_TAIL = (
    "Jaya",
    "Baru",
    "Makmur",
    "Harapan",
    "Indah",
    "Raya",
    "Permai",
    "Sejahtera",
    "Mulia",
    "Bakti",
    "Tengah",
    "Hilir",
    "Hulu",
    "Laut",
    "Darat",
    "Kecil",
    "Besar",
    "Sari",
    "Lestari",
    "Damai",
    "Mekar",
    "Asri",
    "Merdeka",
    "Bersatu",
    "Kuning",
    "Putih",
    "Panjang",
    "Limau",
    "Pinang",
    "Kelapa",
    "Durian",
    "Rambai",
    "Mas",
    "Pauh",
    "Tapang",
    "Keladi",
    "Embaong",
    "Sepan",
    "Raman",
    "Selimbau",
)
_DUSUN_SINGLE = (
    "Pahauman",
    "Sidas",
    "Semanget",
    "Temiang",
    "Semuntai",
    "Engkersik",
    "Senakin",
    "Sompak",
    "Tubang",
    "Ansok",
    "Pelaik",
    "Tebedak",
    "Kopar",
    "Sejiram",
    "Bongkang",
    "Sempadian",
    "Jirak",
    "Kumpang",
    "Entebah",
    "Mensiau",
    "Sebangun",
    "Belimbing",
    "Mungguk",
    "Lintang",
    "Tapang Sambas",
    "Sebuluh",
    "Engkadik",
)
_PHONE_PREFIXES = (
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0823",
    "0852",
    "0853",
    "0814",
    "0815",
    "0816",
    "0855",
    "0856",
    "0857",
    "0858",
    "0817",
    "0818",
    "0819",
    "0859",
    "0877",
    "0878",
    "0895",
    "0896",
    "0897",
    "0898",
    "0881",
)
_DEGREES = ("S.Pd", "S.Sos", "S.E.", "S.H.", "S.IP", "S.Kom", "A.Md", "S.AP", "S.T.")

# Status of a serving seat at the end of `as_of` (NONE: no membership).
PROTECTED, ARREARS, INACTIVE, NONE = Status.PROTECTED, Status.ARREARS, Status.INACTIVE, "none"


class DemoDataError(Exception):
    """The demo data cannot be loaded; the message is Indonesian and shown to users as is."""


@dataclass(frozen=True)
class DemoSummary:
    province_code: str
    province_name: str
    regency_codes: tuple[str, ...]
    seed: int
    as_of: Month
    villages: int
    persons: int
    positions: int
    positions_ended: int
    enrolments: int
    deleted_persons: int
    deleted_positions: int
    deleted_enrolments: int
    seconds: float
    indicators: dict

    def as_dict(self) -> dict:
        return {
            "province": self.province_code,
            "name": self.province_name,
            "regencies": list(self.regency_codes),
            "seed": self.seed,
            "as_of": str(self.as_of),
            "villages": self.villages,
            "persons": self.persons,
            "positions": self.positions,
            "positions_ended": self.positions_ended,
            "enrolments": self.enrolments,
            "deleted": {
                "persons": self.deleted_persons,
                "positions": self.deleted_positions,
                "enrolments": self.deleted_enrolments,
            },
            "seconds": round(self.seconds, 2),
            "indicators": self.indicators,
        }


# --- the public operations -------------------------------------------------------------------------------


def demo_load(
    *,
    province_code: str,
    seed: int,
    as_of: Month,
    replace: bool = False,
    regency_codes: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Fill every desa of a province (or of some of its regencies) with demo rosters and enrolments.

    Refuses when the scope already has positions, unless `replace`, which first deletes the enrolments,
    positions and persons there. One transaction. `progress(done, total)` counts villages.
    """
    started = time.monotonic()
    province = Region.objects.filter(code=province_code, level=1).first()
    if province is None or not Region.objects.filter(parent=province).exists():
        raise DemoDataError(
            f"Wilayah provinsi {province_code} belum dimuat. "
            f"Jalankan dulu: lindungdesa load-regions --province {province_code}"
        )
    regencies = _regencies(province, regency_codes)

    with transaction.atomic():
        scope = Position.objects.filter(desa__regency_code__in=regencies)
        deleted = (0, 0, 0)
        if scope.exists():
            if not replace:
                where = province.name if regency_codes is None else ", ".join(regencies)
                raise DemoDataError(
                    f"{where} sudah berisi data jabatan. Data demo tidak dimuat; "
                    "gunakan --replace untuk menghapus orang, jabatan dan kepesertaan di wilayah itu "
                    "lalu memuat ulang."
                )
            deleted = demo_clear(province_code=province_code, regency_codes=regencies)
        villages = list(
            Region.objects.filter(regency_code__in=regencies, kind__in=Region.VILLAGE_KINDS)
            .order_by("code")
            .values_list("code", "regency_code", "district_code")
        )
        taken = set(Person.objects.filter(nik__startswith=province_code).values_list("nik", flat=True))
        builder = _Builder(
            seed=seed,
            as_of=as_of,
            taken_niks=taken,
            progress=progress,
            rules=_Rules.in_force(as_of),
        )
        persons, positions, enrolments = builder.build(villages)
        insert(Person, persons)  # each person's key given back: their positions and memberships take it
        insert(Position, positions)
        insert(Enrolment, enrolments)
        data_changed([province_code])
        if progress:
            progress(len(villages), len(villages))

    return DemoSummary(
        province_code=province.code,
        province_name=province.name,
        regency_codes=tuple(regencies) if regency_codes is not None else (),
        seed=seed,
        as_of=as_of,
        villages=len(villages),
        persons=len(persons),
        positions=len(positions),
        positions_ended=sum(
            1 for p in positions if p.values["term_end"] and p.values["term_end"] < as_of.last_day
        ),
        enrolments=len(enrolments),
        deleted_persons=deleted[0],
        deleted_positions=deleted[1],
        deleted_enrolments=deleted[2],
        seconds=time.monotonic() - started,
        indicators=demo_indicators(province, as_of, regencies if regency_codes is not None else None),
    )


@transaction.atomic
def demo_clear(*, province_code: str, regency_codes: Iterable[str] | None = None) -> tuple[int, int, int]:
    """Delete the positions in the scope, and the persons (with their enrolments) who hold none elsewhere.

    Returns (persons, positions, enrolments) deleted.
    """
    if regency_codes is None:
        in_scope = Position.objects.filter(desa__province_code=province_code)
        outside = Position.objects.exclude(desa__province_code=province_code)
    else:
        codes = list(regency_codes)
        in_scope = Position.objects.filter(desa__regency_code__in=codes)
        outside = Position.objects.exclude(desa__regency_code__in=codes)
    person_ids = list(
        Person.objects.filter(pk__in=in_scope.values("person_id"))
        .exclude(pk__in=outside.values("person_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    try:
        positions = in_scope.delete()[0]
        persons = enrolments = 0
        # Chunks keep each statement under SQLite's limit on query parameters.
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            enrolments += Enrolment.objects.filter(person_id__in=chunk).delete()[0]
            persons += Person.objects.filter(pk__in=chunk).delete()[0]
        data_changed([province_code])  # a person kept for a position elsewhere keeps their enrolments
        if positions or persons or enrolments:
            audit.record(
                action=AuditEntry.Action.DELETE,
                note=(
                    f"Data demo dihapus: {persons} orang, {positions} jabatan, {enrolments} kepesertaan "
                    f"({', '.join(regency_codes) if regency_codes is not None else province_code})."
                ),
                region_code=province_code if regency_codes is None or len(codes) != 1 else codes[0],
            )
    except ProtectedError as exc:
        raise DemoDataError(
            "Data lama tidak dapat dihapus karena masih dirujuk data lain "
            f"({len(exc.protected_objects)} baris); hapus rujukan itu dulu."
        ) from exc
    return persons, positions, enrolments


def demo_indicators(province: Region, as_of: Month, regency_codes: list[str] | None = None) -> dict:
    """The indicators at the end of `as_of` for the province, or summed over some of its regencies."""
    indicators = region_indicators(province, as_of)
    if regency_codes is None:
        return indicators.total.as_dict()
    totals = Totals()
    for code, counts in indicators.breakdown.desa.items():
        if code[:5] in regency_codes:
            totals.add(counts)
    return totals.as_dict()


@dataclass(frozen=True)
class _Rules:
    """The dated rules the generator obeys, as in force at the end of `as_of`."""

    status: Rule
    siltap_minimum: dict[str, Decimal]  # by office class (budget.compute.office_class)
    bpu_declared_income: Decimal

    @classmethod
    def in_force(cls, as_of: Month) -> "_Rules":
        day = as_of.last_day
        minimums = [m.as_plain() for m in SiltapMinimum.objects.all()]
        siltap = {}
        for office_cls in OFFICE_CLASSES:
            found = minimum_for(minimums, office_cls, day)
            if found is None:
                raise DemoDataError(
                    f"Siltap minimum {OfficeClass(office_cls).label.lower()} yang berlaku pada "
                    f"{month_label_id(as_of)} belum diatur (Admin, Siltap minimum)."
                )
            siltap[office_cls] = found.amount
        setting = (
            BudgetSetting.objects.filter(regency__isnull=True, from_year__lte=as_of.year)
            .order_by("-from_year")
            .first()
        )
        income = setting.bpd_declared_income if setting else Setting().bpd_declared_income
        return cls(StatusRule.for_period(as_of), siltap, income)


def _regencies(province: Region, regency_codes: Iterable[str] | None) -> list[str]:
    known = list(Region.objects.filter(parent=province).order_by("code").values_list("code", flat=True))
    if regency_codes is None:
        return known
    wanted = sorted(set(regency_codes))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise DemoDataError(
            f"Kabupaten/kota {', '.join(unknown)} tidak ada di provinsi {province.name} ({province.code})."
        )
    return wanted


# --- dates -------------------------------------------------------------------------------------------------


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _round_up(amount: Decimal, step: int) -> Decimal:
    return Decimal(math.ceil(amount / step) * step)


# --- the generator -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Regency:
    """What varies from one regency to the next: pay, BPD scheme, how early its villages enrolled."""

    code: str
    siltap_factor: Decimal
    bpd_allowance: Decimal
    bpd_category: str
    jht_share: float
    unregistered_weight: float
    early_share: float  # share of its registered villages that enrolled before the 24-month window
    bpd_none_share: float  # share of its registered villages that never enrolled the BPD
    kades_waves: list[date]
    bpd_waves: list[date]


@dataclass(slots=True)
class _Seat:
    """One generated position with its holder, and what their enrolment should look like."""

    position: dict[str, Any]  # the position's values by field (written as a NewRow)
    person: NewRow
    serving: bool
    status: str = NONE
    # The month the holder would naturally have been enrolled (None: the desa never enrolled this group).
    enrol_from: Month | None = None


@dataclass(slots=True)
class _Village:
    code: str
    regency: _Regency
    district_digits: str
    unregistered: bool
    lapsed_through: Month | None = None  # an unregistered desa that enrolled once and stopped paying
    aparat_from: Month | None = None
    bpd_from: Month | None = None
    bpd_mode: str = "all"  # "all", "leaders" or "none"
    programmes: str = "JKK,JKM"
    seats: list[_Seat] = field(default_factory=list)


class _Builder:
    def __init__(
        self,
        *,
        seed: int,
        as_of: Month,
        taken_niks: set[str],
        progress: Callable[[int, int], None] | None,
        rules: _Rules,
    ) -> None:
        self.rules = rules
        # Months unpaid that leave a membership protected (up to `grace`), in arrears (up to `lapse`).
        self.grace = rules.status.grace_months
        self.lapse = max(rules.status.lapse_months, self.grace + 1)
        self.rng = random.Random(seed)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(seed)
        self.as_of = as_of
        self.end = as_of.last_day
        self.window_start = as_of.add(-(HISTORY_MONTHS - 1))
        self.taken = taken_niks
        self.serials: dict[str, int] = {}
        self.kpjs: set[str] = set()
        self.progress = progress
        self.persons: list[NewRow] = []

    # -- random helpers

    def _day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def _month_between(self, first: Month, last: Month) -> Month:
        if last <= first:
            return first
        return first.add(self.rng.randint(0, last - first))

    def _birth_for_age(self, age: int, on: date) -> date:
        """A birth date that makes the person exactly `age` on `on`."""
        latest = _add_years(on, -age)
        earliest = _add_years(on, -(age + 1)) + timedelta(days=1)
        return self._day_between(earliest, latest)

    # -- people

    def _person(self, village: _Village, sex: str, birth: date) -> NewRow:
        born = f"{birth.day + (40 if sex == 'P' else 0):02d}{birth.month:02d}{birth.year % 100:02d}"
        key = village.district_digits + born
        serial = self.serials.get(key, 0)
        while True:
            serial += 1
            nik = f"{key}{serial:04d}"
            if nik not in self.taken:
                break
        self.serials[key] = serial
        self.taken.add(nik)
        if sex == "L":
            name = f"{self.fake.first_name_male()} {self.fake.last_name_male()}"
        else:
            name = f"{self.fake.first_name_female()} {self.fake.last_name_female()}"
        roll = self.rng.random()
        if roll < 0.08:
            name = f"{'H.' if sex == 'L' else 'Hj.'} {name}"
        elif roll < 0.2:
            name = f"{name}, {self.rng.choice(_DEGREES)}"
        phone = ""
        if self.rng.random() < 0.93:
            phone = self.rng.choice(_PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        person = NewRow(Person, {"nik": nik, "name": name, "sex": sex, "birth_date": birth, "phone": phone})
        self.persons.append(person)
        return person

    def _sk(self, kind: str, day: date) -> tuple[str, date]:
        sk_date = day - timedelta(days=self.rng.randint(0, 21))
        number = self.rng.randint(1, 480)
        if kind == "bupati":
            text = self.rng.choice(("141/{n}/KPTS/{y}", "141/{n}/KPTS/DPMD/{y}", "188.45/{n}/HK/{y}"))
        elif kind == "bpd":
            text = self.rng.choice(("141/{n}/BPD/{y}", "141/{n}/KPTS/{y}", "188.45/{n}/HK/{y}"))
        else:
            number = self.rng.randint(1, 40)
            text = self.rng.choice(("141/{n}/KPTS/{y}", "141/{n:02d}/SK-KADES/{y}", "{n:02d} TAHUN {y}"))
        return text.format(n=number, y=sk_date.year), sk_date

    def _seat(
        self,
        village: _Village,
        office: str,
        *,
        person: NewRow,
        start: date,
        term_end: date | None = None,
        planned_end: date | None = None,
        end_reason: str = "",
        acting: str = "",
        unit_name: str = "",
        income: Decimal,
        sk_kind: str,
        sk: tuple[str, date] | None = None,
    ) -> _Seat:
        sk_number, sk_date = sk or self._sk(sk_kind, start)
        position = {
            "person": person,
            "desa_id": village.code,
            "office": office,
            "group": group_of(office),
            "acting": acting,
            "unit_name": unit_name,
            "term_start": start,
            "term_end": term_end,
            "planned_term_end": planned_end,
            "end_reason": end_reason,
            "sk_number": sk_number,
            "sk_date": sk_date,
            "monthly_income": income,
        }
        seat = _Seat(position=position, person=person, serving=term_end is None or term_end >= self.end)
        village.seats.append(seat)
        return seat

    # -- regencies and villages

    def _regency(self, code: str) -> _Regency:
        rng = self.rng
        end = self.end
        kades_waves = [
            self._day_between(_add_years(end, -7) + timedelta(days=30), _add_years(end, -5)),
            self._day_between(_add_years(end, -5), end - timedelta(days=800)),
            self._day_between(end - timedelta(days=700), end - timedelta(days=60)),
        ]
        # Installed before the 24-month window: a whole new BPD would need its predecessor as history.
        bpd_waves = [
            self._day_between(_add_years(end, -7) + timedelta(days=30), _add_years(end, -4)),
            self._day_between(_add_years(end, -4), end - timedelta(days=800)),
        ]
        return _Regency(
            code=code,
            siltap_factor=Decimal(rng.choice(("1", "1", "1.05", "1.1", "1.15", "1.2", "1.3"))),
            bpd_allowance=Decimal(rng.choice((600_000, 700_000, 750_000, 800_000, 900_000, 1_000_000))),
            bpd_category=rng.choice(("PU", "BPU")),
            jht_share=rng.choice((0.0, 0.1, 0.2, 0.3, 0.45)),
            unregistered_weight=rng.uniform(0.4, 2.2),
            early_share=rng.uniform(0.5, 0.8),
            bpd_none_share=rng.choice((0.05, 0.1, 0.15, 0.25, 0.4)),
            kades_waves=kades_waves,
            bpd_waves=bpd_waves,
        )

    def build(self, villages: list[tuple[str, str, str]]) -> tuple[list[NewRow], list[NewRow], list[NewRow]]:
        rng = self.rng
        regencies: dict[str, _Regency] = {}
        for _code, regency_code, _district in villages:
            if regency_code not in regencies:
                regencies[regency_code] = self._regency(regency_code)

        # Which desa registered nobody: weighted by regency, exactly the target share of villages.
        share = TARGET_UNREGISTERED + rng.uniform(-0.005, 0.005)
        keys = [rng.random() ** (1 / regencies[r].unregistered_weight) for _c, r, _d in villages]
        order = sorted(range(len(villages)), key=lambda i: keys[i])
        unregistered = set(order[: round(share * len(villages))])

        plan: list[_Village] = []
        for index, (code, regency_code, district) in enumerate(villages):
            village = _Village(
                code=code,
                regency=regencies[regency_code],
                district_digits=district.replace(".", ""),
                unregistered=index in unregistered,
            )
            self._enrolment_plan(village)
            self._roster(village)
            plan.append(village)
            if self.progress and index % 100 == 0:
                self.progress(index, len(villages))

        self._statuses(plan)
        positions = [NewRow(Position, seat.position) for village in plan for seat in village.seats]
        enrolments = [
            e for village in plan for seat in village.seats if (e := self._enrolment(village, seat))
        ]
        return self.persons, positions, enrolments

    def _enrolment_plan(self, village: _Village) -> None:
        """When (and whether) the desa enrolled its aparat and its BPD."""
        rng = self.rng
        regency = village.regency
        early_first = self.as_of.add(-60)
        early_last = self.window_start.add(-1)
        if village.unregistered:
            if rng.random() < 0.2:
                # Enrolled once, then the budget stopped: everyone in arrears or inactive now.
                village.lapsed_through = self.as_of.add(-rng.randint(self.grace + 1, self.grace + 8))
                village.aparat_from = self._month_between(early_first, village.lapsed_through.add(-6))
                if rng.random() < 0.4:
                    village.bpd_from = village.aparat_from
            return
        if rng.random() < regency.early_share:
            village.aparat_from = self._month_between(early_first, early_last)
        else:
            village.aparat_from = self._window_month()
        roll = rng.random()
        if roll < regency.bpd_none_share:
            village.bpd_mode = "none"
        else:
            village.bpd_mode = "leaders" if roll < regency.bpd_none_share + 0.08 else "all"
            if rng.random() < 0.55:
                village.bpd_from = village.aparat_from
            else:
                village.bpd_from = village.aparat_from.add(rng.randint(1, 30))
                if village.bpd_from > self.as_of:
                    village.bpd_from = None  # not yet: the BPD will be enrolled after `as_of`
        if rng.random() < regency.jht_share:
            village.programmes = "JKK,JKM,JHT"

    def _window_month(self) -> Month:
        """A month in the 24-month window, later months likelier: enrolment gathered pace."""
        months = list(range(1, HISTORY_MONTHS))
        return self.window_start.add(self.rng.choices(months, weights=[12 + m for m in months])[0])

    def _income(self, village: _Village, office: str, extra: Decimal) -> Decimal:
        minimum = self.rules.siltap_minimum[office_class(Group.APARAT, office)]
        factor = village.regency.siltap_factor
        base = minimum if factor == 1 else _round_up(minimum * factor, 5000)
        return base + extra

    def _roster(self, village: _Village) -> None:
        rng = self.rng
        end = self.end
        regency = village.regency
        small = village.unregistered  # remote villages, which register least, are often the smallest
        # A tunjangan on top of the siltap, the same for every perangkat of the desa.
        extra = Decimal(rng.choice((0, 0, 0, 50_000, 100_000, 150_000, 250_000)))

        # Kepala desa: elected in one of the regency's waves; a few desa have a Pj awaiting the election.
        roll = rng.random()
        if roll < 0.04:
            ended = self._day_between(end - timedelta(days=330), end - timedelta(days=20))
            self._former_kades(village, ended, years=8)
            pj_start = ended + timedelta(days=1)
            age = rng.randint(35, 55)
            person = self._person(village, "P" if rng.random() < 0.15 else "L", self._birth_for_age(age, end))
            self._seat(
                village,
                Office.KEPALA_DESA,
                person=person,
                start=pj_start,
                acting=Acting.PJ,
                income=self._income(village, Office.KEPALA_DESA, extra),
                sk_kind="bupati",
            )
        else:
            wave = rng.choices(regency.kades_waves, weights=(35, 40, 25))[0]
            start = wave + timedelta(days=rng.randint(0, 20))
            if wave == regency.kades_waves[2]:
                self._former_kades(village, start - timedelta(days=1), years=6)
            years_in = (end - start).days // 365
            age = rng.randint(max(30, 26 + years_in), 59)
            sex = "P" if rng.random() < WOMEN_SHARE[Office.KEPALA_DESA] else "L"
            person = self._person(village, sex, self._birth_for_age(age, end))
            planned = _add_years(start, 8) - timedelta(days=1)
            self._seat(
                village,
                Office.KEPALA_DESA,
                person=person,
                start=start,
                term_end=planned,
                planned_end=planned,
                income=self._income(village, Office.KEPALA_DESA, extra),
                sk_kind="bupati",
            )

        # Perangkat: sekretaris, 2-3 kaur, 2-3 kasi (Permendagri 84/2015), one kepala dusun per dusun.
        offices: list[tuple[str, str]] = [(Office.SEKRETARIS_DESA, "")]
        two = 0.6 if small else 0.15
        offices += [(o, "") for o in (KAUR[:2] if rng.random() < two else KAUR)]
        offices += [(o, "") for o in (KASI[:2] if rng.random() < two else KASI)]
        dusun_count = rng.choice((2, 2, 3, 3, 4)) if small else rng.choice((3, 3, 4, 4, 4, 5, 5, 6))
        offices += [(Office.KEPALA_DUSUN, name) for name in self._dusun_names(dusun_count)]
        replaced = rng.randrange(len(offices)) if rng.random() < 0.3 else None
        for index, (office, unit_name) in enumerate(offices):
            income = self._income(village, office, extra)
            sex = "P" if rng.random() < WOMEN_SHARE[office] else "L"
            if index == replaced:
                ended = self._day_between(end - timedelta(days=720), end - timedelta(days=5))
                self._former_perangkat(village, office, unit_name, ended, income)
                start = min(ended + timedelta(days=1 + rng.choice((0, 0, 0, 14, 30, 45))), end)
                age = rng.randint(22, 44)
                birth = self._birth_for_age(age, end)
            else:
                age = rng.randint(22, 59)
                birth = self._birth_for_age(age, end)
                # Appointed between 20 and 42 (Permendagri 67/2017), at most 25 years ago.
                first = max(_add_years(birth, 20), _add_years(end, -25))
                last = min(_add_years(birth, 42), end)
                start = self._day_between(first, last)
            person = self._person(village, sex, birth)
            # Some SKs say "until 60"; most are open-ended.
            planned = _add_years(birth, 60) - timedelta(days=1) if rng.random() < 0.35 else None
            self._seat(
                village,
                office,
                person=person,
                start=start,
                term_end=planned,
                planned_end=planned,
                unit_name=unit_name,
                income=income,
                sk_kind="kades",
            )

        # BPD: 5, 7 or 9 members installed together; at least 30 % women.
        size = rng.choice((5, 5, 5, 5, 7)) if small else rng.choices((5, 7, 9), weights=(35, 42, 23))[0]
        women = math.ceil(size * 0.3) + (1 if rng.random() < 0.25 else 0)
        sexes = ["P"] * women + ["L"] * (size - women)
        rng.shuffle(sexes)
        if sexes[0] == "P" and rng.random() < 0.7:  # the ketua is more often a man
            swap = sexes.index("L")
            sexes[0], sexes[swap] = sexes[swap], sexes[0]
        roles = [Office.BPD_KETUA, Office.BPD_WAKIL_KETUA, Office.BPD_SEKRETARIS]
        roles += [Office.BPD_ANGGOTA] * (size - 3)
        bpd_start = rng.choice(regency.bpd_waves) + timedelta(days=rng.randint(0, 30))
        bpd_end = _add_years(bpd_start, 8) - timedelta(days=1)
        years_in = (end - bpd_start).days // 365
        installed = self._sk("bpd", bpd_start)  # one decree installs the whole BPD
        # Pergantian antar waktu (PAW): a member replaced within the last 24 months.
        paw = None
        if rng.random() < 0.12 and bpd_start + timedelta(days=180) < end - timedelta(days=30):
            paw = rng.randrange(size)
        for index, (office, sex) in enumerate(zip(roles, sexes, strict=True)):
            allowance = self._allowance(village, office)
            start = bpd_start
            if index == paw:
                first = max(bpd_start + timedelta(days=180), end - timedelta(days=720))
                ended = self._day_between(first, end - timedelta(days=10))
                age = rng.randint(max(25, 22 + years_in), 65)
                former = self._person(village, sex, self._birth_for_age(age, ended))
                self._seat(
                    village,
                    office,
                    person=former,
                    start=bpd_start,
                    term_end=ended,
                    planned_end=bpd_end,
                    end_reason=Position.EndReason.REPLACED,
                    income=allowance,
                    sk_kind="bpd",
                    sk=installed,
                )
                start = ended + timedelta(days=1)
                age = rng.randint(25, 60)
            else:
                age = rng.randint(max(25, 22 + years_in), 65)
            person = self._person(village, sex, self._birth_for_age(age, end))
            self._seat(
                village,
                office,
                person=person,
                start=start,
                term_end=bpd_end,
                planned_end=bpd_end,
                income=allowance,
                sk_kind="bpd",
                sk=installed if start == bpd_start else None,
            )

    def _former_kades(self, village: _Village, ended: date, *, years: int) -> None:
        start = _add_years(ended + timedelta(days=1), -years)
        age = self.rng.randint(40, 64)
        sex = "P" if self.rng.random() < WOMEN_SHARE[Office.KEPALA_DESA] else "L"
        person = self._person(village, sex, self._birth_for_age(age, ended))
        self._seat(
            village,
            Office.KEPALA_DESA,
            person=person,
            start=start,
            term_end=ended,
            planned_end=ended,
            end_reason=Position.EndReason.TERM_COMPLETED,
            income=self._income(village, Office.KEPALA_DESA, Decimal(0)),
            sk_kind="bupati",
        )

    def _former_perangkat(
        self, village: _Village, office: str, unit_name: str, ended: date, income: Decimal
    ) -> None:
        age = self.rng.randint(28, 59)
        birth = self._birth_for_age(age, ended)
        start = self._day_between(
            max(_add_years(birth, 20), _add_years(ended, -20)), ended - timedelta(days=365)
        )
        sex = "P" if self.rng.random() < WOMEN_SHARE[office] else "L"
        person = self._person(village, sex, birth)
        self._seat(
            village,
            office,
            person=person,
            start=start,
            term_end=ended,
            end_reason=Position.EndReason.REPLACED,
            unit_name=unit_name,
            income=income,
            sk_kind="kades",
        )

    def _allowance(self, village: _Village, office: str) -> Decimal:
        base = village.regency.bpd_allowance
        step = {Office.BPD_KETUA: 1.5, Office.BPD_WAKIL_KETUA: 1.25, Office.BPD_SEKRETARIS: 1.2}.get(
            office, 1
        )
        return _round_up(base * Decimal(str(step)), 50_000)

    def _dusun_names(self, count: int) -> list[str]:
        names: list[str] = []
        while len(names) < count:
            if self.rng.random() < 0.3:
                name = self.rng.choice(_DUSUN_SINGLE)
            else:
                name = f"{self.rng.choice(_DUSUN_HEAD)} {self.rng.choice(_DUSUN_TAIL)}"
            if name not in names:
                names.append(name)
        return names

    # -- enrolments

    def _statuses(self, plan: list[_Village]) -> None:
        """Give every serving seat its status at the end of `as_of`, then calibrate to the targets exactly."""
        rng = self.rng
        for village in plan:
            for seat in village.seats:
                group = seat.position["group"]
                enrolled_from = village.aparat_from if group == Group.APARAT else village.bpd_from
                if enrolled_from is None:
                    continue
                # Officials appointed after the desa enrolled are added some months later.
                term_month = Month.of(seat.position["term_start"])
                lag = rng.choice((0, 0, 0, 1, 1, 2, 3))
                seat.enrol_from = max(
                    enrolled_from, term_month.add(lag) if term_month >= enrolled_from else term_month
                )
                if not seat.serving:
                    continue
                if village.lapsed_through is not None:
                    if seat.enrol_from <= village.lapsed_through:
                        seat.status = status_of(
                            seat.enrol_from.first_day,
                            village.lapsed_through.first_day,
                            self.as_of,
                            self.rules.status,
                        )
                    continue
                if (
                    group == Group.BPD
                    and village.bpd_mode == "leaders"
                    and seat.position["office"] == Office.BPD_ANGGOTA
                ):
                    continue
                if seat.enrol_from > self.as_of:
                    continue  # newly appointed, not enrolled yet
                roll = rng.random()
                seat.status = PROTECTED if roll < 0.955 else ARREARS if roll < 0.985 else INACTIVE
                if seat.status != PROTECTED and self.as_of - seat.enrol_from <= self.lapse:
                    seat.status = NONE

        for village in plan:
            # A registered desa has somebody protected, by definition.
            if not village.unregistered and not any(
                s.status == PROTECTED for s in village.seats if s.serving
            ):
                first = next(s for s in village.seats if s.serving)
                first.status = PROTECTED

        share_aparat = TARGET_APARAT + rng.uniform(-0.006, 0.006)
        share_bpd = TARGET_BPD + rng.uniform(-0.006, 0.006)
        self._calibrate(plan, Group.APARAT, share_aparat)
        self._calibrate(plan, Group.BPD, share_bpd)

    def _calibrate(self, plan: list[_Village], group: str, share: float) -> None:
        rng = self.rng
        registered = [v for v in plan if not v.unregistered]
        serving = [s for v in plan for s in v.seats if s.serving and s.position["group"] == group]
        target = round(share * len(serving))
        protected = sum(1 for s in serving if s.status == PROTECTED)
        per_village = {
            v.code: sum(1 for s in v.seats if s.serving and s.status == PROTECTED) for v in registered
        }
        if protected > target:
            candidates = [
                (v, s)
                for v in registered
                for s in v.seats
                if s.serving and s.position["group"] == group and s.status == PROTECTED
            ]
            rng.shuffle(candidates)
            for village, seat in candidates:
                if protected <= target:
                    break
                if per_village[village.code] < 2:
                    continue  # a registered desa keeps at least one protected person
                enrolled_long_enough = self.as_of - seat.enrol_from > self.lapse
                seat.status = ARREARS if rng.random() < 0.5 and enrolled_long_enough else NONE
                per_village[village.code] -= 1
                protected -= 1
        elif protected < target:
            candidates = [
                (v, s)
                for v in registered
                for s in v.seats
                if s.serving and s.position["group"] == group and s.status != PROTECTED
            ]
            rng.shuffle(candidates)
            # Prefer desa that already enrolled this group, so that a desa's BPD is rarely half enrolled.
            candidates.sort(key=lambda vs: vs[1].enrol_from is None)
            for _village, seat in candidates:
                if protected >= target:
                    break
                seat.status = PROTECTED
                protected += 1

    def _kpj(self) -> str:
        while True:
            kpj = str(self.rng.randrange(10**10, 10**11))
            if kpj not in self.kpjs:
                self.kpjs.add(kpj)
                return kpj

    def _start_date(self, month: Month, term_start: date) -> date:
        first = max(month.first_day, term_start)
        last = min(month.first_day.replace(day=28), self.end)
        return self._day_between(first, max(first, last))

    def _enrolment(self, village: _Village, seat: _Seat) -> NewRow | None:
        rng = self.rng
        position = seat.position
        term_month = Month.of(position["term_start"])
        if seat.serving:
            if seat.status == NONE:
                return None
            start = seat.enrol_from or self._month_between(term_month, self.as_of)
            if seat.status == PROTECTED:
                start = min(start, self.as_of)
                late = rng.random() >= 0.7 and start != self.as_of  # paid through the grace month only
                paid = self.as_of.add(-self.grace) if late else self.as_of
            elif seat.status == ARREARS:
                paid = village.lapsed_through or self.as_of.add(-rng.randint(self.grace + 1, self.lapse))
            else:
                paid = village.lapsed_through or self.as_of.add(-rng.randint(self.lapse + 1, self.lapse + 11))
            start = max(min(start, paid), term_month)
        else:
            # A former official: enrolled while in office if the desa had enrolled by then.
            if seat.enrol_from is None:
                return None
            left = Month.of(position["term_end"])
            paid = left.add(rng.choice((0, 0, 1)))
            if village.lapsed_through is not None:
                paid = min(paid, village.lapsed_through)
            start = seat.enrol_from
            if start > paid:
                return None
        if paid < start:
            return None
        bpd = position["group"] == Group.BPD
        category = village.regency.bpd_category if bpd else Enrolment.Category.PU
        if category == Enrolment.Category.BPU:
            wage = self.rules.bpu_declared_income
            programmes = "JKK,JKM"
        else:
            wage = position["monthly_income"]
            programmes = village.programmes
        return NewRow(
            Enrolment,
            {
                "person": seat.person,
                "kpj": self._kpj(),
                "programmes": programmes,
                "category": category,
                "wage": wage,
                "start_date": self._start_date(start, position["term_start"]),
                "paid_through": paid.first_day,
                "source": Enrolment.Source.DEMO,
            },
        )
