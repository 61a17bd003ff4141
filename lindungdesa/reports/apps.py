from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lindungdesa.reports"
    label = "reports"
