"""The academic history: every attempt at a discipline, by term (§6, §7).

Title and credits are copied into each row when it is written, so a transcript
survives a later rename of the discipline.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AttemptKind(models.TextChoices):
    REGULAR = "regular", _("Regular term")
    SUMMER = "summer", _("Summer semester")
    RESIT = "resit", _("Exam resit (FX)")
    RESTUDY = "restudy", _("Re-study of a failed discipline")
    TRANSFER = "transfer", _("Recognised transfer credit")


class Attempt(models.Model):
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="attempts")
    discipline = models.ForeignKey("curriculum.Discipline", verbose_name=_("discipline"),
                                   on_delete=models.PROTECT, related_name="attempts")
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="attempts")
    kind = models.CharField(_("kind"), max_length=16, choices=AttemptKind.choices,
                            default=AttemptKind.REGULAR)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    credits = models.PositiveSmallIntegerField(_("credits"))
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2,
                                      null=True, blank=True)
    letter = models.CharField(_("letter"), max_length=4)
    points = models.DecimalField(_("grade points"), max_digits=3, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    counts_in_gpa = models.BooleanField(_("counts in GPA"), default=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["student", "period__starts_on", "discipline__code"]
        indexes = [models.Index(fields=["student", "discipline"])]

    def __str__(self) -> str:
        return f"{self.student} {self.title_en} {self.letter}"


class DebtState(models.TextChoices):
    OPEN = "open", _("Open")
    CLEARED = "cleared", _("Cleared")


class AcademicDebt(models.Model):
    """A failed discipline (F, or not admitted, or a failed FX resit) that must be re-studied on a
    paid basis in a later term or the summer semester (§6, §7)."""

    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="debts")
    discipline = models.ForeignKey("curriculum.Discipline", verbose_name=_("discipline"),
                                   on_delete=models.PROTECT, related_name="+")
    failed_attempt = models.ForeignKey(Attempt, verbose_name=_("failed attempt"),
                                       on_delete=models.PROTECT, related_name="debts")
    state = models.CharField(_("state"), max_length=8, choices=DebtState.choices,
                             default=DebtState.OPEN)
    cleared_by = models.ForeignKey(Attempt, verbose_name=_("cleared by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="cleared_debts")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("academic debt")
        verbose_name_plural = _("academic debts")
        ordering = ["student", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "discipline"],
                                    condition=Q(state="open"), name="one_open_debt_per_discipline"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.discipline.code} ({self.get_state_display()})"


class GpaSnapshot(models.Model):
    """A student's GPA figures for one term, stored for documents and fast lists.

    Recomputed from the attempts whenever one of them is written or changed, so every screen,
    document and export shows the same figure. Exact values are stored with 4 decimals and
    displayed rounded half-up to 2.
    """

    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.CASCADE, related_name="gpa_snapshots")
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("term"),
                               on_delete=models.PROTECT, related_name="+")
    term_gpa = models.DecimalField(_("term GPA"), max_digits=6, decimal_places=4, null=True)
    term_credits = models.PositiveSmallIntegerField(_("credits graded in the term"), default=0)
    year_gpa = models.DecimalField(_("academic year GPA"), max_digits=6, decimal_places=4,
                                   null=True)
    cumulative_gpa = models.DecimalField(_("cumulative GPA"), max_digits=6, decimal_places=4,
                                         null=True)
    credits_earned = models.PositiveSmallIntegerField(_("credits earned to date"), default=0)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("GPA snapshot")
        verbose_name_plural = _("GPA snapshots")
        ordering = ["student", "period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["student", "period"], name="one_snapshot_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.period}: {self.cumulative_gpa}"
