from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraduationConfig(AppConfig):
    name = "registrar.graduation"
    verbose_name = _("Final attestation and graduation")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
