"""The academic policy, one version per academic year (§ preamble of the domain document)."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .values import DEFAULTS, PolicyError, PolicyValues, parse


def default_document() -> dict:
    return copy.deepcopy(DEFAULTS)


class AcademicPolicy(models.Model):
    """Policy in force from the academic year starting in `start_year` until the next version."""

    start_year = models.PositiveSmallIntegerField(_("academic year (start)"), unique=True)
    document = models.JSONField(_("rules"), default=default_document)
    approved_by_council_on = models.DateField(_("approved by the Academic Council on"), null=True,
                                              blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("academic policy")
        verbose_name_plural = _("academic policies")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    def clean(self) -> None:
        try:
            parse(self.document)
        except PolicyError as exc:
            raise ValidationError({"document": str(exc)}) from exc

    @property
    def values(self) -> PolicyValues:
        return parse(self.document)
