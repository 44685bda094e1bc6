"""The lockout page, wrong codes counted as failed sign-ins, and lockouts in the audit trail."""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registrar.audit import services as audit


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a translated page instead of axes' bare text."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(request, "accounts/locked_out.html", {
        "minutes": minutes,
        "failure_limit": get_failure_limit(request, credentials),
    }, status=429)


def _credentials(user: Any) -> dict[str, str]:
    return {"username": user.get_username()}


def is_locked(request: HttpRequest, user: Any) -> bool:
    return AxesProxyHandler.is_locked(request, _credentials(user))


def count_failure(request: HttpRequest, user: Any) -> bool:
    """Count a wrong code like a wrong password; True when that locks the user name + IP.

    Without this a stolen password would allow unlimited guesses at the code, held back
    only by django-otp's throttling.
    """
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


@receiver(user_locked_out, dispatch_uid="accounts.audit_lockout")
def _audit_lockout(sender: Any, request: HttpRequest, username: str | None,
                   ip_address: str | None, **kwargs: Any) -> None:
    # axes signals again for every refused attempt while locked; only the failure that
    # starts a lockout is counted (failures_since_start is set), and only that is recorded.
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or not username:
        return
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        audit.record(None, "account.locked_out", user,
                     {"ip_address": ip_address, "failures": failures})
