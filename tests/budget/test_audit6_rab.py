"""audit6: the RAB lines of a desa are one per account, office and monthly amount (docs/budget.md), in the
offices' order. The roster of tests/budget/conftest.py, with Sanggau paying every employer share from the
APBDes (as tests/budget/test_siskeudes.py), and three more perangkat in Penyeladi, not enrolled:

| person  | office            | income    | months | a month (JKK, JKM) |
|---------|-------------------|-----------|--------|--------------------|
| Paulus  | kepala dusun Hilir| 1,900,000 | 12     | 10,260             |
| Agnes   | kepala dusun Tengah| 1,900,000| 12     | 10,260             |
| Lukas   | kasi pemerintahan | 2,022,200 | 12     | 10,920             |

With Yohanes (kepala dusun Hulu, 10,260) the three kepala dusun are one line of 36 OB.
"""

from datetime import date
from importlib import import_module

import pytest
from django.apps import apps

from lindungdesa.budget import exports
from lindungdesa.budget.compute import ALL_SERVING, Scenario
from lindungdesa.budget.models import BudgetLine
from lindungdesa.budget.selectors import region_budget, stored_budget
from lindungdesa.budget.services import budget_store
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.budget.conftest import KAPUAS, NEXT, PENYELADI, person, serve
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)
from tests.budget.test_siskeudes import BPD, KADES, PERANGKAT, village_pays  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

office_from_label = import_module("lindungdesa.budget.migrations.0005_budgetline_office").office_from_label

PERANGKAT_LINES = [
    ("Iuran BPJS Ketenagakerjaan JKK, JKM, JHT Sekretaris Desa", 12, 94_316),
    ("Iuran BPJS Ketenagakerjaan JKK, JKM Kaur Keuangan", 6, 10_920),
    ("Iuran BPJS Ketenagakerjaan JKK, JKM Kasi Pemerintahan", 12, 10_920),
    ("Iuran BPJS Ketenagakerjaan JKK, JKM Kepala Dusun", 36, 10_260),
]


@pytest.fixture
def three_dusun(village_pays):  # noqa: F811  (the fixture imported above)
    serve(person(KAPUAS, date(1986, 2, 3), 21, "Paulus Jimbun"), PENYELADI, Office.KEPALA_DUSUN, "1900000",
          unit_name="Hilir")  # fmt: skip
    serve(person(KAPUAS, date(1987, 5, 6), 22, "Agnes Lidia", "P"), PENYELADI, Office.KEPALA_DUSUN,
          "1900000", unit_name="Tengah")  # fmt: skip
    serve(
        person(KAPUAS, date(1989, 8, 9), 23, "Lukas Bujang"), PENYELADI, Office.KASI_PEMERINTAHAN, "2022200"
    )
    return village_pays


def everyone(**kwargs):
    return region_budget(Region.objects.get(code=PENYELADI), NEXT, Scenario(population=ALL_SERVING), **kwargs)


def lines_of(budget, code: str) -> list[tuple[str, int, int]]:
    return [(r.description, r.volume, r.price) for r in exports.rab_lines(budget) if r.account.code == code]


def test_the_kepala_dusun_of_every_dusun_are_one_line_in_the_offices_order(three_dusun):
    b = everyone()
    assert lines_of(b, PERANGKAT) == PERANGKAT_LINES
    assert lines_of(b, KADES) == [("Iuran BPJS Ketenagakerjaan JKK, JKM Kepala Desa", 12, 13_104)]
    assert lines_of(b, BPD) == [
        ("Iuran BPJS Ketenagakerjaan JKK, JKM Ketua BPD", 12, 16_800),
        ("Iuran BPJS Ketenagakerjaan JKK, JKM Anggota BPD", 12, 16_800),
    ]
    # Every other figure as before: the lines add up to the APBDes part to the rupiah.
    assert sum(r.amount for r in exports.rab_lines(b)) == b.total.by_source["APBDES"]
    assert not any("Hulu" in r.description or "Hilir" in r.description for r in exports.rab_lines(b))


def test_an_adopted_budget_keeps_the_office_and_groups_alike(three_dusun, village_operator):
    stored = budget_store(
        region=Region.objects.get(code=PENYELADI),
        year=NEXT,
        scenario=Scenario(population=ALL_SERVING),
        user=village_operator,
    )
    assert set(
        stored.lines.filter(office_label__startswith="Kepala Dusun").values_list("office", flat=True)
    ) == {Office.KEPALA_DUSUN}
    assert lines_of(stored_budget(stored), PERANGKAT) == PERANGKAT_LINES


def test_budgets_adopted_before_get_their_office_from_the_label(three_dusun, village_operator):
    stored = budget_store(
        region=Region.objects.get(code=PENYELADI),
        year=NEXT,
        scenario=Scenario(population=ALL_SERVING),
        user=village_operator,
    )
    stored.lines.update(office="")
    stored.lines.filter(office_label="Kasi Pemerintahan").update(office_label="Plt Kasi Pemerintahan")
    import_module("lindungdesa.budget.migrations.0005_budgetline_office").fill_office(apps, None)
    assert not stored.lines.filter(office="").exists()
    acting = stored.lines.filter(office_label="Plt Kasi Pemerintahan")
    assert set(acting.values_list("office", flat=True)) == {Office.KASI_PEMERINTAHAN}
    assert lines_of(stored_budget(stored), PERANGKAT) == PERANGKAT_LINES
    # A label no office matches keeps its own line, after the known offices.
    BudgetLine.objects.filter(budget=stored, office=Office.KEPALA_DUSUN).update(
        office="", office_label="Kadus"
    )
    assert lines_of(stored_budget(stored), PERANGKAT)[-1] == (
        "Iuran BPJS Ketenagakerjaan JKK, JKM Kadus",
        36,
        10_260,
    )


@pytest.mark.parametrize(
    ("label", "office"),
    [
        ("Kepala Desa", "kepala_desa"),
        ("Pj Kepala Desa", "kepala_desa"),
        ("Plt Sekretaris Desa", "sekretaris_desa"),
        ("Kepala Dusun Sukamaju", "kepala_dusun"),
        ("Kepala Dusun", "kepala_dusun"),
        ("Kaur Tata Usaha dan Umum", "kaur_tu_umum"),
        ("Sekretaris BPD", "bpd_sekretaris"),
        ("Wakil Ketua BPD", "bpd_wakil_ketua"),
        ("Kadus Hulu", ""),
        ("Kepala Desanya", ""),
    ],
)
def test_the_migration_reads_the_office_from_the_label(label, office):
    assert office_from_label(label) == office
