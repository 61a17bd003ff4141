from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "lindungdesa.indicators"
    label = "indicators"
