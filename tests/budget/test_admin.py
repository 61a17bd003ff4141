"""The province administrator edits the rules in the admin; each save is kept in the history."""

from decimal import Decimal

import pytest

from lindungdesa.accounts.models import User
from lindungdesa.budget.models import ContributionRule, RuleChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db) -> User:
    """Agus, administrator of the Kalimantan Barat deployment."""
    return User.objects.create_superuser(
        username="agus", password="kata-sandi-uji-12345", role=User.Role.ADMIN, region_id="61"
    )


def form(rule: ContributionRule, **changes) -> dict:
    data = {
        "programme": rule.programme,
        "category": rule.category,
        "risk_group": rule.risk_group or "",
        "employer_rate": rule.employer_rate,
        "worker_rate": rule.worker_rate,
        "employer_amount": rule.employer_amount,
        "worker_amount": rule.worker_amount,
        "wage_floor": rule.wage_floor or "",
        "wage_ceiling": rule.wage_ceiling or "",
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else "",
        "legal_basis": rule.legal_basis,
        "alasan": "",
    }
    data.update(changes)
    return data


def test_the_administrator_changes_a_rate_and_the_history_says_who_and_why(client, administrator):
    client.force_login(administrator)
    rule = ContributionRule.objects.get(programme="JKM", category="PU")
    url = f"/admin/budget/contributionrule/{rule.pk}/change/"
    assert "riwayat perubahan" in client.get(url).content.decode()
    response = client.post(url, form(rule, employer_rate="0.31", alasan="Koreksi uji"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.employer_rate == Decimal("0.31")
    change = RuleChange.objects.filter(kind="contribution", object_id=rule.pk).first()
    assert (change.changed_by, change.reason) == (administrator, "Koreksi uji")
    assert change.changed_fields == [("employer_rate", "0.3000", "0.3100")]
    assert "0.3000 → 0.3100" in client.get(url).content.decode()


def test_overlapping_dates_are_shown_on_the_admin_form(client, administrator):
    client.force_login(administrator)
    rule = ContributionRule.objects.get(programme="JKM", category="PU")
    data = form(rule, valid_from="2030-01-01", employer_rate="0.40")
    response = client.post("/admin/budget/contributionrule/add/", data)
    assert response.status_code == 200
    assert "bertumpang tindih" in response.content.decode()
    assert ContributionRule.objects.filter(programme="JKM", category="PU").count() == 1


def test_rules_are_never_deleted_in_the_admin(client, administrator):
    client.force_login(administrator)
    rule = ContributionRule.objects.first()
    assert client.get(f"/admin/budget/contributionrule/{rule.pk}/delete/").status_code == 403
