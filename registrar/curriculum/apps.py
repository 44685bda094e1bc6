from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    name = "registrar.curriculum"
    verbose_name = _("Curriculum and calendar")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
