"""Faculties, departments, programmes, academic years and periods, academic groups (§2, §4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")


class Degree(models.TextChoices):
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


class StudyForm(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    DISTANCE = "distance", _("Distance")


class TrilingualName(models.Model):
    """Names in Kazakh, Russian and English; `name` follows the active language."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)

    class Meta:
        abstract = True

    def name_in(self, language: str | None) -> str:
        lang = (language or "ru")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_ru

    @property
    def name(self) -> str:
        return self.name_in(get_language())


class Faculty(TrilingualName):
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("faculty")
        verbose_name_plural = _("faculties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(TrilingualName):
    faculty = models.ForeignKey(Faculty, verbose_name=_("faculty"), on_delete=models.PROTECT,
                                related_name="departments")
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Programme(TrilingualName):
    """An educational programme: the unit a student is enrolled in."""

    code = models.CharField(_("code"), max_length=16, unique=True,
                            help_text=_("Specialty code, e.g. 6B06101"))
    department = models.ForeignKey(Department, verbose_name=_("department"),
                                   on_delete=models.PROTECT, related_name="programmes")
    degree = models.CharField(_("degree"), max_length=16, choices=Degree.choices)
    study_form = models.CharField(_("study form"), max_length=16, choices=StudyForm.choices,
                                  default=StudyForm.FULL_TIME)
    language = models.CharField(_("language of instruction"), max_length=2,
                                choices=Language.choices)
    duration_years = models.PositiveSmallIntegerField(_("duration (years)"), default=4)
    total_credits = models.PositiveSmallIntegerField(_("total credits"), default=240)

    class Meta:
        verbose_name = _("educational programme")
        verbose_name_plural = _("educational programmes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_years__gte=1, duration_years__lte=7),
                                   name="programme_duration_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def faculty(self) -> Faculty:
        return self.department.faculty


class AcademicYear(models.Model):
    start_year = models.PositiveSmallIntegerField(_("start year"), unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("academic year")
        verbose_name_plural = _("academic years")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                   name="academic_year_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"


class PeriodKind(models.TextChoices):
    AUTUMN = "autumn", _("Autumn semester")
    SPRING = "spring", _("Spring semester")
    SUMMER = "summer", _("Summer semester")


class AcademicPeriod(models.Model):
    year = models.ForeignKey(AcademicYear, verbose_name=_("academic year"),
                             on_delete=models.PROTECT, related_name="periods")
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("academic period")
        verbose_name_plural = _("academic periods")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="one_period_of_kind_per_year"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                   name="academic_period_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"


class AcademicGroup(models.Model):
    """A group such as CS-23-1: one programme, one intake year, one language."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="groups")
    intake_year = models.PositiveSmallIntegerField(_("intake year"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    curator = models.ForeignKey("people.Staff", verbose_name=_("curator"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="curated_groups")

    class Meta:
        verbose_name = _("academic group")
        verbose_name_plural = _("academic groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
