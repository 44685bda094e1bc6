from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "registrar.scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
