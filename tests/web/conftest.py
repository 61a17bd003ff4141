"""Named people and a small hand-made roster in Kabupaten Sanggau, with figures known in advance.

Period 2026-03 (the state at the end of March 2026), under the seeded status rule: protected when paid
through February 2026 or later, in arrears when paid through January 2026 or December 2025, inactive
before that.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.officials.models import Acting, Office, Person, Position
from lindungdesa.officials.services import person_register, position_end, position_start
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_nik

PERIOD = "2026-03"
PASSWORD = "kata-sandi-uji-12345"

KAPUAS = "61.03.01"  # a kecamatan of Sanggau: 6 kelurahan and 20 desa
PENYELADI = "61.03.01.2007"  # the village operator's desa
NANGA_BIANG = "61.03.01.2008"  # fully covered
TANJUNG_KAPUAS = "61.03.01.1001"  # a kelurahan
MUKOK = "61.03.02"
MUKOK_DESA = "61.03.02.2001"
SAMBAS = "61.01"
DALAM_KAUM = "61.01.01.2001"  # a desa in Kabupaten Sambas
PONTIANAK_SELATAN = "61.71.01"  # a kecamatan of Kota Pontianak made only of kelurahan

EARLY = date(2024, 1, 15)  # when most memberships began


@dataclass
class Roster:
    budi: Person  # kepala desa of Penyeladi: protected (beside an old lapsed membership)
    siti: Person  # sekretaris desa: in arrears
    ahmad: Person  # kaur keuangan: inactive
    yohanes: Person  # Plt kepala dusun Hulu: never enrolled
    paulus: Person  # kepala dusun Hulu until December 2025: under Riwayat jabatan
    maria: Person  # ketua BPD: protected
    antonius: Person  # anggota BPD: his membership starts after the period, so not enrolled yet
    stefanus: Person  # kepala desa in Mukok: not enrolled
    zulkarnain: Person  # kepala desa in Sambas: protected


def register(district: str, born: date, serial: int, name: str, *, female: bool = False) -> Person:
    return person_register(
        region=None, nik=make_nik(district, born, "P" if female else "L", serial=serial), name=name
    )


def start(person: Person, desa: str, office: str, term_start: date, **kwargs) -> Position:
    return position_start(
        region=None,
        person=person,
        desa=Region.objects.get(code=desa),
        office=office,
        term_start=term_start,
        **kwargs,
    )


@pytest.fixture
def roster(db) -> Roster:
    return roster_make()


def roster_make() -> Roster:
    """The roster without a fixture (tests/accounts/test_write_matrix.py builds it once per module)."""
    # Penyeladi: aparat 1 of 4 protected, BPD 1 of 2: registered, not fully covered.
    budi = register(KAPUAS, date(1975, 4, 12), 1, "Budi Santoso")
    start(budi, PENYELADI, Office.KEPALA_DESA, date(2022, 1, 10), term_end=date(2029, 12, 31))
    enrol(budi, date(2015, 1, 1), date(2019, 12, 1))
    enrol(budi, EARLY, date(2026, 2, 1))

    siti = register(KAPUAS, date(1983, 7, 5), 2, "Siti Aminah", female=True)
    start(siti, PENYELADI, Office.SEKRETARIS_DESA, date(2020, 6, 1))
    enrol(siti, EARLY, date(2026, 1, 1))

    ahmad = register(KAPUAS, date(1979, 11, 23), 3, "Ahmad Fauzi")
    start(ahmad, PENYELADI, Office.KAUR_KEUANGAN, date(2021, 3, 1))
    enrol(ahmad, EARLY, date(2025, 10, 1))

    paulus = register(KAPUAS, date(1966, 2, 2), 4, "Paulus Jimbun")
    hulu = start(paulus, PENYELADI, Office.KEPALA_DUSUN, date(2018, 1, 1), unit_name="Hulu")
    position_end(region=None, position=hulu, last_day=date(2025, 12, 31), reason=Position.EndReason.RETIRED)
    enrol(paulus, EARLY, date(2025, 12, 1))

    yohanes = register(KAPUAS, date(1990, 8, 17), 5, "Yohanes Apui")
    start(yohanes, PENYELADI, Office.KEPALA_DUSUN, date(2026, 1, 1), unit_name="Hulu", acting=Acting.PLT)

    maria = register(KAPUAS, date(1985, 3, 30), 6, "Maria Ulin", female=True)
    start(maria, PENYELADI, Office.BPD_KETUA, date(2024, 2, 1))
    enrol(maria, EARLY, date(2026, 3, 1))

    antonius = register(KAPUAS, date(1988, 9, 9), 7, "Antonius Ading")
    start(antonius, PENYELADI, Office.BPD_ANGGOTA, date(2024, 2, 1))
    enrol(antonius, date(2026, 5, 1), date(2026, 6, 1))

    # Nanga Biang: everyone protected.
    kades = register(KAPUAS, date(1970, 1, 1), 8, "Hendrikus Nanga")
    start(kades, NANGA_BIANG, Office.KEPALA_DESA, date(2020, 1, 1))
    enrol(kades, EARLY, date(2026, 2, 1))
    ketua = register(KAPUAS, date(1972, 5, 5), 9, "Lusia Biang", female=True)
    start(ketua, NANGA_BIANG, Office.BPD_KETUA, date(2024, 2, 1))
    enrol(ketua, EARLY, date(2026, 3, 1))

    stefanus = register(MUKOK, date(1968, 6, 6), 1, "Stefanus Mukok")
    start(stefanus, MUKOK_DESA, Office.KEPALA_DESA, date(2021, 1, 1))

    zulkarnain = register("61.01.01", date(1977, 7, 7), 1, "Zulkarnain Sambas")
    start(zulkarnain, DALAM_KAUM, Office.KEPALA_DESA, date(2021, 1, 1))
    enrol(zulkarnain, EARLY, date(2026, 3, 1))

    return Roster(budi, siti, ahmad, yohanes, paulus, maria, antonius, stefanus, zulkarnain)


def make_user(username: str, role: str, region: str | None, first_name: str) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, region_id=region, first_name=first_name
    )


@pytest.fixture
def analyst(db) -> User:
    """Dewi, province analyst at the DPMPD of Kalimantan Barat."""
    return make_user("dewi", User.Role.PROVINCE_ANALYST, "61", "Dewi")


@pytest.fixture
def sanggau_operator(db) -> User:
    """Rudi, operator at the DPMD of Kabupaten Sanggau."""
    return make_user("rudi", User.Role.REGENCY_OPERATOR, "61.03", "Rudi")


@pytest.fixture
def village_operator(db) -> User:
    """Yanti, operator of Desa Penyeladi."""
    return make_user("yanti", User.Role.VILLAGE_OPERATOR, PENYELADI, "Yanti")


@pytest.fixture
def outsider(db) -> User:
    """Operator of Kabupaten Sambas, who should have no access to anything in Sanggau."""
    return make_user("sambas", User.Role.REGENCY_OPERATOR, SAMBAS, "Operator Sambas")
