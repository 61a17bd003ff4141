from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "lindungdesa.indicators"
    label = "indicators"

    def ready(self) -> None:
        from . import signals

        signals.connect()
