"""Grade sheets (statements), their entries, reopening, grade changes and final results (§6).

A sheet is open for entry until its deadline, then submitted and locked. After the lock an
entry changes only through a `GradeChange` (appeal commission decision with minutes, or a
registrar correction with a reason); changes are append-only, enforced on PostgreSQL by a
trigger.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SheetKind(models.TextChoices):
    RATING_1 = "rating_1", _("Rating statement R1")
    RATING_2 = "rating_2", _("Rating statement R2")
    EXAM = "exam", _("Exam statement")
    RESIT = "resit", _("Exam resit statement (FX)")


class SheetState(models.TextChoices):
    OPEN = "open", _("Open for entry")
    LOCKED = "locked", _("Submitted and locked")
    REOPENED = "reopened", _("Reopened by the dean")


class GradeSheet(models.Model):
    section = models.ForeignKey("registration.Section", verbose_name=_("section"),
                                on_delete=models.PROTECT, related_name="grade_sheets")
    kind = models.CharField(_("kind"), max_length=16, choices=SheetKind.choices)
    state = models.CharField(_("state"), max_length=16, choices=SheetState.choices,
                             default=SheetState.OPEN)
    exam_at = models.DateTimeField(_("exam at"), null=True, blank=True)
    entry_deadline = models.DateTimeField(_("entry deadline"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_until = models.DateTimeField(_("reopened until"), null=True, blank=True)

    class Meta:
        verbose_name = _("grade sheet")
        verbose_name_plural = _("grade sheets")
        ordering = ["section", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["section", "kind"], name="one_sheet_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.section.code} {self.get_kind_display()}"


class GradeEntry(models.Model):
    """One student's score on a sheet: a rating (mean of `parts` when given) or an exam score."""

    sheet = models.ForeignKey(GradeSheet, verbose_name=_("sheet"), on_delete=models.PROTECT,
                              related_name="entries")
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="grade_entries")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True,
                                blank=True)
    parts = models.JSONField(_("current scores"), default=list, blank=True,
                             help_text=_("Scores of current work and the midterm, 0–100 each."))
    absent = models.BooleanField(_("did not sit the exam"), default=False)
    absence_share = models.DecimalField(_("unexcused absence (share of classes)"),
                                        max_digits=4, decimal_places=3, null=True, blank=True)
    cheating = models.BooleanField(_("cheating (F)"), default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("grade entry")
        verbose_name_plural = _("grade entries")
        ordering = ["sheet", "student__last_name_ru", "student__first_name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "student"], name="one_entry_per_student"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="entry_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet}: {self.student} {self.score}"


class ChangeKind(models.TextChoices):
    APPEAL = "appeal", _("Appeal commission decision")
    CORRECTION = "correction", _("Registrar correction")
    REOPENED = "reopened", _("Entry during dean-approved reopening")


class GradeChange(models.Model):
    """A change to an entry after its sheet was locked. Never updated, never deleted."""

    entry = models.ForeignKey(GradeEntry, verbose_name=_("entry"), on_delete=models.PROTECT,
                              related_name="changes")
    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    old_score = models.DecimalField(_("old score"), max_digits=5, decimal_places=2, null=True)
    new_score = models.DecimalField(_("new score"), max_digits=5, decimal_places=2, null=True)
    old_absent = models.BooleanField(_("was absent"), default=False)
    new_absent = models.BooleanField(_("now absent"), default=False)
    minutes_number = models.CharField(_("minutes number"), max_length=64, blank=True)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="appeal") | ~Q(minutes_number=""),
                                   name="appeal_has_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.old_score} → {self.new_score}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Grade changes are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Grade changes are append-only")


class ReopenState(models.TextChoices):
    PENDING = "pending", _("Waiting for the dean")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReopenRequest(models.Model):
    sheet = models.ForeignKey(GradeSheet, verbose_name=_("sheet"), on_delete=models.PROTECT,
                              related_name="reopen_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(_("state"), max_length=16, choices=ReopenState.choices,
                             default=ReopenState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    open_until = models.DateTimeField(_("open until"), null=True, blank=True)

    class Meta:
        verbose_name = _("reopening request")
        verbose_name_plural = _("reopening requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.sheet} ({self.get_state_display()})"


class FinalResult(models.Model):
    """The final statement line of a student in a section, computed when the exam (or resit)
    sheet is locked and recomputed by every later grade change."""

    section = models.ForeignKey("registration.Section", verbose_name=_("section"),
                                on_delete=models.PROTECT, related_name="final_results")
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="final_results")
    r1 = models.DecimalField("R1", max_digits=5, decimal_places=2)
    r2 = models.DecimalField("R2", max_digits=5, decimal_places=2)
    admission_rating = models.DecimalField(_("admission rating"), max_digits=5,
                                           decimal_places=2)
    admitted = models.BooleanField(_("admitted to the exam"))
    not_admitted_reason = models.CharField(_("reason not admitted"), max_length=16, blank=True)
    exam = models.DecimalField(_("exam"), max_digits=5, decimal_places=2, null=True, blank=True)
    resit = models.BooleanField(_("after resit"), default=False)
    final_score = models.DecimalField(_("final score"), max_digits=5, decimal_places=2,
                                      null=True, blank=True)
    letter = models.CharField(_("letter"), max_length=4)
    points = models.DecimalField(_("grade points"), max_digits=3, decimal_places=2)
    traditional = models.CharField(_("traditional grade"), max_length=16)
    passed = models.BooleanField(_("passed"))
    may_resit = models.BooleanField(_("may resit (FX)"), default=False)
    attempt = models.OneToOneField("records.Attempt", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="final_result")
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("final result")
        verbose_name_plural = _("final results")
        ordering = ["section", "student__last_name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["section", "student"], name="one_result_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.section.code}: {self.letter}"
