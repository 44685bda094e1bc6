"""Writing audit events. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEvent


def _plain(value: Any) -> Any:
    """Make a value JSON-safe and readable (dates, decimals, model instances)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def event_for(
    actor: Any,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """An unsaved event; use with `record_many` for batch operations."""
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=_plain(dict(changes or {})),
        reason=reason,
    )


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    event = event_for(actor, action, obj, changes, reason)
    event.save()
    return event


def record_many(events: Iterable[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(list(events), batch_size=1000)
