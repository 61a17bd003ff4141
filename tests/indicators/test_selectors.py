"""The indicator definitions of docs/indicators.md on a small hand-made roster, exact expected numbers."""

from datetime import date

import pytest

from lindungdesa.indicators.selectors import region_indicators
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.factories import enrol, make_person, make_position

pytestmark = pytest.mark.django_db

NOV = Month(2026, 11)
OCT = Month(2026, 10)


def villages(regency: str) -> list[Region]:
    return list(Region.objects.filter(regency_code=regency, kind=Region.Kind.DESA).order_by("code")[:2])


@pytest.fixture
def roster():
    desa_a, desa_b = villages("61.03")
    desa_c = villages("61.01")[0]
    start = date(2020, 1, 1)

    kades_a = make_position(desa_a, Office.KEPALA_DESA, start, name="Kades A")
    enrol(kades_a.person, date(2021, 1, 1), date(2026, 10, 1))  # paid through M-1: protected
    sekdes_a = make_position(desa_a, Office.SEKRETARIS_DESA, start, name="Sekdes A")
    enrol(sekdes_a.person, date(2021, 1, 1), date(2026, 9, 1))  # paid through M-2: in arrears
    make_position(desa_a, Office.KAUR_KEUANGAN, start, date(2026, 11, 29), name="Left the day before")
    make_position(desa_a, Office.KAUR_TU_UMUM, start, date(2026, 11, 30), name="Serves on the last day")
    make_position(desa_a, Office.KASI_PELAYANAN, date(2026, 12, 1), name="Starts next month")
    ketua_a = make_position(desa_a, Office.BPD_KETUA, start, date(2027, 12, 31), name="Ketua A")
    enrol(ketua_a.person, date(2021, 1, 1), date(2026, 12, 1))  # paid ahead
    anggota_a = make_position(desa_a, Office.BPD_ANGGOTA, start, date(2027, 12, 31), name="Anggota A")
    enrol(anggota_a.person, date(2026, 12, 1), date(2026, 12, 1))  # enrolled only from December

    kades_b = make_position(desa_b, Office.KEPALA_DESA, start, name="Kades B")
    enrol(kades_b.person, date(2021, 1, 1), date(2026, 11, 1))
    anggota_b = make_position(desa_b, Office.BPD_ANGGOTA, start, date(2027, 12, 31), name="Anggota B")
    enrol(anggota_b.person, date(2021, 1, 1), date(2026, 10, 1))

    make_position(desa_c, Office.KEPALA_DESA, start, name="Kades C")  # never enrolled
    return desa_a, desa_b, desa_c


def test_province_figures(roster):
    data = region_indicators(Region.objects.get(code="61"), NOV).as_dict()
    assert data["villages"] == 2046
    assert data["villages_registered"] == 2
    assert data["villages_registered_pct"] == 0.1  # 2 / 2046 = 0.0977 %
    assert data["villages_fully_covered"] == 1
    assert (data["aparat_serving"], data["aparat_protected"], data["aparat_coverage_pct"]) == (5, 2, 40.0)
    assert (data["bpd_serving"], data["bpd_protected"], data["bpd_coverage_pct"]) == (3, 2, 66.67)
    assert len(data["children"]) == 14


def test_children_split_the_province(roster):
    data = region_indicators(Region.objects.get(code="61"), NOV).as_dict()
    by_code = {c["region"]: c for c in data["children"]}
    sanggau, sambas = by_code["61.03"], by_code["61.01"]
    assert (sanggau["aparat_serving"], sanggau["aparat_protected"]) == (4, 2)
    assert (sanggau["villages_registered"], sanggau["villages_fully_covered"]) == (2, 1)
    assert (sambas["aparat_serving"], sambas["aparat_protected"], sambas["villages_registered"]) == (1, 0, 0)
    assert sum(c["villages"] for c in data["children"]) == 2046


def test_desa_figures(roster):
    desa_a, desa_b, _ = roster
    a = region_indicators(desa_a, NOV).as_dict()
    assert (a["villages"], a["villages_registered"], a["villages_fully_covered"]) == (1, 1, 0)
    assert (a["aparat_serving"], a["aparat_protected"]) == (3, 1)
    assert (a["bpd_serving"], a["bpd_protected"]) == (2, 1)
    assert a["children"] == []
    b = region_indicators(desa_b, NOV).as_dict()
    assert (b["villages_registered"], b["villages_fully_covered"]) == (1, 1)


def test_the_period_decides_terms_and_payments(roster):
    desa_a = roster[0]
    data = region_indicators(desa_a, OCT).as_dict()
    # In October the kaur keuangan still served, and the sekdes paid through September was protected.
    assert (data["aparat_serving"], data["aparat_protected"]) == (4, 2)
    assert (data["bpd_serving"], data["bpd_protected"]) == (2, 1)


def test_a_kecamatan_made_only_of_kelurahan_shows_zero_villages():
    kota = Region.objects.get(code="61.71")
    data = region_indicators(kota, NOV).as_dict()
    assert data["villages"] == 0
    assert data["villages_registered_pct"] is None
    assert all(c["villages"] == 0 for c in data["children"])


def test_a_person_enrolled_twice_counts_once(roster):
    desa_b = roster[1]
    kades = desa_b.positions.get(office=Office.KEPALA_DESA)
    enrol(kades.person, date(2019, 1, 1), date(2020, 1, 1))  # an old lapsed membership beside the active one
    data = region_indicators(desa_b, NOV).as_dict()
    assert (data["aparat_serving"], data["aparat_protected"]) == (1, 1)


def test_unused_helper_person_is_not_counted():
    desa = villages("61.03")[0]
    make_person(desa, name="Tanpa jabatan")
    assert region_indicators(desa, NOV).as_dict()["aparat_serving"] == 0
