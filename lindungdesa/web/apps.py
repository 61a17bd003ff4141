from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lindungdesa.web"
    label = "web"
