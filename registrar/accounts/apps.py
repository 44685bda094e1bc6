from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "registrar.accounts"
    verbose_name = _("Sign-in and security")

    def ready(self) -> None:
        from . import lockout, permissions, second_factor  # noqa: F401  (signals and rules)
