from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles


class OpsConfig(AppConfig):
    """Running the system: the production server, task workers' heartbeats, health checks, backups."""

    name = "lindungdesa.ops"
    label = "ops"


class StaticFilesConfig(staticfiles.StaticFilesConfig):
    """collectstatic without the static files of apps whose pages are not used: Django REST framework's
    browsable API (the API answers JSON only) and django-htmx's own copies of htmx (ours is vendored).
    Compressing them took a fifth of collectstatic's compression time (docs/benchmarks.md)."""

    ignore_patterns = [*staticfiles.StaticFilesConfig.ignore_patterns, "rest_framework", "django_htmx"]
