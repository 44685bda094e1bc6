from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "registrar.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
