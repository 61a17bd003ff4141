from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lindungdesa.imports"
    label = "imports"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (connects the receiver that fails the batch of a failed task)
