from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "registrar.registration"
    verbose_name = _("Study plans and registration")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
