"""Final state attestation (§11): commissions, their events and the results they grade.

A State Attestation Commission (SAC) is appointed by an order for an academic year and one or
more programmes of a faculty; it has a chair and members (names and positions as printed in
the protocols; the chair is usually from outside the university). It holds events — state
examinations and thesis defences — and grades each student who sits them: a score 0–100 turned
into letter, points and traditional grade by the grading scale of the policy in force for the
academic year (§6), with the protocol number, and for a defence the thesis title in three
languages, the supervisor and the reviewer.

Final attestation results are kept here, not as `records.Attempt` rows: the academic records
have no "final attestation" attempt kind, and §7 defines GPA over the graded attempts of the
disciplines of the terms, while §11 judges the final attestation apart (honours need it A/A-).
So the results do not count in GPA; they are printed on the diploma supplement and enter the
honours verdict. See docs/graduation.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import Language


class AttestationKind(models.TextChoices):
    STATE_EXAM = "state_exam", _("State examination")
    THESIS_DEFENCE = "thesis_defence", _("Thesis defence")


class MemberRole(models.TextChoices):
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class AttestationCommission(models.Model):
    year = models.ForeignKey("institution.AcademicYear", verbose_name=_("academic year"),
                             on_delete=models.PROTECT, related_name="attestation_commissions")
    faculty = models.ForeignKey("institution.Faculty", verbose_name=_("faculty"),
                                on_delete=models.PROTECT, related_name="attestation_commissions")
    programmes = models.ManyToManyField("institution.Programme",
                                        verbose_name=_("educational programmes"),
                                        related_name="attestation_commissions")
    chair_name = models.CharField(_("chair"), max_length=255)
    chair_position = models.CharField(_("chair's position"), max_length=255, blank=True)
    order_reference = models.CharField(
        _("appointed by order"), max_length=120,
        help_text=_("Number and date of the order that appoints the commission."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("state attestation commission")
        verbose_name_plural = _("state attestation commissions")
        ordering = ["-year__start_year", "faculty__code", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.faculty.code}: {self.chair_name}"


class CommissionMember(models.Model):
    commission = models.ForeignKey(AttestationCommission, verbose_name=_("commission"),
                                   on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        ordering = ["commission", "role", "id"]

    def __str__(self) -> str:
        return self.name


class AttestationEvent(models.Model):
    """A state examination or a thesis defence held by a commission on a day."""

    commission = models.ForeignKey(AttestationCommission, verbose_name=_("commission"),
                                   on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=AttestationKind.choices)
    held_on = models.DateField(_("held on"))
    title_kk = models.CharField(_("title (Kazakh)"), max_length=255, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    credits = models.PositiveSmallIntegerField(
        _("credits"), default=0,
        help_text=_("Credits of the curriculum earned by passing it."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("final attestation event")
        verbose_name_plural = _("final attestation events")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__lte=60),
                                   name="attestation_event_credits_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d.%m.%Y}"

    def title_in(self, language: str) -> str:
        """The title printed in a language: its own, the Russian one, or the kind."""
        own = getattr(self, f"title_{(language or 'ru')[:2]}", "") or self.title_ru
        return own or str(self.get_kind_display())


class AttestationResult(models.Model):
    """A student's grade at a final attestation event, as in the commission's protocol."""

    event = models.ForeignKey(AttestationEvent, verbose_name=_("event"),
                              on_delete=models.PROTECT, related_name="results")
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="attestation_results")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    letter = models.CharField(_("letter"), max_length=4)
    points = models.DecimalField(_("grade points"), max_digits=3, decimal_places=2)
    traditional = models.CharField(_("traditional grade"), max_length=16)
    passed = models.BooleanField(_("passed"))
    protocol_number = models.CharField(_("protocol number"), max_length=32)
    thesis_title_kk = models.CharField(_("thesis title (Kazakh)"), max_length=500, blank=True)
    thesis_title_ru = models.CharField(_("thesis title (Russian)"), max_length=500, blank=True)
    thesis_title_en = models.CharField(_("thesis title (English)"), max_length=500, blank=True)
    thesis_language = models.CharField(_("language of the thesis"), max_length=2,
                                       choices=Language.choices, blank=True)
    supervisor = models.CharField(_("supervisor"), max_length=255, blank=True)
    reviewer = models.CharField(_("reviewer"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("final attestation result")
        verbose_name_plural = _("final attestation results")
        ordering = ["event", "student__last_name_ru", "student__first_name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["event", "student"],
                                    name="one_attestation_result_per_event"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100),
                                   name="attestation_score_range"),
        ]
        indexes = [models.Index(fields=["student", "event"],
                                name="graduation_result_student_idx")]

    def __str__(self) -> str:
        return f"{self.student} {self.event}: {self.letter}"

    def thesis_title_in(self, language: str) -> str:
        return (getattr(self, f"thesis_title_{(language or 'ru')[:2]}", "")
                or self.thesis_title_ru or self.thesis_title_en or self.thesis_title_kk)
