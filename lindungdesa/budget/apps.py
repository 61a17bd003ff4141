from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "lindungdesa.budget"
    label = "budget"
    verbose_name = "Anggaran iuran"

    def ready(self) -> None:
        from lindungdesa.accounts import audit, audit_display

        from .audit_text import budget_value_text
        from .models import Budget, BudgetSetting, ContributionRule, PayerRule, SiltapMinimum

        # Rules are ended, never deleted (services refuse it); adopted budgets keep their own copies.
        for model in (ContributionRule, SiltapMinimum):
            audit.register(model)
        for model in (PayerRule, BudgetSetting):
            audit.register(model, region=lambda rule: rule.regency_id or "")
        audit.register(Budget, region=lambda budget: budget.region_id)
        audit_display.register_values("budget.Budget", budget_value_text)
