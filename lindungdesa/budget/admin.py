"""The province administrator edits the rules here; every save goes through the services, with history.

Rows are never deleted: a rule that stops applying gets a `berlaku sampai` date and a new row follows it,
so budgets computed for earlier years keep finding the rule of their time.
"""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from lindungdesa.lib.forms import ChoiceAgain

from . import services
from .models import Budget, BudgetSetting, ContributionRule, PayerRule, RuleChange, SiltapMinimum


class _RuleForm(ChoiceAgain, forms.ModelForm):
    alasan = forms.CharField(
        label="Alasan perubahan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Disimpan di riwayat perubahan bersama nilai sebelum dan sesudahnya.",
    )


class _RuleAdmin(admin.ModelAdmin):
    form = _RuleForm
    save_service = None  # (service, keyword) set by subclasses

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        service, keyword = self.save_service
        service(**{keyword: obj}, user=request.user, reason=form.cleaned_data.get("alasan", ""))

    def history(self, obj) -> str:
        changes = RuleChange.objects.filter(kind=services.KINDS[type(obj)], object_id=obj.pk)[:10]
        lines = []
        for change in changes:
            who = change.changed_by.get_username() if change.changed_by else "sistem"
            fields = ", ".join(f"{name}: {old} → {new}" for name, old, new in change.changed_fields)
            lines.append(f"{change.changed_at:%d-%m-%Y %H:%M} {who}: {fields if change.before else 'dibuat'}")
        return "\n".join(lines) or "-"

    history.short_description = "riwayat perubahan"


@admin.register(ContributionRule)
class ContributionRuleAdmin(_RuleAdmin):
    save_service = (services.contribution_rule_save, "rule")
    list_display = [
        "programme",
        "category",
        "risk_group",
        "employer_rate",
        "worker_rate",
        "employer_amount",
        "wage_floor",
        "wage_ceiling",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["programme", "category"]
    readonly_fields = ["history", "updated_at"]


@admin.register(SiltapMinimum)
class SiltapMinimumAdmin(_RuleAdmin):
    save_service = (services.siltap_minimum_save, "minimum")
    list_display = ["office_class", "amount", "valid_from", "valid_to"]
    readonly_fields = ["history", "updated_at"]


@admin.register(PayerRule)
class PayerRuleAdmin(_RuleAdmin):
    save_service = (services.payer_rule_save, "payer")
    list_display = ["regency", "from_year", "group", "programme", "employer_payer", "worker_payer"]
    list_filter = ["from_year", "group", "programme"]
    readonly_fields = ["history", "updated_at"]
    raw_id_fields = ["regency"]


@admin.register(BudgetSetting)
class BudgetSettingAdmin(_RuleAdmin):
    save_service = (services.budget_setting_save, "setting")
    list_display = ["regency", "from_year", "risk_group", "programmes", "bpd_category", "bpd_declared_income"]
    readonly_fields = ["history", "updated_at"]
    raw_id_fields = ["regency"]


@admin.register(RuleChange)
class RuleChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "kind", "object_id", "changed_by", "reason"]
    list_filter = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "scenario", "created_at", "created_by"]
    list_filter = ["year"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
