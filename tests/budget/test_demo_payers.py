import pytest

from lindungdesa.budget.demo import DEMO_BASIS, budget_demo
from lindungdesa.budget.models import PayerRule, RuleChange
from lindungdesa.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_third_of_the_demo_regencies_pay_aparat_jkk_and_jkm_from_the_apbdes():
    province = Region.objects.get(code="61")
    changed = budget_demo(province=province, seed=1)
    assert len(changed) == 14 // 3
    rows = PayerRule.objects.filter(regency__isnull=False)
    assert {r.regency_id for r in rows} == set(changed)
    assert {(r.group, r.programme, r.employer_payer) for r in rows} == {
        ("APARAT", "JKK", "APBDES"),
        ("APARAT", "JKM", "APBDES"),
    }
    assert all(r.legal_basis == DEMO_BASIS for r in rows)
    assert RuleChange.objects.filter(kind="payer", reason=DEMO_BASIS).count() == 2 * len(changed)
    # Running set-up again changes nothing.
    assert budget_demo(province=province, seed=1) == []
    assert rows.count() == 2 * len(changed)
