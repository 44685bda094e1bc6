"""Writing audit events. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpRequest

from .models import AccessDenial, AuditEvent, Disclosure


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


# --- Who saw a student's record; which requests were refused --------------------------------


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, read as the sign-in lockout reads it (TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _username(user: Any) -> str:
    return (getattr(user, "get_username", lambda: "")() or "")[:150]


def disclosed(
    user: Any,
    student: Any,
    what: str,
    request: HttpRequest | None = None,
    *,
    detail: str = "",
    channel: str | None = None,
) -> Disclosure | None:
    """Record that `user` saw or downloaded `student`'s record (`what`: Disclosure.What).

    Call after the permission checks have passed and the content is made, just before it is
    sent, so a refused or failed request leaves nothing. A student's own record seen by the
    student is not a disclosure and is not recorded (returns None). The channel is the API
    for requests under /api/, otherwise the portal, unless given."""
    if what not in Disclosure.What.values:
        raise ValueError(f"unknown disclosure {what!r}")
    if getattr(user, "pk", None) is not None and getattr(student, "user_id", None) == user.pk:
        return None
    if channel is None:
        path = request.path_info if request is not None else ""
        channel = Disclosure.Channel.API if path.startswith("/api/") else Disclosure.Channel.PORTAL
    disclosure = Disclosure(
        user=user if getattr(user, "pk", None) else None,
        username=_username(user),
        student=student,
        what=what,
        detail=detail[:255],
        channel=channel,
        ip_address=client_ip(request),
    )
    disclosure.save()
    return disclosure


def access_denied(request: HttpRequest, status: int, reason: str = "") -> AccessDenial:
    """Record a refused request (see audit.middleware)."""
    user = getattr(request, "user", None)
    authenticated = bool(getattr(user, "is_authenticated", False))
    match = getattr(request, "resolver_match", None)
    denial = AccessDenial(
        user=user if authenticated else None,
        username=_username(user) if authenticated else "",
        status=status,
        method=(request.method or "")[:10],
        path=request.get_full_path()[:500],
        view=(match.view_name if match else "")[:100],
        ip_address=client_ip(request),
        reason=reason[:255],
    )
    denial.save()
    return denial
