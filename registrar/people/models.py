"""Students, staff and the roles of user accounts (§1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import iin as iin_rules
from . import search
from .choices import FINAL_STATUSES, Funding, Gender, Role, StudentStatus  # noqa: F401


def validate_iin(value: str) -> None:
    try:
        iin_rules.validate(value)
    except iin_rules.InvalidIIN as exc:
        raise ValidationError(_("Invalid IIN: %(reason)s"), params={"reason": _(str(exc))},
                              code="invalid_iin") from exc


class PersonName(models.Model):
    """A person's name in the three official scripts of the university."""

    last_name_kk = models.CharField(_("surname (Kazakh)"), max_length=100, blank=True)
    first_name_kk = models.CharField(_("given name (Kazakh)"), max_length=100, blank=True)
    patronymic_kk = models.CharField(_("patronymic (Kazakh)"), max_length=100, blank=True)
    last_name_ru = models.CharField(_("surname (Russian)"), max_length=100)
    first_name_ru = models.CharField(_("given name (Russian)"), max_length=100)
    patronymic_ru = models.CharField(_("patronymic (Russian)"), max_length=100, blank=True)
    last_name_en = models.CharField(_("surname (Latin)"), max_length=100, blank=True)
    first_name_en = models.CharField(_("given name (Latin)"), max_length=100, blank=True)

    NAME_FIELDS = (
        "last_name_kk", "first_name_kk", "patronymic_kk",
        "last_name_ru", "first_name_ru", "patronymic_ru",
        "last_name_en", "first_name_en",
    )

    class Meta:
        abstract = True

    @staticmethod
    def name_in(names: Mapping[str, str], language: str | None) -> str:
        """The full name in a language from the ``NAME_FIELDS`` values (a row read with
        ``values()`` gives the same name as the instance): the Latin name in English, the
        Kazakh one in Kazakh, the Russian one otherwise and when the other is missing."""
        lang = (language or "ru")[:2]
        if lang == "en" and names["last_name_en"]:
            return f"{names['last_name_en']} {names['first_name_en']}".strip()
        suffix = "kk" if lang == "kk" and names["last_name_kk"] else "ru"
        parts = (names[f"last_name_{suffix}"], names[f"first_name_{suffix}"],
                 names[f"patronymic_{suffix}"])
        return " ".join(p for p in parts if p)

    @classmethod
    def name_columns(cls, prefix: str = "") -> tuple[str, ...]:
        """The ``NAME_FIELDS`` as read through a relation (``"teacher__"``) with ``values()``."""
        return tuple(f"{prefix}{field}" for field in cls.NAME_FIELDS)

    @classmethod
    def name_from(cls, row: Mapping[str, Any], prefix: str, language: str | None) -> str:
        """``name_in`` of the ``name_columns(prefix)`` values of a row."""
        return cls.name_in({f: row[f"{prefix}{f}"] for f in cls.NAME_FIELDS}, language)

    def full_name_in(self, language: str | None) -> str:
        return self.name_in({f: getattr(self, f) for f in self.NAME_FIELDS}, language)

    @property
    def full_name(self) -> str:
        return self.full_name_in(get_language())


class Staff(PersonName):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff")
    department = models.ForeignKey("institution.Department", verbose_name=_("department"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="staff")
    position = models.CharField(_("position"), max_length=120, blank=True)
    academic_degree = models.CharField(_("academic degree"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["last_name_ru", "first_name_ru"]

    def __str__(self) -> str:
        return self.full_name


class StudentQuerySet(models.QuerySet):
    """Keeps `Student.search_key` right on the write paths that bypass `save` (see search)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        search.fill_keys(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> Any:
        objs, fields = list(objs), list(fields)
        if (search.KEY_SOURCES.intersection(fields) and "search_key" not in fields
                and search.fill_keys(objs)):
            fields.append("search_key")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        if not search.KEY_SOURCES.intersection(kwargs) or "search_key" in kwargs:
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        search.refresh_keys(Student.objects.filter(pk__in=pks))
        return count


class Student(PersonName):
    """A person in the student body.

    The academic fields (status, programme, group, year of study, funding) are
    the *current* state. Only applied orders change them (see contingent), and
    they always equal what the student's applied orders derive.

    `search_key` is derived (names in every script, IIN, group; see people/search.py) and
    kept up to date by `save` and by the queryset's bulk methods.
    """

    iin = models.CharField(_("IIN"), max_length=12, unique=True, validators=[validate_iin])
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    citizenship = models.CharField(_("citizenship"), max_length=2, default="KZ",
                                   help_text=_("ISO 3166-1 alpha-2 country code"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=StudentStatus.choices,
                              default=StudentStatus.APPLICANT, db_index=True)
    programme = models.ForeignKey("institution.Programme", verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="students")
    group = models.ForeignKey("institution.AcademicGroup", verbose_name=_("group"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="students")
    year_of_study = models.PositiveSmallIntegerField(_("year of study"), default=0)
    funding = models.CharField(_("funding"), max_length=16, choices=Funding.choices,
                               default=Funding.PAID)
    advisor = models.ForeignKey(Staff, verbose_name=_("advisor"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="advisees")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="student")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_key = models.TextField(_("search key"), blank=True, default="", editable=False)

    objects = StudentQuerySet.as_manager()

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["last_name_ru", "first_name_ru"]
        constraints = [
            models.CheckConstraint(condition=Q(year_of_study__lte=7), name="year_of_study_range"),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(group__isnull=False),
                name="active_student_has_group",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name_ru", "first_name_ru"]),
            models.Index(fields=["last_name_kk"]),
            models.Index(fields=["last_name_en"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.iin})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or search.KEY_SOURCES.intersection(update_fields):
            self.search_key = search.key_for(self)
            if update_fields is not None and "search_key" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "search_key"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if not self.iin or not self.birth_date:
            return
        try:
            born = iin_rules.birth_date_of(self.iin)
        except iin_rules.InvalidIIN:
            return  # the field validator reports it
        if born != self.birth_date:
            raise ValidationError({"birth_date": _("The birth date does not match the IIN.")})
        if self.gender and iin_rules.sex_of(self.iin) != self.gender:
            raise ValidationError({"gender": _("The gender does not match the IIN.")})

    @property
    def faculty_id(self) -> int:
        return self.programme.department.faculty_id


class RoleAssignment(models.Model):
    """A role held by a user account. Deans are scoped to one faculty each."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    faculty = models.ForeignKey("institution.Faculty", verbose_name=_("faculty"), null=True,
                                blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "faculty"], name="unique_role"),
            models.CheckConstraint(condition=~Q(role="dean") | Q(faculty__isnull=False),
                                   name="dean_has_faculty"),
        ]

    def __str__(self) -> str:
        scope = f" ({self.faculty})" if self.faculty_id else ""
        return f"{self.user} — {self.get_role_display()}{scope}"


@receiver(post_save, sender="institution.AcademicGroup")
def _group_renamed(sender: Any, instance: Any, created: bool, raw: bool = False,
                   **kwargs: Any) -> None:
    """A renamed group renames the group word in its students' search keys."""
    if not created and not raw:
        search.refresh_keys(Student.objects.filter(group_id=instance.pk))
