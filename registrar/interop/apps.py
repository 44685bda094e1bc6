from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "registrar.interop"
    verbose_name = _("Interoperability")

    def ready(self) -> None:
        from . import outbox, permissions  # noqa: F401  (the outbox receiver; the rules)
