from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "registrar.assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
