"""Scholarship rounds after each session and vacant-grant competitions (§10).

A `ScholarshipRound` is the scholarship list of one session (an autumn or spring term) for a
faculty or the whole university, with the date payment starts and the number of months paid.
While it is a draft its list can be recomputed from the session results; drafting the
scholarship order freezes it (state ORDERED). If that order is cancelled the round becomes a
draft again.

A `GrantCompetition` ranks the paid students of a programme (optionally one year of study) for
a number of vacant state grants after a session; drafting the change-of-funding order for the
winners freezes it the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrar.contingent.choices import ScholarshipKind


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ORDERED = "ordered", _("Order drafted")


# The kinds a round awards (named scholarships are not decided by the session rules).
AWARD_KINDS = (ScholarshipKind.STATE, ScholarshipKind.STATE_INCREASED,
               ScholarshipKind.PRESIDENTIAL)


class ScholarshipRound(models.Model):
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("session (term)"),
                               on_delete=models.PROTECT, related_name="+")
    faculty = models.ForeignKey("institution.Faculty", verbose_name=_("faculty"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text=_("Empty for the whole university."))
    payment_starts_on = models.DateField(_("payment starts on"))
    months = models.PositiveSmallIntegerField(_("months paid"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices,
                             default=RoundState.DRAFT)
    order = models.ForeignKey("contingent.Order", verbose_name=_("scholarship order"),
                              null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # State-grant students of the scope who get nothing, with the reasons (codes, see
    # policy/scholarships.py): [{"student": id, "reasons": [{"code": …, …}]}].
    exclusions = models.JSONField(_("not eligible"), default=list, blank=True)
    computed_at = models.DateTimeField(_("list computed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scholarship round")
        verbose_name_plural = _("scholarship rounds")
        ordering = ["-period__starts_on", "faculty__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "faculty"],
                                    condition=Q(faculty__isnull=False),
                                    name="one_scholarship_round_per_faculty"),
            models.UniqueConstraint(fields=["period"], condition=Q(faculty__isnull=True),
                                    name="one_university_scholarship_round"),
            models.CheckConstraint(condition=Q(months__gte=1, months__lte=12),
                                   name="scholarship_round_months_1_12"),
        ]

    def __str__(self) -> str:
        scope = self.faculty.name if self.faculty is not None else _("whole university")
        return f"{self.period} — {scope}"


class ScholarshipAward(models.Model):
    """One student's scholarship in a round, with the figures it was decided on."""

    round = models.ForeignKey(ScholarshipRound, verbose_name=_("round"),
                              on_delete=models.CASCADE, related_name="awards")
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="scholarship_awards")
    kind = models.CharField(_("scholarship"), max_length=24, choices=ScholarshipKind.choices)
    monthly_amount = models.DecimalField(_("monthly amount"), max_digits=12, decimal_places=2)
    reasons = models.JSONField(_("grounds"), default=list, blank=True)
    # Copied when the list is computed, for filters and the statement.
    faculty = models.ForeignKey("institution.Faculty", verbose_name=_("faculty"),
                                on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey("institution.Programme", verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="+")
    year_of_study = models.PositiveSmallIntegerField(_("year of study"))
    letters = models.JSONField(_("session grades"), default=list, blank=True)
    term_gpa = models.DecimalField(_("term GPA"), max_digits=6, decimal_places=4, null=True,
                                   blank=True)

    class Meta:
        verbose_name = _("scholarship award")
        verbose_name_plural = _("scholarship awards")
        ordering = ["round", "faculty__code", "programme__code", "student__last_name_ru",
                    "student__first_name_ru", "student_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student"],
                                    name="one_scholarship_award_per_round"),
            models.CheckConstraint(condition=Q(monthly_amount__gt=0),
                                   name="scholarship_amount_positive"),
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in AWARD_KINDS]),
                                   name="scholarship_award_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.get_kind_display()} {self.monthly_amount}"


class GrantCompetition(models.Model):
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("session (term)"),
                               on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey("institution.Programme", verbose_name=_("programme"),
                                  on_delete=models.PROTECT, related_name="+")
    year_of_study = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True,
        help_text=_("Empty: students of every year of the programme compete."))
    grants = models.PositiveSmallIntegerField(_("vacant state grants"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices,
                             default=RoundState.DRAFT)
    order = models.ForeignKey("contingent.Order", verbose_name=_("change of funding order"),
                              null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ranked_at = models.DateTimeField(_("ranked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vacant grant competition")
        verbose_name_plural = _("vacant grant competitions")
        ordering = ["-period__starts_on", "programme__code", "year_of_study", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "programme", "year_of_study"],
                                    condition=Q(year_of_study__isnull=False),
                                    name="one_grant_competition_per_year"),
            models.UniqueConstraint(fields=["period", "programme"],
                                    condition=Q(year_of_study__isnull=True),
                                    name="one_grant_competition_per_programme"),
            models.CheckConstraint(condition=Q(grants__gte=1), name="grant_competition_grants"),
        ]

    def __str__(self) -> str:
        year = f", {self.year_of_study}" if self.year_of_study else ""
        return f"{self.programme.code}{year} — {self.period}"


class CompetitionEntry(models.Model):
    """A candidate's place in a competition (ties resolved, see policy/scholarships.py)."""

    competition = models.ForeignKey(GrantCompetition, verbose_name=_("competition"),
                                    on_delete=models.CASCADE, related_name="entries")
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("place"))
    gpa = models.DecimalField(_("GPA"), max_digits=6, decimal_places=4)
    all_excellent = models.BooleanField(_("all grades A/A-"))
    retakes = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    decided_by = models.CharField(_("place decided by"), max_length=16, blank=True)
    awarded = models.BooleanField(_("grant awarded"))

    class Meta:
        verbose_name = _("competition entry")
        verbose_name_plural = _("competition entries")
        ordering = ["competition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "student"],
                                    name="one_entry_per_candidate"),
            models.UniqueConstraint(fields=["competition", "position"],
                                    name="one_candidate_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.student}"
