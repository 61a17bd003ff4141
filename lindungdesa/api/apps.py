from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lindungdesa.api"
    label = "api"

    def ready(self) -> None:
        from . import auth  # noqa: F401  (registers the token scheme in the OpenAPI schema)
