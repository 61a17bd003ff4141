from django.apps import AppConfig


class OfficialsConfig(AppConfig):
    name = "lindungdesa.officials"
    label = "officials"
