from django.apps import AppConfig


class MonevConfig(AppConfig):
    name = "lindungdesa.monev"
    label = "monev"

    def ready(self) -> None:
        from . import signals

        signals.connect()
