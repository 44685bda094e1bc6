"""Whether a signed-in session still owes its second factor.

The answer is worked out once, when the password is accepted (the `user_logged_in`
signal, so the admin's login and `force_login` are covered too), and kept in the
session; the middleware then reads the session and needs no query on most requests.
A device enrolled or removed elsewhere takes effect at the next sign-in.
"""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrar.people.choices import Role
from registrar.people.roles import scope_of

SESSION_KEY = "accounts_second_factor"
VERIFY = "verify"  # has a confirmed device: the code step is next
ENROL = "enrol"  # staff without a device while TOTP is required: the setup page is next
DONE = "done"


def offers_totp(user: Any) -> bool:
    """Staff may enrol: any account that is not only a student's."""
    if user.is_staff or user.is_superuser:
        return True
    scope = scope_of(user)
    is_student = scope.student_id is not None or Role.STUDENT in scope.roles
    return not is_student or scope.staff_id is not None or bool(scope.roles - {Role.STUDENT})


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def step_for(user: Any) -> str:
    if confirmed_device(user) is not None:
        return VERIFY
    if settings.REGISTRAR_REQUIRE_TOTP_FOR_STAFF and offers_totp(user):
        return ENROL
    return DONE


def pending_step(request: HttpRequest) -> str:
    """The step this session owes; sessions older than the feature are assessed once."""
    step = request.session.get(SESSION_KEY)
    if step not in (VERIFY, ENROL, DONE):
        step = step_for(request.user)
        request.session[SESSION_KEY] = step
    return step


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """The code was right: remember the device and take a fresh session key."""
    django_otp.login(request, device)
    request.session[SESSION_KEY] = DONE
    request.session.cycle_key()


def forget_device(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[SESSION_KEY] = step_for(request.user)


@receiver(user_logged_in, dispatch_uid="accounts.second_factor")
def _assess_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    # An OTP-aware form may have verified the device already (django_otp stores it).
    verified = getattr(user, "otp_device", None) is not None
    request.session[SESSION_KEY] = DONE if verified else step_for(user)
