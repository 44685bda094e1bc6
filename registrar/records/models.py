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


# --- Summer semester (§8) -----------------------------------------------------------------------

from django.conf import settings  # noqa: E402  (this section was appended to the module)


class SummerTariff(models.Model):
    """The cost of one credit in a summer semester; copied into each enrolment when it is made,
    so a later change of the tariff does not alter what a student already owes."""

    period = models.OneToOneField("institution.AcademicPeriod", verbose_name=_("summer semester"),
                                  on_delete=models.PROTECT, related_name="summer_tariff")
    cost_per_credit = models.DecimalField(_("cost per credit"), max_digits=12, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("summer semester tariff")
        verbose_name_plural = _("summer semester tariffs")
        constraints = [
            models.CheckConstraint(condition=Q(cost_per_credit__gte=0),
                                   name="summer_tariff_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.cost_per_credit}"


class SummerReason(models.TextChoices):
    DEBT = "debt", _("Academic debt")
    DIFFERENCE = "difference", _("Curriculum difference")
    DIFFERENCE_MEDICAL = "difference_medical", _("Curriculum difference after medical leave")
    EXTRA = "extra", _("Extra discipline")


class SummerEnrolmentState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled with the section")


class SummerEnrolment(models.Model):
    """A student's summer-semester registration for a discipline, with why and what it costs
    (§8): paid per credit, except a curriculum difference after medical leave (amount 0)."""

    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="summer_enrolments")
    period = models.ForeignKey("institution.AcademicPeriod", verbose_name=_("summer semester"),
                               on_delete=models.PROTECT, related_name="summer_enrolments")
    discipline = models.ForeignKey("curriculum.Discipline", verbose_name=_("discipline"),
                                   on_delete=models.PROTECT, related_name="+")
    registration = models.OneToOneField("registration.Registration",
                                        verbose_name=_("registration"),
                                        on_delete=models.PROTECT,
                                        related_name="summer_enrolment")
    debt = models.ForeignKey(AcademicDebt, verbose_name=_("academic debt"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=24, choices=SummerReason.choices)
    credits = models.PositiveSmallIntegerField(_("credits"))
    cost_per_credit = models.DecimalField(_("cost per credit"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount due"), max_digits=12, decimal_places=2)
    state = models.CharField(_("state"), max_length=16, choices=SummerEnrolmentState.choices,
                             default=SummerEnrolmentState.REGISTERED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("summer semester enrolment")
        verbose_name_plural = _("summer semester enrolments")
        ordering = ["period", "student", "discipline__code"]
        constraints = [
            models.UniqueConstraint(fields=["student", "period", "discipline"],
                                    condition=Q(state="registered"),
                                    name="one_summer_enrolment_per_discipline"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(cost_per_credit__gte=0),
                                   name="summer_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(reason="difference_medical") | Q(amount=0),
                name="summer_medical_difference_free",
            ),
            models.CheckConstraint(condition=~Q(reason="debt") | Q(debt__isnull=False),
                                   name="summer_debt_reason_has_debt"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.discipline.code} ({self.get_reason_display()})"
