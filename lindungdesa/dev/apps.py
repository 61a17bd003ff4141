from django.apps import AppConfig


class DevConfig(AppConfig):
    name = "lindungdesa.dev"
    label = "dev"
    verbose_name = "Alat pengembangan"
