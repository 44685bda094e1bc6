from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlanksConfig(AppConfig):
    name = "registrar.blanks"
    verbose_name = _("Strict accountability forms")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
