"""Disciplines, working curricula and the elective catalogue (§3); academic calendars (§4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import TrilingualName

HOURS_PER_CREDIT = 30  # §3: 1 credit = 30 academic hours of student work


class AssessmentForm(models.TextChoices):
    EXAM = "exam", _("Examination")
    DIFF_CREDIT = "diff_credit", _("Differentiated credit")
    COURSEWORK = "coursework", _("Coursework")
    PRACTICE = "practice", _("Practice")
    THESIS = "thesis", _("Thesis")


class Cycle(models.TextChoices):
    GENERAL = "general", _("General education")
    BASIC = "basic", _("Basic disciplines")
    MAJOR = "major", _("Major disciplines")
    ATTESTATION = "attestation", _("Final attestation")


class Component(models.TextChoices):
    COMPULSORY = "compulsory", _("Compulsory")
    ELECTIVE = "elective", _("Elective")


class Discipline(TrilingualName):
    code = models.CharField(_("code"), max_length=24, unique=True)
    credits = models.PositiveSmallIntegerField(_("credits"))
    lecture_hours = models.PositiveSmallIntegerField(_("lecture hours"), default=0)
    practice_hours = models.PositiveSmallIntegerField(_("practice hours"), default=0)
    lab_hours = models.PositiveSmallIntegerField(_("laboratory hours"), default=0)
    independent_hours = models.PositiveSmallIntegerField(_("independent work hours"), default=0)
    assessment_form = models.CharField(_("assessment form"), max_length=16,
                                       choices=AssessmentForm.choices,
                                       default=AssessmentForm.EXAM)
    department = models.ForeignKey("institution.Department", verbose_name=_("department"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="disciplines")
    prerequisites = models.ManyToManyField("self", verbose_name=_("prerequisites"),
                                           symmetrical=False, blank=True,
                                           related_name="required_for")

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gte=1, credits__lte=60),
                                   name="discipline_credits_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def total_hours(self) -> int:
        return self.lecture_hours + self.practice_hours + self.lab_hours + self.independent_hours


class Curriculum(models.Model):
    """The working curriculum of a programme for one intake year."""

    programme = models.ForeignKey("institution.Programme", verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="curricula")
    intake_year = models.PositiveSmallIntegerField(_("intake year"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("working curriculum")
        verbose_name_plural = _("working curricula")
        ordering = ["programme", "-intake_year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "intake_year"],
                                    name="one_curriculum_per_programme_and_intake"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.intake_year}"


class CurriculumEntry(models.Model):
    """A discipline placed in a semester; elective entries form the elective catalogue."""

    curriculum = models.ForeignKey(Curriculum, verbose_name=_("curriculum"),
                                   on_delete=models.CASCADE, related_name="entries")
    discipline = models.ForeignKey(Discipline, verbose_name=_("discipline"),
                                   on_delete=models.PROTECT, related_name="curriculum_entries")
    semester = models.PositiveSmallIntegerField(_("semester"))
    component = models.CharField(_("component"), max_length=16, choices=Component.choices)
    cycle = models.CharField(_("cycle"), max_length=16, choices=Cycle.choices)

    class Meta:
        verbose_name = _("curriculum entry")
        verbose_name_plural = _("curriculum entries")
        ordering = ["curriculum", "semester", "component", "discipline__code"]
        constraints = [
            models.UniqueConstraint(fields=["curriculum", "discipline"],
                                    name="discipline_once_per_curriculum"),
            models.CheckConstraint(condition=Q(semester__gte=1, semester__lte=14),
                                   name="curriculum_semester_range"),
        ]

    def __str__(self) -> str:
        return f"{self.curriculum} S{self.semester} {self.discipline.code}"


class CalendarEventKind(models.TextChoices):
    TEACHING = "teaching", _("Teaching weeks")
    REGISTRATION = "registration", _("Registration for the next term")
    ADD_DROP = "add_drop", _("Add/drop period")
    RATING_1 = "rating_1", _("First rating control")
    RATING_2 = "rating_2", _("Second rating control")
    EXAM_SESSION = "exam_session", _("Examination session")
    HOLIDAYS = "holidays", _("Holidays")


class AcademicCalendar(models.Model):
    """The calendar of one academic year for a set of programmes (§4)."""

    year = models.ForeignKey("institution.AcademicYear", verbose_name=_("academic year"),
                             on_delete=models.PROTECT, related_name="calendars")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("academic calendar")
        verbose_name_plural = _("academic calendars")
        ordering = ["-year__start_year", "name"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class CalendarProgramme(models.Model):
    """Which calendar a programme follows in a year: at most one per programme and year."""

    calendar = models.ForeignKey(AcademicCalendar, on_delete=models.CASCADE,
                                 related_name="programmes")
    programme = models.ForeignKey("institution.Programme", verbose_name=_("programme"),
                                  on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey("institution.AcademicYear", on_delete=models.CASCADE,
                             related_name="+")

    class Meta:
        verbose_name = _("programme on the calendar")
        verbose_name_plural = _("programmes on the calendar")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"],
                                    name="one_calendar_per_programme_and_year"),
        ]

    def __str__(self) -> str:
        return f"{self.calendar}: {self.programme}"

    def save(self, *args, **kwargs):
        self.year_id = self.calendar.year_id
        super().save(*args, **kwargs)


class CalendarEvent(models.Model):
    calendar = models.ForeignKey(AcademicCalendar, verbose_name=_("calendar"),
                                 on_delete=models.CASCADE, related_name="events")
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="calendar_events")
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarEventKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "period", "kind"],
                                    name="one_event_of_kind_per_term"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="calendar_event_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"
