"""Sections, individual study plans (ISP) and registrations with waitlists (§5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import Language


class SectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed for registration")
    CANCELLED = "cancelled", _("Cancelled (under-filled)")


class Section(models.Model):
    """An offering of a discipline in a term: one teacher, one language, a capacity.

    `enrolled_count` is maintained by a conditional UPDATE in the registration service and
    checked by the database, so no concurrency can push it over the capacity.
    """

    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="sections")
    discipline = models.ForeignKey("curriculum.Discipline", verbose_name=_("discipline"),
                                   on_delete=models.PROTECT, related_name="sections")
    code = models.CharField(_("code"), max_length=32)
    teacher = models.ForeignKey("people.Staff", verbose_name=_("teacher"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="sections")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    enrolled_count = models.PositiveSmallIntegerField(_("enrolled"), default=0)
    schedule = models.CharField(_("schedule"), max_length=120, blank=True,
                                help_text=_("e.g. Mon 09:00, Wed 11:00, room A-301"))
    groups = models.ManyToManyField("institution.AcademicGroup", verbose_name=_("groups"),
                                    blank=True, related_name="sections",
                                    help_text=_("The stream: groups this section is meant for."))
    status = models.CharField(_("status"), max_length=16, choices=SectionStatus.choices,
                              default=SectionStatus.OPEN)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["period", "discipline__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="section_code_per_term"),
            models.CheckConstraint(condition=Q(enrolled_count__lte=models.F("capacity")),
                                   name="section_never_over_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.discipline.name}"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the advisor")
    ADVISOR_APPROVED = "advisor_approved", _("Approved by the advisor")
    APPROVED = "approved", _("Approved by the dean")
    RETURNED = "returned", _("Returned for changes")


class StudyPlan(models.Model):
    """A student's individual study plan (ISP) for one term."""

    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="study_plans")
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="study_plans")
    semester = models.PositiveSmallIntegerField(_("semester of the curriculum"))
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices,
                             default=PlanState.DRAFT)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    advisor_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            verbose_name=_("approved by the advisor"),
                                            on_delete=models.PROTECT, related_name="+")
    advisor_approved_at = models.DateTimeField(_("advisor approved at"), null=True, blank=True)
    dean_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         verbose_name=_("approved by the dean"),
                                         on_delete=models.PROTECT, related_name="+")
    dean_approved_at = models.DateTimeField(_("dean approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("individual study plan")
        verbose_name_plural = _("individual study plans")
        ordering = ["-period__starts_on", "student"]
        constraints = [
            models.UniqueConstraint(fields=["student", "period"], name="one_plan_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.period}"


class StudyPlanLine(models.Model):
    plan = models.ForeignKey(StudyPlan, verbose_name=_("plan"), on_delete=models.CASCADE,
                             related_name="lines")
    discipline = models.ForeignKey("curriculum.Discipline", verbose_name=_("discipline"),
                                   on_delete=models.PROTECT, related_name="+")
    component = models.CharField(_("component"), max_length=16,
                                 choices=[("compulsory", _("Compulsory")),
                                          ("elective", _("Elective"))])
    credits = models.PositiveSmallIntegerField(_("credits"))

    class Meta:
        verbose_name = _("study plan line")
        verbose_name_plural = _("study plan lines")
        ordering = ["plan", "component", "discipline__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "discipline"], name="discipline_once_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.discipline.code}"


class RegistrationState(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DROPPED = "dropped", _("Dropped")
    CANCELLED = "cancelled", _("Cancelled with the section")


ACTIVE_STATES = (RegistrationState.ENROLLED, RegistrationState.WAITLISTED)


class Registration(models.Model):
    """A student's seat (or place in line) in a section.

    The student holds at most one active registration per discipline and term, and
    at most one per section, enforced by partial unique indexes.
    """

    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="registrations")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT,
                                related_name="registrations")
    # Copied from the section so the database can enforce one section per discipline.
    discipline = models.ForeignKey("curriculum.Discipline", on_delete=models.PROTECT,
                                   related_name="+")
    period = models.ForeignKey("institution.AcademicPeriod", on_delete=models.PROTECT,
                               related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=RegistrationState.choices)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["section", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "discipline", "period"],
                condition=Q(state__in=["enrolled", "waitlisted"]),
                name="one_active_registration_per_discipline",
            ),
        ]
        indexes = [
            models.Index(fields=["section", "state", "created_at"]),
            models.Index(fields=["student", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.student} → {self.section} ({self.get_state_display()})"
