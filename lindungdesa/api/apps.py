from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Nothing to do when Django starts. The OpenAPI schema's token and session schemes (`auth.TokenScheme`,
    `auth.SessionScheme`) are registered when `auth` is imported, which DRF does as its views are defined
    (`APIView` reads the settings' authentication classes), before any schema can be made. Importing it
    here made every process, workers and commands too, import DRF's fields and drf-spectacular: about a
    quarter of Django's start (docs/benchmarks.md)."""

    name = "lindungdesa.api"
    label = "api"
