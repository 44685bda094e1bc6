from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "registrar.documents"
    verbose_name = _("Issued documents")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
