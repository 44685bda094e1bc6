from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "registrar.records"
    verbose_name = _("Academic records")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
