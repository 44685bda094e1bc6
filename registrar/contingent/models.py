"""Orders, their items, the effective-dated status history, personal files and archive (§9)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrar.institution.models import TrilingualName
from registrar.people.choices import Funding, StudentStatus

from .choices import (
    NUMBER_CODES,
    ExpulsionReason,
    LeaveKind,
    OrderState,
    OrderType,
    ScholarshipKind,
)
from .transitions import CODED_ITEM_FIELDS, Refused, check_choices


class ImmutableOrderError(Exception):
    """Raised on any attempt to edit an applied order or its items."""


class Order(models.Model):
    """A numbered, dated order (prikaz) with one or more items.

    Drafted, approved (signed, numbered), then applied. Applied orders are never
    edited: a mistake is corrected by another order.
    """

    order_type = models.CharField(_("type"), max_length=24, choices=OrderType.choices,
                                  db_index=True)
    state = models.CharField(_("state"), max_length=16, choices=OrderState.choices,
                             default=OrderState.DRAFT, db_index=True)
    faculty = models.ForeignKey("institution.Faculty", verbose_name=_("faculty"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="orders",
                                help_text=_("Empty for a university-wide order."))
    title = models.CharField(_("title"), max_length=255, blank=True)
    basis = models.TextField(_("basis"), blank=True)
    # Numbering: per calendar year of signing and per type.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=32, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signatory = models.CharField(_("signed by"), max_length=255, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"),
                                   null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_order", "Can approve (sign) orders"),
            ("apply_order", "Can apply orders"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "order_type", "sequence"],
                                    name="order_number_unique_per_year_and_type"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(state="cancelled") | Q(sequence__isnull=False),
                name="signed_order_is_numbered",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_order_type_display()
        if self.number:
            return f"№ {self.number} {label}"
        return f"{label} ({self.get_state_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Order.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored == OrderState.APPLIED:
                raise ImmutableOrderError("An applied order cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = Order.objects.filter(pk=self.pk).values_list("state", flat=True).first()
        if stored != OrderState.DRAFT:
            raise ImmutableOrderError("Only a draft order can be deleted")
        return super().delete(*args, **kwargs)

    @staticmethod
    def format_number(order_type: str, year: int, sequence: int) -> str:
        return f"{sequence}-{NUMBER_CODES[order_type]}/{year}"


class OrderItem(models.Model):
    """One student and one change, with its effective date and basis document."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="items")
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="order_items")
    effective_date = models.DateField(_("effective date"))
    basis = models.CharField(_("basis document"), max_length=255, blank=True)
    reason = models.CharField(_("reason"), max_length=24, choices=ExpulsionReason.choices,
                              blank=True)
    leave_kind = models.CharField(_("kind of leave"), max_length=16, choices=LeaveKind.choices,
                                  blank=True)
    leave_until = models.DateField(_("leave until"), null=True, blank=True)
    to_programme = models.ForeignKey("institution.Programme", verbose_name=_("to programme"),
                                     null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    to_group = models.ForeignKey("institution.AcademicGroup", verbose_name=_("to group"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    to_year_of_study = models.PositiveSmallIntegerField(_("to year of study"), null=True,
                                                        blank=True)
    to_funding = models.CharField(_("to funding"), max_length=16, choices=Funding.choices,
                                  blank=True)
    new_names = models.JSONField(_("new name"), default=dict, blank=True)
    scholarship_kind = models.CharField(_("scholarship"), max_length=24,
                                        choices=ScholarshipKind.choices, blank=True)
    amount = models.DecimalField(_("monthly amount"), max_digits=12, decimal_places=2,
                                 null=True, blank=True)
    override_reason = models.TextField(
        _("override reason"), blank=True,
        help_text=_("Why the order is accepted outside the transfer windows."),
    )
    academic_difference = models.TextField(_("academic difference"), blank=True)
    # Snapshots taken when the order is applied.
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "student"], name="one_item_per_student"),
        ]

    def __str__(self) -> str:
        return f"{self.order}: {self.student}"

    def save(self, *args, **kwargs):
        state = Order.objects.filter(pk=self.order_id).values_list("state", flat=True).first()
        if state not in (None, OrderState.DRAFT):
            raise ImmutableOrderError("Items can be changed only while the order is a draft")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = Order.objects.filter(pk=self.order_id).values_list("state", flat=True).first()
        if stored != OrderState.DRAFT:
            raise ImmutableOrderError("Items can be removed only while the order is a draft")
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        """The coded fields hold allowed values for the order's type (the admin's forms; the
        services check the same through the state machine)."""
        super().clean()
        order = getattr(self, "order", None)
        if order is None:
            return
        try:
            check_choices(order.order_type, {f: getattr(self, f) for f in CODED_ITEM_FIELDS})
        except Refused as refused:
            raise ValidationError({refused.field: refused.message}) from None


class StatusChange(models.Model):
    """Effective-dated history: the student's state from `effective_date`, made by an item."""

    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.PROTECT, related_name="status_history")
    order_item = models.OneToOneField(OrderItem, verbose_name=_("order item"),
                                      on_delete=models.PROTECT, related_name="status_change")
    effective_date = models.DateField(_("effective date"))
    status = models.CharField(_("status"), max_length=16, choices=StudentStatus.choices)
    programme = models.ForeignKey("institution.Programme", verbose_name=_("programme"),
                                  null=True, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey("institution.AcademicGroup", verbose_name=_("group"), null=True,
                              on_delete=models.PROTECT, related_name="+")
    year_of_study = models.PositiveSmallIntegerField(_("year of study"))
    funding = models.CharField(_("funding"), max_length=16, choices=Funding.choices, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        ordering = ["student", "effective_date", "id"]
        indexes = [models.Index(fields=["student", "effective_date"])]

    def __str__(self) -> str:
        return f"{self.student} {self.effective_date}: {self.get_status_display()}"


class OrderCounter(models.Model):
    """The last number given per year and order type; locked while numbering."""

    year = models.PositiveSmallIntegerField()
    order_type = models.CharField(max_length=24, choices=OrderType.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "order_type"], name="one_counter"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.order_type}: {self.last}"


class PersonalFileDocument(TrilingualName):
    """A kind of document kept in each student's personal file (the checklist)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("personal file document")
        verbose_name_plural = _("personal file checklist")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class PersonalFileEntry(models.Model):
    student = models.ForeignKey("people.Student", verbose_name=_("student"),
                                on_delete=models.CASCADE, related_name="personal_file")
    document = models.ForeignKey(PersonalFileDocument, verbose_name=_("document"),
                                 on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"),
                                    null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("personal file entry")
        verbose_name_plural = _("personal file entries")
        constraints = [
            models.UniqueConstraint(fields=["student", "document"], name="one_entry_per_document"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.document}"


class ArchiveTransfer(models.Model):
    """An act handing personal files of graduates and leavers to the archive."""

    act_number = models.CharField(_("act number"), max_length=32, unique=True)
    handed_on = models.DateField(_("handed over on"))
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"),
                                  on_delete=models.PROTECT, related_name="+")
    received_by = models.CharField(_("received by (archivist)"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("archive hand-over")
        verbose_name_plural = _("archive hand-overs")
        ordering = ["-handed_on", "-id"]

    def __str__(self) -> str:
        return _("Act %(number)s of %(date)s") % {"number": self.act_number,
                                                   "date": self.handed_on}


class ArchivedFile(models.Model):
    transfer = models.ForeignKey(ArchiveTransfer, verbose_name=_("hand-over"),
                                 on_delete=models.PROTECT, related_name="files")
    student = models.OneToOneField("people.Student", verbose_name=_("student"),
                                   on_delete=models.PROTECT, related_name="archived_file")
    status_at_handover = models.CharField(_("status"), max_length=16,
                                          choices=StudentStatus.choices)
    documents = models.JSONField(_("documents handed over"), default=list)

    class Meta:
        verbose_name = _("archived personal file")
        verbose_name_plural = _("archived personal files")

    def __str__(self) -> str:
        return str(self.student)
