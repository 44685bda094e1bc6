from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionConfig(AppConfig):
    name = "registrar.institution"
    verbose_name = _("Institution")
