from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindungdesa.accounts"
    label = "accounts"
