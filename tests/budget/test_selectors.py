"""A region's budget read from the database: the hand-made roster of conftest.py, to the rupiah."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindungdesa.budget import compute
from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
from lindungdesa.budget.models import BudgetSetting, ContributionRule, PayerRule, SiltapMinimum
from lindungdesa.budget.selectors import budget_inputs, region_budget, region_budgets
from lindungdesa.budget.services import budget_setting_save
from lindungdesa.lib.months import Month
from lindungdesa.officials.models import Office
from lindungdesa.regions.models import Region
from tests.budget.conftest import (
    ALL_SERVING_TOTAL,
    CURRENT_BY_PROGRAMME,
    CURRENT_BY_SOURCE,
    CURRENT_TOTAL,
    GAP,
    KAPUAS,
    NANGA_BIANG_TOTAL,
    NEXT,
    PENYELADI,
    SAMBAS_TOTAL,
    person,
    serve,
)
from tests.budget.roster_once import fresh_budget_roster, module_budget_roster  # noqa: F401  (fixtures: made once)
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


def budget(code: str, scenario: str = CURRENT, year: int = NEXT, **kwargs):
    return region_budget(Region.objects.get(code=code), year, Scenario.parse(scenario), **kwargs)


def test_the_seeded_rules_are_domain_md_section_2():
    rates = {
        (r.programme, r.category, r.risk_group, r.valid_from, r.valid_to): (
            r.employer_rate,
            r.worker_rate,
            r.employer_amount,
            r.wage_floor,
            r.wage_ceiling,
        )
        for r in ContributionRule.objects.all()
    }
    start = date(2015, 7, 1)
    pct = {1: "0.24", 2: "0.54", 3: "0.89", 4: "1.27", 5: "1.74"}
    for group, rate in pct.items():
        assert rates["JKK", "PU", group, start, None][0] == compute.Decimal(rate)
    assert rates["JKM", "PU", None, start, None][0] == compute.Decimal("0.30")
    assert rates["JHT", "PU", None, start, None][:2] == (compute.Decimal("3.7"), compute.Decimal("2"))
    assert rates["JP", "PU", None, date(2024, 3, 1), date(2025, 2, 28)][4] == 10_042_300
    assert rates["JP", "PU", None, date(2025, 3, 1), None][4] == 10_547_400
    assert rates["JKK", "BPU", None, start, None][0::3] == (1, 1_000_000)
    assert rates["JKM", "BPU", None, start, None][2] == 6_800
    assert rates["JHT", "BPU", None, start, None][0::3] == (2, 1_000_000)
    assert len(rates) == 12
    assert all(r.legal_basis for r in ContributionRule.objects.all())
    minimums = dict(SiltapMinimum.objects.values_list("office_class", "amount"))
    assert minimums == {"kepala_desa": 2_426_640, "sekretaris_desa": 2_224_420, "perangkat": 2_022_200}


def test_the_seeded_payers_are_the_defaults_of_domain_md():
    seeded = {(p.group, p.programme): p.as_plain() for p in PayerRule.objects.filter(regency__isnull=True)}
    assert {k: (p.employer, p.worker) for k, p in seeded.items()} == {
        k: (p.employer, p.worker) for k, p in compute.DEFAULT_PAYERS.items()
    }
    assert seeded["APARAT", "JKK"].employer == "APBD" and seeded["APARAT", "JP"].employer == "APBDES"
    assert all("Dana Desa tidak boleh" in p.legal_basis for p in seeded.values())
    setting = BudgetSetting.objects.get(regency__isnull=True)
    assert (setting.risk_group, setting.programmes, setting.bpd_category) == (1, "JKK,JKM", "BPU")


def test_current_participants_of_a_desa(budget_roster):
    b = budget(PENYELADI)
    assert b.total.total == CURRENT_TOTAL == 2_024_496
    assert b.total.persons == 3
    assert b.total.by_source == CURRENT_BY_SOURCE
    assert b.total.by_programme == CURRENT_BY_PROGRAMME
    assert {p.name: p.amount for p in b.budget.persons} == {
        "Budi Santoso": 157_248,
        "Siti Aminah": 1_665_648,
        "Maria Ulin": 201_600,
    }
    assert b.children == []


def test_everyone_serving_and_the_gap(budget_roster):
    b = budget(PENYELADI, ALL_SERVING)
    assert b.total.total == ALL_SERVING_TOTAL == 2_414_736
    assert b.total.persons == 6
    people = {p.name: p for p in b.budget.persons}
    assert people["Ahmad Fauzi"].amount == 65_520  # 6 months: the term ends on 30 June
    assert people["Ahmad Fauzi"].months == 6
    assert people["Yohanes Apui"].amount == 123_120
    assert people["Yohanes Apui"].below_minimum
    assert people["Antonius Ading"].amount == 201_600  # BPD not enrolled: BPU on Rp 1,000,000
    assert b.budget.below_minimum == 1
    assert b.total.minus(budget(PENYELADI).total).total == GAP


def test_scenarios_add_jht_and_jp_for_everyone(budget_roster):
    base, jht, jp = region_budgets(
        Region.objects.get(code=PENYELADI),
        NEXT,
        [Scenario(ALL_SERVING), Scenario(ALL_SERVING, ("JHT",)), Scenario(ALL_SERVING, ("JP",))],
    )
    # JP: only wage earners; 3 % of the income, 2 % from APBDes and 1 % from the official.
    ahmad = next(p for p in jp.budget.persons if p.name == "Ahmad Fauzi")
    assert ahmad.amount_by_source("APBDES") == 6 * 40_444  # 2 % of 2,022,200
    assert ahmad.amount_by_source("PESERTA") == 6 * 20_222
    assert jp.total.by_source["APBDES"] > 0 and base.total.by_source["APBDES"] == 0
    antonius = next(p for p in jp.budget.persons if p.name == "Antonius Ading")
    assert antonius.amount == 201_600
    assert any("JP tidak tersedia bagi peserta BPU" in n for n in antonius.notes)
    # JHT for Antonius as BPU: 2 % of Rp 1,000,000 more a month.
    antonius = next(p for p in jht.budget.persons if p.name == "Antonius Ading")
    assert antonius.amount == 12 * 36_800
    assert jht.total.total > base.total.total


def test_a_higher_risk_group_raises_jkk_only(budget_roster):
    base = budget(PENYELADI, ALL_SERVING)
    higher = budget(PENYELADI, "all-serving+risiko-2")
    assert higher.total.by_programme["JKK"] > base.total.by_programme["JKK"]
    # JKM's rate is the same; rounding each person's month once may move a rupiah between programmes.
    person_months = sum(p.months for p in base.budget.persons)
    assert abs(higher.total.by_programme["JKM"] - base.total.by_programme["JKM"]) <= person_months
    assert higher.total.by_programme["JHT"] == base.total.by_programme["JHT"] == 12 * (82_304 + 44_488)


def test_regency_and_province_totals_are_the_sums_of_their_children(budget_roster):
    desa = budget(PENYELADI).total.total + budget("61.03.01.2008").total.total
    assert budget("61.03.01.2008").total.total == NANGA_BIANG_TOTAL
    kapuas = budget(KAPUAS)
    assert kapuas.total.total == desa
    assert kapuas.budget.desa[PENYELADI].total == CURRENT_TOTAL
    sanggau = budget("61.03")
    assert dict((r.code, t.total) for r, t in sanggau.children)[KAPUAS] == desa
    assert sanggau.total.total == sum(t.total for _r, t in sanggau.children)
    province = budget("61")
    assert province.total.total == desa + SAMBAS_TOTAL
    assert province.total.total == sum(t.total for _r, t in province.children)
    assert len(province.children) == 14
    assert province.as_dict()["children"][0] == {
        "region": "61.01",
        "year": NEXT,
        "scenario": "current",
        "persons": 1,
        "total": SAMBAS_TOTAL,
        "by_source": {"APBD": SAMBAS_TOTAL, "APBDES": 0, "PESERTA": 0},
        "by_programme": {"JKK": 12 * 5824, "JKM": 12 * 7280, "JHT": 0, "JP": 0},
        "by_account": {},  # nothing from the APBDes with the default payers
    }


def test_a_regencys_own_payer_rule_applies_to_its_desa_only(budget_roster):
    PayerRule.objects.create(
        regency_id="61.03", from_year=NEXT, group="APARAT", programme="JKK", employer_payer="APBDES"
    )
    PayerRule.objects.create(
        regency_id="61.03", from_year=NEXT + 1, group="APARAT", programme="JKM", employer_payer="APBDES"
    )
    b = budget(PENYELADI)
    # Budi's and Siti's JKK (12 × (5824 + 5339)) now come from the APBDes; JKM only from the year after.
    assert b.total.by_source["APBDES"] == 12 * (5824 + 5339)
    assert budget("61.01.01.2001").total.by_source["APBDES"] == 0
    assert budget(PENYELADI, year=NEXT + 1).total.by_source["APBDES"] == 12 * (5824 + 5339 + 7280 + 6673)


def test_a_kelurahan_has_no_budget(budget_roster):
    b = budget("61.03.01.1001")
    assert b.total.total == 0 and b.budget.desa == {}


def test_the_reads_are_a_few_grouped_queries_whatever_the_region(budget_roster):
    for code in (PENYELADI, "61.03", "61"):
        region = Region.objects.get(code=code)
        with CaptureQueriesContext(connection) as queries:
            region_budget(region, NEXT, Scenario(ALL_SERVING), lines=region.level == 4)
        # Ten reads, who has no NIK yet (totals only) and the version of the data (totals_version).
        assert len(queries) <= 12, code


def test_a_region_s_totals_are_read_from_the_cache_until_the_data_changes(budget_roster):
    sanggau = Region.objects.get(code="61.03")
    first = region_budget(sanggau, NEXT, Scenario(ALL_SERVING), lines=False)
    with CaptureQueriesContext(connection) as queries:
        again = region_budget(sanggau, NEXT, Scenario(ALL_SERVING), lines=False)
    # The version of the data, the child regions, the desa and kecamatan names: no roster read.
    assert len(queries) <= 3
    assert again.total == first.total and again.budget.desa == first.budget.desa
    assert [(r.code, t) for r, t in again.children] == [(r.code, t) for r, t in first.children]
    # A new holder (a post_save: the data version moves) is in the next read.
    serve(person(KAPUAS, date(1991, 2, 2), 21, "Paulus Baru"), PENYELADI, Office.KAUR_TU_UMUM, "2022200")
    after = region_budget(sanggau, NEXT, Scenario(ALL_SERVING), lines=False)
    assert after.total.persons == first.total.persons + 1
    # A rule change (budget.services, or the admin through it) too.
    row = BudgetSetting.objects.get(regency__isnull=True)
    row.bpd_declared_income = Decimal(2_000_000)
    budget_setting_save(setting=row, user=None, reason="uji")
    assert region_budget(sanggau, NEXT, Scenario(ALL_SERVING), lines=False).total.total > after.total.total


def test_a_past_reference_month_decides_who_is_a_current_participant(budget_roster):
    inputs = budget_inputs(Region.objects.get(code=PENYELADI), NEXT, Month(2023, 12))
    assert inputs.memberships == {}  # every membership starts in January 2024
    assert budget(PENYELADI, reference=Month(2023, 12)).total.total == 0


def test_legal_basis_comes_with_the_budget(budget_roster):
    texts = budget(PENYELADI).legal_basis()
    assert any("PP 44/2015" in t and "0,24 %" in t for t in texts)
    assert any("PP 46/2015" in t for t in texts)
    assert any("Permendagri 15/2023" in t for t in texts)
    assert any("PP 11/2019" in t for t in texts)
    assert not any("PP 45/2015" in t for t in texts)  # nobody has JP


def test_who_serves_without_a_nik_is_counted_alike_with_and_without_the_lines(budget_roster):
    """The totals of a large region are read without the people's names and NIKs: the count of people with
    no NIK yet must not take every NIK for missing then."""
    from lindungdesa.officials.models import Person
    from lindungdesa.officials.services import position_start

    for code in (PENYELADI, "61.03", "61"):
        assert budget(code, ALL_SERVING, lines=False).without_nik == 0, code
    nameless = Person.objects.create(name="Agustinus Jemadu", birth_date=date(1983, 9, 21))
    position_start(
        region=None,
        person=nameless,
        desa=Region.objects.get(code=PENYELADI),
        office=Office.KAUR_PERENCANAAN,
        term_start=date(NEXT - 1, 3, 1),
    )
    for code in (PENYELADI, "61.03", "61"):
        assert budget(code, ALL_SERVING, lines=False).without_nik == 1, code
        assert budget(code, ALL_SERVING, lines=code == PENYELADI).without_nik == 1, code


def test_a_nik_completed_on_the_persons_page_shows_in_the_kept_totals(budget_roster):
    from lindungdesa.officials.models import Person
    from lindungdesa.officials.services import person_update, position_start

    nameless = Person.objects.create(name="Agustinus Jemadu", birth_date=date(1983, 9, 21))
    position_start(
        region=None,
        person=nameless,
        desa=Region.objects.get(code=PENYELADI),
        office=Office.KAUR_PERENCANAAN,
        term_start=date(NEXT - 1, 3, 1),
    )
    assert budget("61.03", ALL_SERVING, lines=False).without_nik == 1  # now kept
    person_update(
        region=None,
        person=nameless,
        nik=make_nik(KAPUAS, date(1983, 9, 21), "L", serial=31),
        name="Agustinus Jemadu",
        sex=None,
        birth_date=date(1983, 9, 21),
    )
    assert budget("61.03", ALL_SERVING, lines=False).without_nik == 0
