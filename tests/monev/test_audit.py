"""Changes to cases, rounds and contribution rules are in the audit trail."""

from datetime import date

import pytest

from lindungdesa.accounts.models import AuditEntry
from lindungdesa.budget.models import ContributionRule
from lindungdesa.monev import rules
from lindungdesa.monev.services import case_move, round_open
from lindungdesa.regions.models import Region
from tests.web.conftest import PENYELADI

pytestmark = pytest.mark.django_db


def test_a_round_and_each_case_move_are_audited(roster, analyst):
    round_ = round_open(
        province=Region.objects.get(code="61"), period="2026-Q1", user=analyst, today=date(2026, 3, 16)
    )
    case = round_.cases.get(desa_id=PENYELADI)
    case_move(case=case, to_state=rules.LETTER_SENT, user=analyst, note="dikirim")
    entries = AuditEntry.objects.filter(model__in=["monev.Round", "monev.Case"])
    assert entries.filter(model="monev.Round").count() == 1
    moved = entries.get(model="monev.Case", object_id=str(case.pk))
    assert moved.before["state"] == rules.NEW and moved.after["state"] == rules.LETTER_SENT
    assert moved.region_code == PENYELADI


def test_a_contribution_rule_change_is_audited():
    rule = ContributionRule.objects.first()
    old = rule.legal_basis
    rule.legal_basis = old + " (diperbarui)"
    rule.save()
    entry = AuditEntry.objects.filter(model="budget.ContributionRule", object_id=str(rule.pk)).latest("id")
    assert entry.before == {"legal_basis": old} and entry.after["legal_basis"].endswith("(diperbarui)")
