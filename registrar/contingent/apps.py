from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContingentConfig(AppConfig):
    name = "registrar.contingent"
    verbose_name = _("Contingent and orders")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
