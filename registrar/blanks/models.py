"""Strict accountability forms (§11): blank forms of diplomas and diploma supplements.

The office receives forms in batches of serial numbers (`Batch`), one `BlankForm` row per
serial number; each form is either still in stock, issued to one graduate (with a receipt the
graduate signs), or spoiled and written off by an act (`SpoilAct`). A form moves only forward:

    in_stock ──issue──▶ issued ──spoil (spoiled while printing)──▶ spoiled
        └──────────────────────spoil───────────────────────────────▲

Serial numbers. A serial is a series (capital letters, Latin or Cyrillic, with inner hyphens,
no digits: "BD", "ЖБ-Б") and a number, stored as an integer and printed zero-padded to
`SERIAL_DIGITS` (7) digits, as on the form: "BD 0012345" (`format_serial`; `parse_serial`
reads "BD 0012345", "bd0012345", "BD 12345" or "BD №0012345"). A serial is unique across all
form types.

The database keeps the books honest (see the constraints below and, on PostgreSQL, the
triggers of migration 0002): a serial exists once; a graduate holds at most one *issued* form
per form type; an issued form has its holder, date and receipt number, a spoiled one its act;
forms, batches and acts are never deleted; a form never returns to stock, a spoiled form never
changes again, and what an issued form says about its issue never changes.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SERIAL_DIGITS = 7
MAX_NUMBER = 10**SERIAL_DIGITS - 1
SERIES_RE = re.compile(r"^(?=.{1,12}$)[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]+(?:-[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]+)*$")
_SERIAL_RE = re.compile(rf"^\s*([^\W\d_]+(?:-[^\W\d_]+)*)[\s№#-]*(\d{{1,{SERIAL_DIGITS}}})\s*$")


class FormType(models.TextChoices):
    DIPLOMA_BACHELOR = "BD", _("Bachelor's diploma")
    DIPLOMA_MASTER = "MD", _("Master's diploma")
    DIPLOMA_DOCTOR = "DD", _("Doctoral (PhD) diploma")
    SUPPLEMENT = "SUPPLEMENT", _("Diploma supplement")


# The series printed on a type's forms when the supplier does not say otherwise.
DEFAULT_SERIES = {
    FormType.DIPLOMA_BACHELOR: "BD",
    FormType.DIPLOMA_MASTER: "MD",
    FormType.DIPLOMA_DOCTOR: "DD",
    FormType.SUPPLEMENT: "DS",
}


class FormState(models.TextChoices):
    IN_STOCK = "in_stock", _("in stock")
    ISSUED = "issued", _("issued")
    SPOILED = "spoiled", _("spoiled")


def format_serial(series: str, number: int) -> str:
    """The serial as printed on the form: "BD 0012345"."""
    return f"{series} {number:0{SERIAL_DIGITS}d}"


def normalise_series(text: str) -> str:
    return (text or "").strip().upper()


def parse_serial(text: str) -> tuple[str, int] | None:
    """(series, number) of a serial as typed, or None when it is not one."""
    match = _SERIAL_RE.match((text or "").upper())
    if match is None:
        return None
    series = match.group(1)
    if not SERIES_RE.match(series):
        return None
    return series, int(match.group(2))


class BlanksFrozen(Exception):
    """An attempt to change what the books may not change (see the module docstring)."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise BlanksFrozen(f"{self.model._meta.verbose_name_plural} are never changed")

    def delete(self) -> Any:
        raise BlanksFrozen(f"{self.model._meta.verbose_name_plural} are never deleted")


class Batch(models.Model):
    """One delivery of blank forms: a range (or an explicit list) of serial numbers."""

    form_type = models.CharField(_("form type"), max_length=16, choices=FormType.choices)
    series = models.CharField(_("series"), max_length=12)
    first_number = models.PositiveIntegerField(_("first number"))
    last_number = models.PositiveIntegerField(_("last number"))
    quantity = models.PositiveIntegerField(
        _("quantity received"),
        help_text=_("Forms received; equals the range unless an explicit list was received."))
    received_on = models.DateField(_("received on"))
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    invoice = models.CharField(_("invoice (waybill) number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("batch of forms")
        verbose_name_plural = _("batches of forms")
        ordering = ["form_type", "-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(first_number__lte=models.F("last_number")),
                                   name="blanks_batch_range_ordered"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="blanks_batch_not_empty"),
            models.CheckConstraint(condition=Q(form_type__in=FormType.values),
                                   name="blanks_batch_form_type_known"),
        ]

    def __str__(self) -> str:
        return f"{self.range_text} ({self.quantity})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise BlanksFrozen("a received batch cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise BlanksFrozen("a received batch cannot be deleted")

    @property
    def range_text(self) -> str:
        first = format_serial(self.series, self.first_number)
        if self.first_number == self.last_number:
            return first
        return f"{first} – {self.last_number:0{SERIAL_DIGITS}d}"


class SpoilAct(models.Model):
    """The act writing off spoiled forms: numbered, dated, with its reason."""

    number = models.CharField(_("act number"), max_length=40, unique=True)
    drawn_up_on = models.DateField(_("drawn up on"))
    reason = models.TextField(_("reason"))
    drawn_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn up by"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("write-off act")
        verbose_name_plural = _("write-off acts")
        ordering = ["-drawn_up_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} ({self.drawn_up_on:%d.%m.%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise BlanksFrozen("a write-off act cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise BlanksFrozen("a write-off act cannot be deleted")


class ReceiptCounter(models.Model):
    """The last receipt number given in a calendar year; locked while numbering."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


# What never changes once written, and what an issue fixes for good.
IDENTITY_FIELDS = ("form_type", "series", "number", "batch_id")
ISSUE_FIELDS = ("issued_to_id", "issued_at", "issued_by_id", "receipt_number")
SET_ONCE_FIELDS = ("document_code", "receipt_signed_on")
SPOIL_FIELDS = ("spoil_act_id", "spoiled_at")


class BlankFormQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        """Refused: a form changes one row at a time through `BlankForm.save` (the services),
        where its guard sees the old state."""
        raise BlanksFrozen("blank forms change only through registrar.blanks.services "
                           f"({', '.join(sorted(kwargs))})")

    def delete(self) -> Any:
        raise BlanksFrozen("blank forms are never deleted; write them off with an act")


class BlankForm(models.Model):
    """One blank form: one serial number of a batch."""

    form_type = models.CharField(_("form type"), max_length=16, choices=FormType.choices)
    series = models.CharField(_("series"), max_length=12)
    number = models.PositiveIntegerField(_("number"))
    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.PROTECT,
                              related_name="forms")
    state = models.CharField(_("state"), max_length=16, choices=FormState.choices,
                             default=FormState.IN_STOCK)
    issued_to = models.ForeignKey("people.Student", verbose_name=_("issued to"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="blank_forms")
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    receipt_number = models.CharField(_("receipt number"), max_length=20, blank=True)
    receipt_signed_on = models.DateField(_("receipt signed on"), null=True, blank=True)
    document_code = models.CharField(
        _("document verification code"), max_length=32, blank=True,
        help_text=_("The verification code of the issued document printed on this form."))
    spoil_act = models.ForeignKey(SpoilAct, verbose_name=_("write-off act"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="forms")
    spoiled_at = models.DateTimeField(_("written off at"), null=True, blank=True)

    objects = BlankFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("blank form")
        verbose_name_plural = _("blank forms")
        ordering = ["form_type", "series", "number"]
        indexes = [
            models.Index(fields=["form_type", "state", "series", "number"],
                         name="blanks_form_stock_idx"),
            models.Index(fields=["batch", "state"], name="blanks_form_batch_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="blanks_unique_serial"),
            # A graduate holds at most one issued form of a type; a spoiled one does not count.
            models.UniqueConstraint(fields=["issued_to", "form_type"],
                                    condition=Q(state="issued"),
                                    name="blanks_one_issued_form_per_type"),
            models.UniqueConstraint(fields=["receipt_number"], condition=~Q(receipt_number=""),
                                    name="blanks_unique_receipt_number"),
            models.CheckConstraint(condition=Q(state__in=FormState.values),
                                   name="blanks_form_state_known"),
            models.CheckConstraint(condition=Q(form_type__in=FormType.values),
                                   name="blanks_form_type_known"),
            models.CheckConstraint(
                condition=~Q(state="in_stock") | Q(
                    issued_to__isnull=True, issued_at__isnull=True, spoil_act__isnull=True,
                    receipt_number=""),
                name="blanks_in_stock_is_blank"),
            models.CheckConstraint(
                condition=~Q(state="issued") | (
                    Q(issued_to__isnull=False, issued_at__isnull=False, spoil_act__isnull=True)
                    & ~Q(receipt_number="")),
                name="blanks_issued_has_holder"),
            models.CheckConstraint(
                condition=~Q(state="spoiled") | Q(spoil_act__isnull=False,
                                                  spoiled_at__isnull=False),
                name="blanks_spoiled_has_act"),
        ]

    def __str__(self) -> str:
        return self.serial

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A model guard mirroring the PostgreSQL trigger (migration 0002)."""
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(
                "state", *IDENTITY_FIELDS, *ISSUE_FIELDS, *SET_ONCE_FIELDS, *SPOIL_FIELDS).first()
            if stored is None:
                raise BlanksFrozen("a blank form is never re-created")
            self._check_change(stored)
        super().save(*args, **kwargs)

    def _check_change(self, stored: dict[str, Any]) -> None:
        changed = [f for f in IDENTITY_FIELDS if getattr(self, f) != stored[f]]
        if changed:
            raise BlanksFrozen(f"the serial of a form cannot change ({', '.join(changed)})")
        old = stored["state"]
        if old != FormState.IN_STOCK and self.state == FormState.IN_STOCK:
            raise BlanksFrozen(f"form {self.serial} never returns to stock")
        if old == FormState.SPOILED and self.state != FormState.SPOILED:
            raise BlanksFrozen(f"form {self.serial} is written off")
        if old != FormState.IN_STOCK:
            changed = [f for f in ISSUE_FIELDS if getattr(self, f) != stored[f]]
            changed += [f for f in SET_ONCE_FIELDS
                        if stored[f] not in ("", None) and getattr(self, f) != stored[f]]
            if old == FormState.SPOILED:
                changed += [f for f in (*SET_ONCE_FIELDS, *SPOIL_FIELDS)
                            if getattr(self, f) != stored[f]]
            if changed:
                raise BlanksFrozen(
                    f"the issue of form {self.serial} cannot be changed ({', '.join(changed)})")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise BlanksFrozen("blank forms are never deleted; write them off with an act")

    @property
    def serial(self) -> str:
        return format_serial(self.series, self.number)
