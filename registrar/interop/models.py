"""The event outbox and webhook subscriptions (issue 9, interoperability).

`OutboxEvent` rows are written in the same transaction as the change they announce (see
`outbox.py`): a change that rolls back leaves no event, and an event never announces a change
that did not happen. Other campus systems follow them by webhook (`WebhookSubscription`, pushed
by the `deliver_outbox` command, one `WebhookDelivery` per event and subscription) or, later,
by pulling `GET /api/v1/events?after=<id>` (`selectors.events_after`).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    STUDENT_STATUS_CHANGED = "student.status_changed", _("Student status changed (order applied)")
    GRADE_LOCKED = "grade.locked", _("Grade sheet submitted and locked")
    DOCUMENT_ISSUED = "document.issued", _("Document issued")


class OutboxEventQuerySet(models.QuerySet):
    def pending(self) -> OutboxEventQuerySet:
        return self.filter(delivered_at__isnull=True)


class OutboxEvent(models.Model):
    """Something other systems may want to know about, recorded with the change itself."""

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True, db_index=True)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices, db_index=True)
    aggregate_type = models.CharField(_("object type"), max_length=64)
    aggregate_id = models.CharField(_("object id"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict)
    delivered_at = models.DateTimeField(
        _("delivered at"), null=True, blank=True,
        help_text=_("Set when every webhook delivery of the event is finished (delivered or "
                    "given up)."))
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["aggregate_type", "aggregate_id"]),
            models.Index(fields=["delivered_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.topic} {self.aggregate_type}:{self.aggregate_id}"

    def envelope(self) -> dict[str, Any]:
        """The JSON body a consumer receives (webhook POST or pull API)."""
        return {
            "id": self.pk,
            "topic": self.topic,
            "occurred_at": self.occurred_at.isoformat() if self.occurred_at else None,
            "aggregate": {"type": self.aggregate_type, "id": self.aggregate_id},
            "payload": self.payload,
        }


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def validate_webhook_url(value: str) -> None:
    URLValidator(schemes=["http", "https"])(value)


def validate_topics(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one topic."))
    unknown = [t for t in value if t not in Topic.values]
    if unknown:
        raise ValidationError(_("Unknown topics: %(topics)s.")
                              % {"topics": ", ".join(map(str, unknown))})


class WebhookSubscription(models.Model):
    """A campus system that wants events POSTed to it, signed with its own secret."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500, validators=[validate_webhook_url])
    topics = models.JSONField(_("topics"), default=list, validators=[validate_topics],
                              help_text=_("A list of topics, e.g. [\"grade.locked\"]."))
    secret = models.CharField(_("signing secret"), max_length=128, default=new_secret,
                              help_text=_("Shared with the receiver; it checks the "
                                          "X-Registrar-Signature header with it."))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"

    def wants(self, topic: str) -> bool:
        return self.active and topic in (self.topics or [])


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


class WebhookDelivery(models.Model):
    """One event to one subscription: retried with backoff until delivered or given up."""

    event = models.ForeignKey(OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="deliveries")
    subscription = models.ForeignKey(WebhookSubscription, verbose_name=_("subscription"),
                                     on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(_("state"), max_length=16, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["event_id", "subscription_id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"],
                                    name="one_delivery_per_event_and_subscription"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.name} ({self.get_state_display()})"
