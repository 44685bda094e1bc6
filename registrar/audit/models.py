"""The audit trail: who changed what, when and why.

Rows are append-only; services write them inside the same transaction as the
change they describe, so a rolled-back change leaves no audit row either.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only")


class AppendOnly(models.Model):
    """Rows that are written once and never changed (refused here and, on PostgreSQL, by a
    trigger in the database)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.verbose_name_plural} are append-only")


class AccessDenial(AppendOnly):
    """A refused request: every 403, and a 404 of an object URL for a signed-in user (objects
    outside the user's scope answer 404, so probing for them shows here too)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), db_index=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    view = models.CharField(_("view"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("access denial")
        verbose_name_plural = _("access denials")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.status} {self.method} {self.path}"


class Disclosure(AppendOnly):
    """Someone other than the student saw or took away the student's record."""

    class What(models.TextChoices):
        CARD = "card", _("student card (personal data, grades)")
        GRADES = "grades", _("grades")
        PDF = "pdf", _("document PDF")
        XLSX = "xlsx", _("document XLSX")
        ELMO = "elmo", _("transcript XML (ELMO)")
        PESC = "pesc", _("transcript XML (PESC)")
        EXPORT = "export", _("data export")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal")
        API = "api", _("API")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    student = models.ForeignKey(
        "people.Student",
        verbose_name=_("student"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    what = models.CharField(_("what"), max_length=16, choices=What.choices, db_index=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["student", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.what} {self.student_id}"
