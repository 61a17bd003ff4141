"""A hand-made roster in Desa Penyeladi (Sanggau) whose budget for next year is worked out below by hand.

Seeded rules (docs/domain.md §2), JKK risk group I, payers by default: JKK, JKM and the employer share of JHT
from the APBD, the worker share of JHT from the official; BPD members not enrolled as BPU on Rp 1,000,000.

| person  | office          | income    | membership          | months | a month | the year   |
|---------|-----------------|-----------|---------------------|--------|---------|------------|
| Budi    | kepala desa     | 2,426,640 | PU JKK JKM          | 12     | 13,104  | 157,248    |
| Siti    | sekretaris desa | 2,224,420 | PU JKK JKM JHT      | 12     | 138,804 | 1,665,648  |
| Maria   | ketua BPD       | 900,000   | BPU JKK JKM on 1 jt | 12     | 16,800  | 201,600    |
| Ahmad   | kaur keuangan   | 2,022,200 | none (ends 30 June) | 6      | 10,920  | 65,520     |
| Yohanes | kepala dusun    | 1,900,000 | none (below minimum)| 12     | 10,260  | 123,120    |
| Antonius| anggota BPD     | 700,000   | none (BPU default)  | 12     | 16,800  | 201,600    |

Siti's month: 5338.608 + 6673.26 + 82303.54 (JHT 3.7 %) + 44488.40 (JHT 2 %) = 138803.808 → 138,804, shared
as 5339 + 6673 + 82304 + 44488: APBD 94,316 and the official 44,488 a month.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from lindungdesa.enrolment.models import Enrolment
from lindungdesa.officials.models import Office, Person
from lindungdesa.officials.services import person_register, position_start
from lindungdesa.regions.models import Region
from tests.factories import make_nik
from tests.web.conftest import (  # noqa: F401  (fixtures: named people)
    DALAM_KAUM,
    KAPUAS,
    NANGA_BIANG,
    PENYELADI,
    SAMBAS,
    analyst,
    outsider,
    sanggau_operator,
    village_operator,
)

NEXT = timezone.localdate().year + 1
PAID_FAR = date(timezone.localdate().year + 3, 12, 1)  # protected whatever the month the tests run in

CURRENT_TOTAL = 157_248 + 1_665_648 + 201_600  # 2,024,496
CURRENT_BY_SOURCE = {"APBD": 157_248 + 12 * 94_316 + 201_600, "APBDES": 0, "PESERTA": 12 * 44_488}
CURRENT_BY_PROGRAMME = {"JKK": 253_956, "JKM": 249_036, "JHT": 1_521_504, "JP": 0}
GAP = 65_520 + 123_120 + 201_600  # 390,240
ALL_SERVING_TOTAL = CURRENT_TOTAL + GAP  # 2,414,736
NANGA_BIANG_TOTAL = 157_248  # one kepala desa at the minimum siltap, enrolled
SAMBAS_TOTAL = 157_248


@dataclass
class BudgetRoster:
    budi: Person
    siti: Person
    maria: Person
    ahmad: Person
    yohanes: Person
    antonius: Person


def person(district: str, born: date, serial: int, name: str, sex: str = "L") -> Person:
    return person_register(region=None, nik=make_nik(district, born, sex, serial=serial), name=name)


def serve(who: Person, desa: str, office: str, income: str, **kwargs):
    return position_start(
        region=None,
        person=who,
        desa=Region.objects.get(code=desa),
        office=office,
        term_start=kwargs.pop("start", date(2022, 1, 10)),
        monthly_income=Decimal(income),
        **kwargs,
    )


def enrol(who: Person, programmes: str, category: str = "PU", wage: str = "0") -> Enrolment:
    return Enrolment.objects.create(
        person=who,
        kpj=f"9{who.pk:010d}",
        programmes=programmes,
        category=category,
        wage=Decimal(wage),
        start_date=date(2024, 1, 15),
        paid_through=PAID_FAR,
    )


@pytest.fixture
def budget_roster(db) -> BudgetRoster:
    return budget_roster_make()


def budget_roster_make() -> BudgetRoster:
    """The roster of the table above, and a kepala desa in Nanga Biang and in Sambas."""
    budi = person(KAPUAS, date(1975, 4, 12), 11, "Budi Santoso")
    serve(budi, PENYELADI, Office.KEPALA_DESA, "2426640")
    enrol(budi, "JKK,JKM")

    siti = person(KAPUAS, date(1983, 7, 5), 12, "Siti Aminah", "P")
    serve(siti, PENYELADI, Office.SEKRETARIS_DESA, "2224420")
    enrol(siti, "JKK,JKM,JHT")

    maria = person(KAPUAS, date(1985, 3, 30), 13, "Maria Ulin", "P")
    serve(maria, PENYELADI, Office.BPD_KETUA, "900000", start=date(2024, 2, 1))
    enrol(maria, "JKK,JKM", category="BPU", wage="1000000")

    ahmad = person(KAPUAS, date(1979, 11, 23), 14, "Ahmad Fauzi")
    serve(ahmad, PENYELADI, Office.KAUR_KEUANGAN, "2022200", term_end=date(NEXT, 6, 30))

    yohanes = person(KAPUAS, date(1990, 8, 17), 15, "Yohanes Apui")
    serve(yohanes, PENYELADI, Office.KEPALA_DUSUN, "1900000", unit_name="Hulu")

    antonius = person(KAPUAS, date(1988, 9, 9), 16, "Antonius Ading")
    serve(antonius, PENYELADI, Office.BPD_ANGGOTA, "700000", start=date(2024, 2, 1))

    # One enrolled kepala desa in Nanga Biang (same kecamatan) and one in Sambas (another regency).
    hendrikus = person(KAPUAS, date(1970, 1, 1), 17, "Hendrikus Nanga")
    serve(hendrikus, NANGA_BIANG, Office.KEPALA_DESA, "2426640")
    enrol(hendrikus, "JKK,JKM")
    zulkarnain = person("61.01.01", date(1977, 7, 7), 18, "Zulkarnain Sambas")
    serve(zulkarnain, DALAM_KAUM, Office.KEPALA_DESA, "2426640")
    enrol(zulkarnain, "JKK,JKM")
    return BudgetRoster(budi, siti, maria, ahmad, yohanes, antonius)
