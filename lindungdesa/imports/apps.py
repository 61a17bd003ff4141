from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lindungdesa.imports"
    label = "imports"
