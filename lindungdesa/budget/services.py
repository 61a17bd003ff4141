"""Changing the rules (with history) and adopting budgets. Pages, the admin and the command call these."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from lindungdesa.accounts.models import User
from lindungdesa.lib.months import Month
from lindungdesa.regions.models import Region

from . import compute
from .models import (
    Budget,
    BudgetLine,
    BudgetSetting,
    ContributionRule,
    PayerRule,
    RuleChange,
    SiltapMinimum,
)
from .selectors import payers_in_force, region_budget

KINDS = {
    ContributionRule: RuleChange.Kind.CONTRIBUTION,
    SiltapMinimum: RuleChange.Kind.MINIMUM,
    PayerRule: RuleChange.Kind.PAYER,
    BudgetSetting: RuleChange.Kind.SETTING,
}


def rule_snapshot(obj: models.Model) -> dict:
    """The row's values as JSON (decimals and dates as text), for the history."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.attname == "updated_at":
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, (Decimal, date)):
            value = str(value)
        out[f.attname] = value
    return out


def _save_with_history(obj: models.Model, *, user: User | None, reason: str) -> models.Model:
    model = type(obj)
    before = None
    if obj.pk is not None:
        old = model.objects.select_for_update(of=("self",)).filter(pk=obj.pk).first()
        before = rule_snapshot(old) if old is not None else None
    obj.full_clean()  # includes the check across rows (overlapping dates), see DatedRule.clean
    obj.save()
    after = rule_snapshot(model.objects.get(pk=obj.pk))  # as stored: decimals with their places
    if before != after:
        RuleChange.objects.create(
            kind=KINDS[model], object_id=obj.pk, before=before, after=after, reason=reason, changed_by=user
        )
    return obj


@transaction.atomic
def contribution_rule_save(
    *, rule: ContributionRule, user: User | None, reason: str = ""
) -> ContributionRule:
    """Create or change a contribution rule; refuses dates overlapping another row of the same kind."""
    return _save_with_history(rule, user=user, reason=reason)


@transaction.atomic
def siltap_minimum_save(*, minimum: SiltapMinimum, user: User | None, reason: str = "") -> SiltapMinimum:
    return _save_with_history(minimum, user=user, reason=reason)


@transaction.atomic
def budget_setting_save(*, setting: BudgetSetting, user: User | None, reason: str = "") -> BudgetSetting:
    return _save_with_history(setting, user=user, reason=reason)


@transaction.atomic
def payer_rule_save(*, payer: PayerRule, user: User | None, reason: str = "") -> PayerRule:
    return _save_with_history(payer, user=user, reason=reason)


@transaction.atomic
def payer_rules_set(
    *,
    regency: Region,
    from_year: int,
    payers: dict[tuple[str, str], tuple[str, str]],
    user: User | None,
    reason: str = "",
) -> int:
    """Set who pays, for a regency from a fiscal year on: {(group, programme): (employer, worker)}.

    Writes the regency's own row for `from_year` where the choice differs from what is in force (its
    earlier rows or the default); returns the number of rows changed.
    """
    if regency.level != 2:
        raise ValidationError(_("Sumber pembayaran diatur per kabupaten/kota."))
    in_force = payers_in_force(regency, from_year)
    changed = 0
    for (group, programme), (employer, worker) in payers.items():
        current = in_force[(group, programme)]
        row = PayerRule.objects.filter(
            regency=regency, from_year=from_year, group=group, programme=programme
        ).first()
        if row is None:
            if (current.employer, current.worker) == (employer, worker):
                continue
            row = PayerRule(regency=regency, from_year=from_year, group=group, programme=programme)
        elif (row.employer_payer, row.worker_payer) == (employer, worker):
            continue
        row.employer_payer, row.worker_payer = employer, worker
        row.legal_basis = (
            reason or row.legal_basis or _("Diatur oleh %(regency)s.") % {"regency": regency.name}
        )
        _save_with_history(row, user=user, reason=reason)
        changed += 1
    return changed


@transaction.atomic
def budget_store(
    *,
    region: Region,
    year: int,
    scenario: compute.Scenario,
    user: User | None,
    reference: Month | None = None,
) -> Budget:
    """Adopt (tetapkan) a budget: keep its lines, totals and copies of every rule row it used.

    Whatever happens to the rules afterwards, reading this budget back gives the same figures.
    """
    live = region_budget(region, year, scenario, reference=reference)
    budget = live.budget
    stored = Budget.objects.create(
        region=region,
        year=year,
        scenario=scenario.name,
        reference=str(live.reference),
        totals=budget.total.as_dict(),
        children={code: t.as_dict() for code, t in budget.children.items()},
        desa_totals={code: t.as_dict() for code, t in budget.desa.items()},
        used_rules=[r.as_dict() for r in budget.rules],
        used_payers=[p.as_dict() for p in budget.payers],
        used_settings=[s.as_dict() for s in budget.settings],
        used_minimums=[m.as_dict() for m in budget.minimums],
        notes={str(p.person_id): p.notes for p in budget.persons if p.notes},
        created_by=user,
    )
    BudgetLine.objects.bulk_create(
        (
            BudgetLine(
                budget=stored,
                position_id=line.position_id,
                person_id=line.person_id,
                desa_code=line.desa,
                name=line.name,
                nik=line.nik or "",  # "": the NIK is not known yet
                office_label=line.office_label,
                group=line.group,
                category=line.category,
                income=line.income,
                programme=line.programme,
                share=line.share,
                source=line.source,
                first_month=line.first_month,
                last_month=line.last_month,
                monthly=line.monthly,
                rule_id=line.rule_id,
                account=line.account,
                office=line.office,
            )
            for person in budget.persons
            for line in person.lines
        ),
        batch_size=2000,
    )
    return stored
