from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lindungdesa.regions"
    label = "regions"
