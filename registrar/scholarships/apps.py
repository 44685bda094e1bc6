from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScholarshipsConfig(AppConfig):
    name = "registrar.scholarships"
    verbose_name = _("Scholarships and grants")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
