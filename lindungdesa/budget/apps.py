from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "lindungdesa.budget"
    label = "budget"
    verbose_name = "Anggaran iuran"
