"""The academic history: every attempt at a discipline, by term (§6, §7).

Title and credits are copied into each row when it is written, so a transcript
survives a later rename of the discipline.
"""

from __future__ import annotations

from django.db import models
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
