from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindungdesa.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import audited

        audited.register_all()
