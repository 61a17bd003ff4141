"""Changing rules keeps their history; an adopted budget keeps the rules it used."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lindungdesa.budget.compute import ALL_SERVING, CURRENT, Scenario
from lindungdesa.budget.models import BudgetLine, ContributionRule, PayerRule, RuleChange
from lindungdesa.budget.selectors import payers_in_force, region_budget, stored_budget
from lindungdesa.budget.services import budget_store, contribution_rule_save, payer_rules_set
from lindungdesa.regions.models import Region
from tests.budget.conftest import CURRENT_TOTAL, NEXT, PENYELADI
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_admin(db):
    """Agus, administrator of the Kalimantan Barat deployment, who keeps the contribution rules."""
    return make_user("agus", "admin", "61", "Agus")


def jkm_pu() -> ContributionRule:
    return ContributionRule.objects.get(programme="JKM", category="PU")


def test_a_rule_change_is_kept_with_who_when_before_and_after(province_admin):
    rule = jkm_pu()
    rule.employer_rate = Decimal("0.35")
    contribution_rule_save(rule=rule, user=province_admin, reason="Uji perubahan tarif")
    change = RuleChange.objects.filter(kind="contribution", object_id=rule.pk).first()
    assert change.changed_by == province_admin
    assert change.reason == "Uji perubahan tarif"
    assert change.before["employer_rate"] == "0.3000" and change.after["employer_rate"] == "0.3500"
    assert change.changed_fields == [("employer_rate", "0.3000", "0.3500")]
    # The seed itself is the first entry of the row's history.
    assert RuleChange.objects.filter(kind="contribution", object_id=rule.pk, before__isnull=True).exists()


def test_saving_without_a_change_adds_no_history(province_admin):
    rule = jkm_pu()
    count = RuleChange.objects.count()
    contribution_rule_save(rule=rule, user=province_admin)
    assert RuleChange.objects.count() == count


def test_overlapping_dates_are_refused_in_indonesian(province_admin):
    new = ContributionRule(
        programme="JKM",
        category="PU",
        employer_rate=Decimal("0.35"),
        valid_from=date(NEXT, 1, 1),
        legal_basis="PP baru",
    )
    with pytest.raises(ValidationError, match="bertumpang tindih"):
        contribution_rule_save(rule=new, user=province_admin)
    # Ending the old row first makes room for the new one.
    old = jkm_pu()
    old.valid_to = date(NEXT - 1, 12, 31)
    contribution_rule_save(rule=old, user=province_admin, reason="Diganti PP baru")
    contribution_rule_save(rule=new, user=province_admin, reason="PP baru")
    assert ContributionRule.objects.filter(programme="JKM", category="PU").count() == 2


def test_a_rule_needs_a_rate_or_an_amount_and_jkk_pu_a_risk_group(province_admin):
    empty = ContributionRule(programme="JKM", category="BPU", valid_from=date(2040, 1, 1), legal_basis="x")
    with pytest.raises(ValidationError, match="Isi tarif"):
        contribution_rule_save(rule=empty, user=province_admin)
    jkk = ContributionRule(
        programme="JKK", category="PU", employer_rate=1, valid_from=date(2040, 1, 1), legal_basis="x"
    )
    with pytest.raises(ValidationError, match="kelompok risiko"):
        contribution_rule_save(rule=jkk, user=province_admin)


def test_a_rule_change_never_alters_last_years_adopted_budget(budget_roster, province_admin):
    desa = Region.objects.get(code=PENYELADI)
    last_year = NEXT - 1
    stored = budget_store(region=desa, year=last_year, scenario=Scenario(CURRENT), user=province_admin)
    assert stored.total == CURRENT_TOTAL
    used = {r["programme"]: r for r in stored.used_rules}
    assert used["JKM"]["employer_rate"] == "0.3000"

    # The province administrator corrects JKM in place, for every year.
    rule = jkm_pu()
    rule.employer_rate = Decimal("0.50")
    contribution_rule_save(rule=rule, user=province_admin, reason="Koreksi")

    live = region_budget(desa, last_year, Scenario(CURRENT))
    assert live.total.total > CURRENT_TOTAL
    again = stored_budget(type(stored).objects.get(pk=stored.pk))
    assert again.total.total == CURRENT_TOTAL
    assert sum(p.amount for p in again.budget.persons) == CURRENT_TOTAL
    assert {r.programme: r.employer_rate for r in again.budget.rules}["JKM"] == Decimal("0.3000")
    assert any("0,30 %" in text for text in again.legal_basis())
    assert again.stored == stored


def test_an_adopted_budget_keeps_its_lines_and_notes(budget_roster, village_operator):
    desa = Region.objects.get(code=PENYELADI)
    stored = budget_store(region=desa, year=NEXT, scenario=Scenario(ALL_SERVING), user=village_operator)
    live = region_budget(desa, NEXT, Scenario(ALL_SERVING))
    assert BudgetLine.objects.filter(budget=stored).count() == sum(len(p.lines) for p in live.budget.persons)
    again = stored_budget(stored)
    assert again.total == live.total
    assert again.budget.desa == live.budget.desa
    assert {p.name: p.notes for p in again.budget.persons} == {p.name: p.notes for p in live.budget.persons}
    assert again.budget.below_minimum == live.budget.below_minimum == 1
    assert again.scenario == Scenario(ALL_SERVING)
    assert stored.created_by == village_operator


def test_a_regency_sets_its_own_payers_from_a_year_on(budget_roster, sanggau_operator):
    sanggau = Region.objects.get(code="61.03")
    changed = payer_rules_set(
        regency=sanggau,
        from_year=NEXT,
        payers={("APARAT", "JKK"): ("APBDES", "PESERTA"), ("APARAT", "JKM"): ("APBD", "PESERTA")},
        user=sanggau_operator,
        reason="Perbup Sanggau tentang iuran",
    )
    assert changed == 1  # JKM stays as the default says: no row for it
    assert PayerRule.objects.filter(regency=sanggau).count() == 1
    assert payers_in_force(sanggau, NEXT)["APARAT", "JKK"].employer == "APBDES"
    assert payers_in_force(sanggau, NEXT - 1)["APARAT", "JKK"].employer == "APBD"
    assert payers_in_force(sanggau, NEXT + 3)["APARAT", "JKK"].employer == "APBDES"
    change = RuleChange.objects.get(kind="payer", changed_by=sanggau_operator)
    assert change.after["employer_payer"] == "APBDES" and change.before is None


def test_payers_are_set_per_regency_only(sanggau_operator):
    with pytest.raises(ValidationError, match="per kabupaten"):
        payer_rules_set(
            regency=Region.objects.get(code="61"), from_year=NEXT, payers={}, user=sanggau_operator
        )
